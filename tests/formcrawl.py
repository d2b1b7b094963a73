"""For the fuzz tests: find every form a user can post, by reading the pages they can open.

`crawl` follows the links from a few start pages (same site only, no downloads, no logout) and
collects each `<form method="post">`: its action, and for each field the values the page offers
(the field's own value, each option of a select, each checkbox's or radio button's value). So a
new form on any page is fuzzed without anyone listing it here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from django.test import Client

# Addresses a crawl neither opens nor posts to: the API (no forms), the admin (its own forms, not
# a role's) and logging in or out (either would change whose session the client has).
SKIP = ("/static/", "/api/", "/admin/", "/konto/logout/", "/konto/login/", "/media/")
# Links it does not follow: downloads, which are no pages and take long to build.
SKIP_LINKS = (".pdf", ".ics", ".json", "/word/", "/svarspaket/", "/pdf/")


@dataclass
class PostForm:
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name → values the page offers

    def offer(self, name: str, value: str | None) -> None:
        values = self.fields.setdefault(name, [])
        if value is not None and value not in values:
            values.append(value)

    def merge(self, other: PostForm) -> None:
        """The same action found on another page (or by another role): the fields of both."""
        for name, values in other.fields.items():
            for value in values or [None]:
                self.offer(name, value)


class _Page(HTMLParser):
    def __init__(self, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.url = url
        self.links: list[str] = []
        self.forms: list[PostForm] = []
        self._form: PostForm | None = None
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.url, a["href"]))
        elif tag == "form":
            method = (a.get("method") or "get").lower()
            self._form = PostForm(urljoin(self.url, a.get("action") or self.url)) if method == "post" else None
        elif self._form is not None and a.get("name"):
            self._field(tag, a)
        elif tag == "option" and self._form is not None and self._select:
            self._form.offer(self._select, a.get("value") or "")

    def _field(self, tag: str, a: dict[str, str | None]) -> None:
        name = a["name"] or ""
        kind = (a.get("type") or "text").lower()
        if tag == "select":
            self._select = name
            self._form.offer(name, None)
        elif tag == "textarea":
            self._textarea, self._text = name, []
        elif tag in ("input", "button") and kind not in ("file",):
            self._form.offer(name, a.get("value") or ("on" if kind in ("checkbox", "radio") else ""))
        else:
            self._form.offer(name, None)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._form is not None and self._textarea:
            self._form.offer(self._textarea, "".join(self._text))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text.append(data)


def _path(url: str) -> str:
    """The URL's path: query strings (pages of a list, two versions to compare) open no other forms."""
    return urlsplit(urldefrag(url)[0]).path


def _wanted(url: str, skip: tuple[str, ...] = ()) -> bool:
    parts = urlsplit(url)
    on_site = parts.scheme in ("", "http") and parts.netloc in ("", "testserver")
    return on_site and not any(s in parts.path for s in SKIP + skip)


def crawl(client: Client, start: Iterable[str], *, limit: int = 60) -> dict[str, PostForm]:
    """Every post form reachable from `start` within `limit` pages, by action path."""
    queue, seen, forms = [_path(u) for u in start], set(), {}
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen or not _wanted(url, SKIP_LINKS):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = _Page(url)
        page.feed(response.content.decode())
        queue += [_path(link) for link in page.links if _wanted(link, SKIP_LINKS) and _path(link) not in seen]
        for form in page.forms:
            action = _path(form.action)
            if not _wanted(action):
                continue
            forms.setdefault(action, PostForm(action)).merge(form)
    return forms
