"""A Swedish page for "405 Method Not Allowed", and a 404 for ids in a URL that no row can have.

Django's `require_POST` (and `require_http_methods`) answer a GET of a POST-only address, such as
/konto/logout/ or an officer's Word upload, with an empty 405 response, which the browser shows as
a blank page. This middleware puts templates/405.html in its place. It keeps the status and the
Allow header, and leaves alone any 405 that already has a body (an API's JSON, say).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from remiss.ids import out_of_range


class MethodNotAllowedPageMiddleware:
    """Replace an empty 405 response with the Swedish page, keeping its status and Allow header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or getattr(response, "streaming", False) or response.content:
            return response
        page = render(request, "405.html", status=405)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page


class IdRangeMiddleware:
    """A URL's <int:…> beyond the database's integers is a 404 before any view queries with it.

    The int converter takes any number of digits, and on SQLite a foreign-key lookup such as
    `case_id=<twenty digits>` raises OverflowError (see remiss.ids). Checking the resolved
    arguments here covers every route, present and future, in one place.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        if out_of_range(view_args) or out_of_range(view_kwargs.values()):
            raise Http404
