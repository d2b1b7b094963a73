"""The app's static files (remiss/static/remiss/) and how the pages link them."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

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
    source = Path(path).read_text(encoding="utf-8")
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


def _css_rules(name: str) -> list[tuple[list[str], str]]:
    """(selectors, declarations) of each rule in a static stylesheet, comments removed."""
    source = re.sub(r"/\*.*?\*/", "", Path(finders.find(name)).read_text(encoding="utf-8"), flags=re.S)
    return [([s.strip() for s in sel.split(",")], body) for sel, body in re.findall(r"([^{}]+)\{([^{}]*)\}", source)]


def test_date_inputs_have_a_visible_focus_ring_like_the_other_inputs():
    # Focus in a date input sits in its day/month/year part (the browser's shadow tree), where
    # Chromium matches neither :focus-visible nor :focus on the input: only :focus-within.
    rules = _css_rules("remiss/app.css")
    ring = [body for selectors, body in rules if ":focus-visible" in selectors][0]
    date_rules = [body for selectors, body in rules if "input[type=date]:focus-within" in selectors]
    assert date_rules, "no focus rule for input[type=date]"
    for declaration in ("outline: 3px solid var(--ink)", "box-shadow: 0 0 0 6px var(--focus)"):
        assert declaration in ring and declaration in date_rules[0], declaration


def test_main_keeps_its_space_below_the_header():
    # <main class="wrap">: of the rules that give it padding, the most specific and then the last
    # one wins, as in the browser. `.wrap { padding: 0 1rem }` once beat `main { padding-top }`, so
    # every page's heading sat against the blue header bar.
    specificity = {"main": (0, 0, 1), ".wrap": (0, 1, 0), "main.wrap": (0, 1, 1)}
    candidates = []
    for order, (selectors, body) in enumerate(_css_rules("remiss/app.css")):
        for selector in selectors:
            if selector in specificity and re.search(r"(^|;)\s*padding(-top)?\s*:", body):
                candidates.append((specificity[selector], order, body))
    winner = max(candidates)[2]
    top = re.search(r"padding-top\s*:\s*([^;]+)", winner) or re.search(r"padding\s*:\s*(\S+)", winner)
    assert top.group(1).strip() not in ("0", "0rem", "0px"), winner


def test_favicon_ico_redirects_to_the_svg(client, db):
    """Pages without the link (the admin, the API docs) make the browser ask for /favicon.ico."""
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == static(FAVICON)
