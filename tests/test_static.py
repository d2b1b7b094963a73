"""The app's static files (remiss/static/remiss/) and how the pages link them."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

FAVICON = "remiss/favicon.svg"


def test_the_favicon_is_a_static_svg():
    path = finders.find(FAVICON)
    assert path, f"{FAVICON} is not among the static files"
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    # Nothing that runs or loads: a favicon is a picture.
    source = open(path, encoding="utf-8").read()
    for forbidden in ("<script", "href=", " on", "style="):
        assert forbidden not in source, forbidden


@pytest.mark.parametrize("name", ["login", "officer_home"])
def test_base_pages_link_the_favicon(client, officer, name):
    if name == "officer_home":
        client.force_login(officer)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert f'<link rel="icon" href="{static(FAVICON)}" type="image/svg+xml">' in response.content.decode()


def test_error_pages_link_the_favicon_too(client, db):
    from django.test import RequestFactory
    from django.views.defaults import server_error

    icon = f'<link rel="icon" href="{static(FAVICON)}"'
    assert icon in client.get("/finns-inte-har/").content.decode()
    assert icon in server_error(RequestFactory().get("/")).content.decode()
