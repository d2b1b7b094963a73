"""A Swedish page for "405 Method Not Allowed".

Django's `require_POST` (and `require_http_methods`) answer a GET of a POST-only address, such as
/konto/logout/ or an officer's Word upload, with an empty 405 response, which the browser shows as
a blank page. This middleware puts templates/405.html in its place. It keeps the status and the
Allow header, and leaves alone any 405 that already has a body (an API's JSON, say).
"""
from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


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
