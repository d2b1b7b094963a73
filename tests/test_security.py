"""Hardening: every payload of `tests/payloads.py` comes out inert in the pages, the PDF and the admin.

Each payload is saved through the workflow into every user-written field (the opinion and its
förslag till beslut, the decision's added text and points, a reservation's text and backed
proposal, the city proposal's summary and views and points, the case's background, title and
reference, a proposal's title and summary) and into the names the admin keeps (a politician, a
body). Then:

(a) every page that shows those texts, for each role, is parsed and must carry no executable
    markup: no script but the app's own files, no on* attribute, no javascript:/data:/vbscript:
    or other scheme in a URL attribute, no frame, object, embed, base, meta http-equiv, style
    element or style attribute;
(b) the compiled memo PDF, rendered once for one case carrying every payload, must contain no
    link or launch action, no embedded file, no image and nothing of /etc/passwd, and the
    fetcher must have been asked for the app's stylesheet only;
(c) the admin's change and history pages show the payloads escaped.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from html import escape
from html.parser import HTMLParser

import pypdf
import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

from remiss import workflow
from remiss.memo.render import STYLESHEET, StaticOnlyFetcher, render_pdf, static_url
from remiss.memo.store import build_memo
from remiss.models import Body, Case, CityProposal, Decision, Opinion, Politician, Proposal, Referral, Seat, Statement
from remiss.workflow import AuthorSpec, ReferralSpec
from tests.factories import (
    BodyFactory,
    OfficerFactory,
    PartyFactory,
    PoliticianFactory,
    PoliticianUserFactory,
    RegistrarFactory,
    SeatFactory,
    UserFactory,
)
from tests.payloads import HUGE_DATA_IMAGE, PAYLOAD_IDS, PAYLOAD_VALUES, PAYLOADS

# --- A parser that lists what could execute -----------------------------------------------------

# Attributes whose value is a URL (or a list of URLs) somewhere in HTML, SVG or MathML.
URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "action",
        "formaction",
        "data",
        "xlink:href",
        "srcset",
        "poster",
        "background",
        "lowsrc",
        "dynsrc",
        "ping",
        "cite",
        "longdesc",
        "manifest",
        "codebase",
        "archive",
        "usemap",
        "icon",
        "profile",
    }
)
FORBIDDEN_TAGS = frozenset(
    {
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "base",
        "style",
        "svg",
        "math",
        "template",
        "portal",
        "xml",
        "noscript",
        "xmp",
        "plaintext",
        "listing",
    }
)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
# Browsers drop ASCII tab and newline anywhere in a URL, and spaces and C0 controls at its ends.
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]")


def url_problem(value: str) -> str | None:
    """Why a URL attribute's value could run or fetch something foreign; None for the app's own links."""
    cleaned = _URL_NOISE.sub("", value).lower()
    if cleaned.startswith("//") or cleaned.startswith("\\\\") or cleaned.startswith("/\\"):
        return "protocol-relative URL to another host"
    match = _SCHEME.match(cleaned)
    if match:
        return f"URL with the scheme {match.group(1)}:"
    return None


class InertChecker(HTMLParser):
    """Collects every way a page could run, load or submit something that is not the app's own.

    `allow_inline_json`: the admin writes configuration into <script type="application/json">;
    that never runs (the CSP and the type both see to it) and its content is escaped by json_script.
    """

    def __init__(self, *, allow_inline_json: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.allow_inline_json = allow_inline_json
        self.problems: list[str] = []
        self._in_script: str | None = None
        self.tags: list[str] = []

    def _problem(self, what: str) -> None:
        line, col = self.getpos()
        self.problems.append(f"line {line}:{col}: {what}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = {name: (value or "") for name, value in attrs}
        for name, value in attrs:
            self._check_attribute(tag, name, value or "")
        if tag in FORBIDDEN_TAGS:
            self._problem(f"<{tag}> element")
        if tag == "meta" and "http-equiv" in values:
            self._problem(f"<meta http-equiv={values['http-equiv']!r}>")
        if tag == "script":
            self._check_script(values)
        if tag == "link":
            self._check_link(values)
        if tag == "img" and not values.get("src", "").startswith("/static/"):
            self._problem(f"<img src={values.get('src', '')[:80]!r}>")
        action = values.get("action", "")
        if tag in ("form", "button", "input") and action and not action.startswith("/"):
            self._problem(f"<{tag} action={action[:80]!r}> goes elsewhere")

    def _check_attribute(self, tag: str, name: str, value: str) -> None:
        if name.startswith("on"):
            self._problem(f"<{tag} {name}=…> event handler")
        if name in ("style", "srcdoc", "formaction", "srcset"):
            self._problem(f"<{tag} {name}=…>")
        why = url_problem(value) if name in URL_ATTRIBUTES else None
        if why:
            self._problem(f"<{tag} {name}={value[:80]!r}>: {why}")

    def _check_script(self, values: dict[str, str]) -> None:
        src = values.get("src", "")
        if src:
            if not src.startswith("/static/"):
                self._problem(f"<script src={src[:80]!r}> not one of the app's static files")
            self._in_script = "src"
        elif self.allow_inline_json and values.get("type") == "application/json":
            self._in_script = "json"
        else:
            self._problem("<script> without src (inline script)")
            self._in_script = "inline"

    def _check_link(self, values: dict[str, str]) -> None:
        rel = values.get("rel", "").lower().split()
        href = values.get("href", "")
        if rel != ["stylesheet"] and "icon" not in rel:
            self._problem(f"<link rel={values.get('rel')!r}>")
        elif not href.startswith("/static/"):
            self._problem(f"<link href={href[:80]!r}> not one of the app's static files")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._in_script = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None

    def handle_data(self, data: str) -> None:
        if self._in_script == "src" and data.strip():
            self._problem(f"<script src> with a body: {data.strip()[:80]!r}")

    def handle_comment(self, data: str) -> None:
        # Conditional comments are code in old Internet Explorer; the app writes none.
        if "[if" in data.lower():
            self._problem(f"conditional comment <!--{data[:60]}-->")


def inert_problems(html: str, *, allow_inline_json: bool = False) -> list[str]:
    checker = InertChecker(allow_inline_json=allow_inline_json)
    checker.feed(html)
    checker.close()
    return checker.problems


# --- The checker itself must catch what it is there for -------------------------------------------


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<script src="http://evil.example/x.js"></script>',
        '<script src="/static/app.js">alert(1)</script>',
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<a href=" data:text/html,x">x</a>',
        '<a href="vbscript:x">x</a>',
        '<a href="//evil.example/">x</a>',
        '<form action="http://evil.example/"></form>',
        '<iframe srcdoc="x"></iframe>',
        '<object data="x"></object>',
        "<embed src=x>",
        '<base href="/">',
        '<meta http-equiv="refresh" content="0;url=/">',
        "<style>p{}</style>",
        '<p style="color:red">x</p>',
        '<link rel="stylesheet" href="http://evil.example/x.css">',
        '<link rel="attachment" href="/static/x.css">',
        "<svg><a href='x'>x</a></svg>",
        "<!--[if gte mso 9]><xml></xml><![endif]-->",
        '<input value="" onfocus="x">',
        '<img src="/x.png">',
    ],
)
def test_the_checker_catches_executable_markup(html: str) -> None:
    assert inert_problems(f"<html><body>{html}</body></html>")


def test_the_checker_lets_the_apps_own_markup_through() -> None:
    html = (
        '<html><head><link rel="stylesheet" href="/static/remiss/app.css"></head><body>'
        '<a href="/arenden/1/">x</a><a href="#main">y</a><form method="post" action="/konto/logout/">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="x"></form><p>&lt;script&gt;</p>'
        '<textarea name="text">&lt;script&gt;alert(1)&lt;/script&gt;</textarea>'
        '<script src="/static/remiss/editor.js" defer></script></body></html>'
    )
    assert inert_problems(html) == []


# --- A world carrying one payload everywhere --------------------------------------------------------

MEETING = date(2030, 3, 20)


@dataclass
class World:
    case: Case
    referral: Referral
    office_referral: Referral
    decision: Decision
    statement: Statement
    proposal: Proposal
    politician: Politician
    body: Body
    registrar: object
    officer: object
    politician_user: object
    superuser: object
    pages: dict[str, Client] = field(default_factory=dict)


def _fit(value: str, limit: int, fallback: str) -> str:
    """A plain field's value: the payload cut to the field's length, never blank. Without NUL: the
    bodies and politicians built here come from the admin, whose forms refuse it, and PostgreSQL
    cannot store it (the workflow drops it from what it saves)."""
    cut = " ".join(value.replace("\x00", "").split())[:limit].strip()
    return cut or fallback


def build_world(payload: str, *, tag: str = "", plain: str | None = None) -> World:
    """One case, referred to a nämnd and an office, with `payload` in every user-written field.

    Everything is saved through `remiss.workflow`, as the views save it. The nämnd's opinion is
    ready and its decision recorded (not justered), so the pages show texts read-only and forms
    for the decision and the statement are still open. `plain` (default: `payload`) goes into the
    plain-text fields (points, positions, names, comments), which are shown escaped, not cleaned.
    """
    rich, payload = payload, payload if plain is None else plain
    registrar = RegistrarFactory(username=f"registrator{tag}")
    party = PartyFactory(abbreviation="M")
    body = BodyFactory(
        name=_fit(f"Nämnden {tag} {payload}", 150, f"Nämnden {tag}"),
        name_in_text=_fit(f"nämnden {payload}", 150, "nämnden"),
        administration=_fit(f"Förvaltningen {payload}", 150, "Förvaltningen"),
    )
    office = BodyFactory(
        kind=Body.Kind.OFFICE, name=f"Kontoret {tag}".strip(), administration=f"Kontoret {tag}".strip()
    )
    officer = OfficerFactory(username=f"handlaggare{tag}", bodies=[body])
    politician_user = PoliticianUserFactory(username=f"politiker{tag}")
    politician = PoliticianFactory(
        first_name=_fit(payload, 100, "Förnamn"),
        last_name="Efternamn",
        party=party,
        user=politician_user,
    )
    SeatFactory(politician=politician, body=body, role=Seat.Role.LEDAMOT)
    commissioner = PoliticianFactory(first_name="Borgar", last_name="Rådet", party=party)
    superuser = UserFactory(username=f"admin{tag}", is_superuser=True, is_staff=True)

    case = workflow.register_case(
        title=_fit(f"Titel {payload}", 300, "Titel"),
        reference=_fit(payload, 50, f"SOU 2030:{tag or 1}"),
        sender=_fit(payload, 150, "Departementet"),
        city_dnr=f"KS 2030/{tag or 1}-1.1",
        ministry_dnr=_fit(payload, 50, ""),
        received=date(2030, 1, 10),
        deadline=date(2030, 4, 28),
        commissioner=commissioner,
        memo_title=_fit(payload, 300, ""),
        by=registrar,
    )
    workflow.save_background(case, text=rich, by=registrar)
    proposal = workflow.add_proposal(
        case,
        number="1",
        kind=Proposal.Kind.FORSLAG,
        title=_fit(payload, 300, "Förslag"),
        summary=payload,
        by=registrar,
    )
    referral, office_referral = workflow.refer(
        case,
        bodies=[ReferralSpec(body, date(2030, 3, 31)), ReferralSpec(office, date(2030, 4, 10))],
        by=registrar,
    )
    workflow.save_opinion(
        referral, text=f"<p>Ofarlig början.</p>{rich}", proposed_decision=rich, date=date(2030, 2, 1), by=officer
    )
    workflow.mark_opinion_ready(referral, by=officer)
    workflow.save_opinion(office_referral, text=rich, proposed_decision=rich, date=date(2030, 2, 1), by=registrar)
    workflow.set_position(office_referral, position=payload, by=registrar)
    workflow.set_proposal_position(referral, proposal=proposal, stance="tillstyrker", comment=payload, by=officer)
    decision = workflow.record_decision(
        referral,
        meeting_date=MEETING,
        points=[payload, "Punkt två."],
        added_text=rich,
        position=payload,
        by=officer,
    )
    statement = workflow.add_statement(
        decision,
        kind=Statement.Kind.RESERVATION,
        authors=[AuthorSpec(politician)],
        text=rich,
        backed_proposal=_fit(payload, 300, ""),
        author_title=_fit(payload, 50, ""),
        by=politician_user,
    )
    workflow.save_city_proposal(
        case,
        decision_points=[payload, "Remissen besvaras."],
        summary=rich,
        views=rich,
        signed_place=_fit(payload, 100, "Stockholm"),
        by=registrar,
    )
    return World(
        case=case,
        referral=referral,
        office_referral=office_referral,
        decision=decision,
        statement=statement,
        proposal=proposal,
        politician=politician,
        body=body,
        registrar=registrar,
        officer=officer,
        politician_user=politician_user,
        superuser=superuser,
    )


def _url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_requests(world: World) -> list[tuple[str, object, str | None]]:
    """(label, user, url) for every page that shows the world's texts."""
    c, r, d, s = world.case, world.referral, world.decision, world.statement
    return [
        ("handläggarens start", world.officer, _url("officer_home")),
        ("handläggarens remiss", world.officer, _url("officer_referral", r.pk)),
        ("handläggarens beslut", world.officer, _url("officer_decision", r.pk)),
        ("politikerns start", world.politician_user, _url("politician_home")),
        ("politikerns beslut", world.politician_user, _url("politician_decision", d.pk)),
        ("politikerns uttalande", world.politician_user, _url("politician_statement_edit", s.pk)),
        ("ärendelistan", world.registrar, _url("case_list")),
        ("ärendet", world.registrar, _url("case_detail", c.pk)),
        ("ärendet (bakgrund)", world.registrar, _url("case_background", c.pk)),
        ("betänkandets förslag", world.registrar, _url("case_proposals", c.pk)),
        ("remittera", world.registrar, _url("case_refer", c.pk)),
        ("nämndens remittering", world.registrar, _url("case_referral", c.pk, r.pk)),
        ("förslag till beslut", world.registrar, _url("case_city_proposal", c.pk)),
        ("stadens beslut", world.registrar, _url("case_city_decisions", c.pk)),
        ("planering", world.registrar, _url("case_plan", c.pk)),
        ("förhandsvisning", world.registrar, _url("memo_preview", c.pk)),
    ]


CONFLICT = (200, 409)  # the officer's and politician's pages answer 409; a page showing the conflict is enough here


def post_requests(world: World, payload: str) -> list[tuple[str, object, str | None, dict, tuple[int, ...]]]:
    """(label, user, url, data, allowed statuses): posts that show typed text back on the page."""
    r, d, s, c = world.referral, world.decision, world.statement, world.case
    return [
        # The opinion is ready: the save is refused and the typed text is shown to copy.
        (
            "tjänsteutlåtande, inte öppet",
            world.officer,
            _url("officer_referral", r.pk),
            {"text": payload, "proposed_decision": payload, "date": "2030-02-01", "version": "1", "action": "save"},
            CONFLICT,
        ),
        # A stale version: the conflict page shows both versions and the diff.
        (
            "beslut, konflikt",
            world.officer,
            _url("officer_decision", r.pk),
            {
                "meeting_date": "2030-03-20",
                "points": f"{payload}\nEn punkt till",
                "added_text": f"<p>Min text</p>{payload}",
                "added_text_after_point": "1",
                "position": payload,
                "version": "0",
            },
            CONFLICT,
        ),
        (
            "uttalande, konflikt",
            world.politician_user,
            _url("politician_statement_edit", s.pk),
            {
                "text": f"<p>Min text</p>{payload}",
                "backed_proposal": _fit(payload, 300, ""),
                "identical_to": "",
                "version": "0",
            },
            CONFLICT,
        ),
        (
            "förslag till beslut, konflikt",
            world.registrar,
            _url("case_city_proposal", c.pk),
            {
                "decision_points": payload,
                "summary": f"<p>Min text</p>{payload}",
                "views": payload,
                "signed_place": "Stockholm",
                "signed_date": "",
                "version": "0",
            },
            CONFLICT,
        ),
        # Invalid input: the form comes back with the typed text in it.
        (
            "nytt uttalande, ogiltigt",
            world.politician_user,
            _url("politician_statement_add", d.pk),
            {
                "kind": "sarskilt_uttalande",
                "text": payload,
                "backed_proposal": _fit(payload, 300, ""),
                "identical_to": "999999",
            },
            (200,),
        ),
        (
            "ärendets uppgifter, ogiltigt",
            world.registrar,
            _url("case_edit", c.pk),
            {
                "title": _fit(payload, 300, "x"),
                "reference": _fit(payload, 50, "x"),
                "sender": _fit(payload, 150, "x"),
                "city_dnr": _fit(payload, 50, "x"),
                "ministry_dnr": "",
                "received": "2030-05-01",
                "deadline": "2030-01-01",
                "memo_title": _fit(payload, 300, ""),
            },
            (200,),
        ),
    ]


def _problems_on_pages(world: World, payload: str) -> list[str]:
    clients: dict[int, Client] = {}
    found: list[str] = []

    def client_for(user) -> Client:
        if user.pk not in clients:
            clients[user.pk] = _client(user)
        return clients[user.pk]

    for label, user, url in page_requests(world):
        if url is None:
            continue
        response = client_for(user).get(url)
        if response.status_code != 200:
            found.append(f"{label} ({url}): status {response.status_code}")
            continue
        found += [f"{label} ({url}): {p}" for p in inert_problems(response.content.decode())]
    for label, user, url, data, statuses in post_requests(world, payload):
        if url is None:
            continue
        response = client_for(user).post(url, data)
        if response.status_code not in statuses:
            found.append(f"{label} ({url}): status {response.status_code}, expected one of {statuses}")
        if response.status_code in (200, 409):
            found += [f"{label} ({url}): {p}" for p in inert_problems(response.content.decode())]
    return found


def test_the_pages_really_show_the_texts(db) -> None:
    """The sweep above is only worth something if the pages show the saved texts at all."""
    world = build_world("<p>Synlig markör</p>")
    seen = {}
    for label, user, url in page_requests(world):
        if url is not None:
            seen[label] = "Synlig markör" in _client(user).get(url).content.decode()
    for label in (
        "handläggarens remiss",
        "handläggarens beslut",
        "politikerns beslut",
        "ärendet (bakgrund)",
        "nämndens remittering",
        "förslag till beslut",
        "förhandsvisning",
    ):
        if label in seen:
            assert seen[label], f"{label} does not show the saved text"


def test_nothing_unsanitised_is_stored(db) -> None:
    """The rich-text fields hold the allowlist only, whatever was pasted."""
    from remiss.richtext import ALLOWED_TAGS

    combined = "".join(PAYLOAD_VALUES)
    world = build_world(combined)
    stored = [
        world.case.__class__.objects.get(pk=world.case.pk).background,
        Opinion.objects.get(referral=world.referral).text,
        Opinion.objects.get(referral=world.referral).proposed_decision,
        Decision.objects.get(pk=world.decision.pk).added_text,
        Statement.objects.get(pk=world.statement.pk).text,
        CityProposal.objects.get(case=world.case).summary,
        CityProposal.objects.get(case=world.case).views,
    ]
    for html in stored:
        tags = {t.lower() for t in re.findall(r"</?\s*([a-zA-Z][\w:-]*)", html)}
        assert tags <= ALLOWED_TAGS, tags - ALLOWED_TAGS
        assert not re.search(r"<[a-z0-9]+\s", html), "an attribute survived"


class FormReader(HTMLParser):
    """What a browser would post back from the page's main form: inputs, checked boxes, textareas
    and selected options, by name."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.data: dict[str, list[str]] = {}
        self._textarea: str | None = None
        self._select: str | None = None
        self._in_form = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form" and a.get("id", "").endswith("_form"):
            self._in_form += 1
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.setdefault(name, []).append(a.get("value", "on" if a.get("type") == "checkbox" else ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data.setdefault(name, []).append("")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self._in_form:
            self._in_form -= 1

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea][-1] += data


def admin_save(client: Client, model: str, pk: int, **changes: str) -> None:
    """Change fields of an object through its admin change form, as a person in the admin would."""
    url = reverse(f"admin:remiss_{model}_change", args=[pk])
    reader = FormReader()
    reader.feed(client.get(url).content.decode())
    data = {name: values for name, values in reader.data.items()}
    for name, value in changes.items():
        assert name in data, f"{model} admin has no field {name}: {sorted(data)}"
        data[name] = [value]
    data.pop("_saveasnew", None)
    response = client.post(url, {k: (v[0] if len(v) == 1 else v) for k, v in data.items()} | {"_save": "Spara"})
    assert response.status_code == 302, re.findall(
        r'<ul class="errorlist[^>]*>.*?</ul>', response.content.decode(), re.S
    )[:5]


def test_texts_written_in_the_admin_come_out_inert(db) -> None:
    """The admin is the one way to change a text around the workflow; what it saves must be as
    clean as what the workflow saves, since the pages show stored texts as they are."""
    world = build_world("<p>Ofarlig text</p>")
    admin = _client(world.superuser)
    # All but the huge image; NUL is refused by every form, the admin's too.
    hostile = "".join(PAYLOAD_VALUES[:-1]).replace("\x00", "") + "<p>Adminens text</p>"
    admin_save(admin, "opinion", world.referral.opinion.pk, text=hostile, proposed_decision=hostile)
    admin_save(admin, "decision", world.decision.pk, added_text=hostile)
    admin_save(admin, "statement", world.statement.pk, text=hostile)
    admin_save(admin, "cityproposal", world.case.city_proposal.pk, summary=hostile, views=hostile)
    admin_save(admin, "case", world.case.pk, background=hostile)
    assert "Adminens text" in Opinion.objects.get(referral=world.referral).text
    problems = []
    for label, user, url in page_requests(world):
        if url is None:
            continue
        response = _client(user).get(url)
        assert response.status_code == 200, (label, response.status_code)
        problems += [f"{label} ({url}): {p}" for p in inert_problems(response.content.decode())]
    assert not problems, "text saved in the admin reached a page unsanitised:\n" + "\n".join(problems[:40])


def _depth(html: str) -> int:
    depth = deepest = 0
    for closing in re.findall(r"<(/?)(?:p|h3|h4|ul|ol|li|strong|em)>", html):
        depth += -1 if closing else 1
        deepest = max(deepest, depth)
    return deepest


@pytest.mark.parametrize("tag", ["ul", "ol", "strong", "em"])
def test_deep_nesting_is_flattened_so_the_memo_still_renders(tag: str) -> None:
    """A paste of hundreds of nested elements once made WeasyPrint recurse past Python's limit,
    so no memo of the case could be compiled. Beyond MAX_DEPTH the elements are unwrapped."""
    from remiss.richtext import MAX_DEPTH, sanitize

    inner = "<li>djupt ord</li>" if tag in ("ul", "ol") else "djupt ord"
    html = sanitize(f"<p>Före</p><{tag}>" * 400 + inner + f"</{tag}>" * 400 + "<p>Efter</p>")
    assert "djupt ord" in html and "Efter" in html
    assert _depth(html) <= MAX_DEPTH
    assert sanitize(html) == html
    # Nine levels of Word list survive whole.
    nine = sanitize("<ul><li>a" * 9 + "</li></ul>" * 9)
    assert nine.count("<ul>") == 9
    rendered = render_pdf(f'<html lang="sv"><head><title>x</title></head><body>{html}</body></html>')
    assert rendered.pages >= 1


# --- (b) The PDF ------------------------------------------------------------------------------------

# What a PDF must not have: actions that open, launch, run or submit; embedded or attached files;
# multimedia; images (the memo has none, so any image came from user text).
FORBIDDEN_PDF_NAMES = frozenset(
    {
        "/URI",
        "/Launch",
        "/JavaScript",
        "/JS",
        "/GoToR",
        "/GoToE",
        "/SubmitForm",
        "/ImportData",
        "/ResetForm",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/FileAttachment",
        "/Filespec",
        "/RichMedia",
        "/Movie",
        "/Sound",
        "/Screen",
        "/Image",
        "/OpenAction",
        "/AA",
        "/XFA",
        "/AcroForm",
    }
)


@dataclass
class PdfInventory:
    names: set[str]
    streams: list[bytes]
    text: str


def inventory(pdf: bytes) -> PdfInventory:
    """Every name used as a key or value in any object reachable from the trailer, every stream's
    decoded bytes, and the pages' text."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    names: set[str] = set()
    streams: list[bytes] = []
    seen: set[tuple[int, int]] = set()
    stack: list = [reader.trailer]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            stack.append(obj.get_object())
            continue
        if isinstance(obj, DictionaryObject):
            for k, v in obj.items():
                names.add(str(k))
                stack.append(v)
            if isinstance(obj, StreamObject):
                try:
                    streams.append(obj.get_data())
                except Exception:  # an undecodable stream: keep the raw bytes
                    streams.append(obj._data if hasattr(obj, "_data") else b"")
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
        elif isinstance(obj, NameObject):
            names.add(str(obj))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return PdfInventory(names=names, streams=streams, text=text)


def pdf_problems(pdf: bytes) -> list[str]:
    inv = inventory(pdf)
    problems = [f"PDF uses {name}" for name in sorted(inv.names & FORBIDDEN_PDF_NAMES)]
    raw = pdf + b"".join(inv.streams)
    for needle in (b"root:x:0:", b"/bin/bash", b"daemon:x:"):
        if needle in raw or needle.decode() in inv.text:
            problems.append(f"PDF contains {needle!r} (from /etc/passwd)")
    # An inline image in a content stream: BI … ID … EI.
    for data in inv.streams:
        if re.search(rb"(^|\s)BI\s.*?\sID\s", data, re.S):
            problems.append("PDF has an inline image")
            break
    return problems


def test_pdf_checks_catch_what_they_are_for() -> None:
    """A PDF with a link, an image and an attachment fails every check it should."""
    from weasyprint import HTML

    png = (
        "data:image/png;base64,"
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )
    html = (
        f'<html><head><link rel="attachment" href="{png}" title="bilaga"></head><body>'
        f'<a href="http://evil.example/">länk</a><img src="{png}"><p>root:x:0:0:root</p></body></html>'
    )
    problems = " ".join(pdf_problems(HTML(string=html).write_pdf()))
    for expected in ("/URI", "/Image", "/EmbeddedFile", "root:x:0:"):
        assert expected in problems, expected


@pytest.fixture
def fetched(monkeypatch) -> list[str]:
    """Every URL WeasyPrint asks the memo's fetcher for, in order."""
    urls: list[str] = []
    original = StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        urls.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    return urls


def test_memo_pdf_with_every_payload_embeds_and_fetches_nothing(db, fetched) -> None:
    """One case carrying the whole corpus in every field; the memo is rendered once."""
    combined = "\n".join(PAYLOAD_VALUES)
    # The plain-text fields get the corpus without the 190 kB image (it would only be 190 kB of text).
    world = build_world(combined, plain="\n".join(v for v in PAYLOAD_VALUES if v != HUGE_DATA_IMAGE))
    workflow.justera(world.decision, by=world.officer)
    compiled = build_memo(world.case)
    problems = pdf_problems(compiled.pdf)
    assert not problems, problems
    assert fetched == [static_url(STYLESHEET)]
    # The harmless words came through, so the texts were really rendered.
    text = " ".join(inventory(compiled.pdf).text.split())
    assert "Ofarlig början." in text and "Ofarlig text" in text
    # The HTML the PDF was made from carries nothing executable either (the same sweep as the pages,
    # but <meta name=…> and the memo's remiss-static: stylesheet are its own).
    html = compiled.html.replace(static_url(STYLESHEET), "/static/" + STYLESHEET)
    assert inert_problems(html) == []


@pytest.mark.parametrize(
    "pid",
    [
        "img-etc-passwd",
        "link-stylesheet",
        "link-attachment",
        "a-rel-attachment",
        "img-localhost-port",
        "huge-data-image",
        "style-tag-import",
    ],
)
def test_unsanitised_payload_would_be_refused_by_the_fetcher(pid: str, fetched) -> None:
    """Without the sanitiser, the fetcher is the second wall: it refuses the payload's URL, and the
    spy above would have seen it. (This is what makes the PDF test able to fail.)"""
    from weasyprint.urls import FatalURLFetchingError

    payload = dict(PAYLOADS)[pid]
    html = (
        f'<html lang="sv"><head><title>x</title><link rel="stylesheet" href="{static_url(STYLESHEET)}">'
        f"{payload}</head><body><p>x</p>{payload}</body></html>"
    )
    with pytest.raises(FatalURLFetchingError):
        render_pdf(html)
    assert any(url != static_url(STYLESHEET) for url in fetched), fetched


def test_a_pasted_giant_word_does_not_stall_the_memo(monkeypatch) -> None:
    """WeasyPrint's hyphenation of one word grows with the cube of its length: a pasted 5,000-letter
    string (a base64 image, a long URL) held the memo's rendering for minutes, 100,000 for hours.
    What WeasyPrint gets has a break opportunity at least every LONG_WORD characters."""
    import weasyprint

    from remiss.memo import render as memo_render

    seen: list[str] = []
    real_html = weasyprint.HTML

    def spy(*args, **kwargs):
        seen.append(kwargs["string"])
        return real_html(*args, **kwargs)

    monkeypatch.setattr(memo_render, "HTML", spy)
    giant = "A" * 20_000 + " " + "&lt;" * 500 + " vanliga ord står kvar"
    html = (
        f'<html lang="sv"><head><title>x</title></head><body class="hyphenate">'
        f'<p>{giant}</p><p title="{"B" * 100}">x</p></body></html>'
    )
    rendered = render_pdf(html)
    assert rendered.pages >= 3
    (given,) = seen
    text_runs = [run for node in re.findall(r">([^<]+)<", given) for run in re.split(r"[\s\u200b]+", node)]
    longest = max(len(re.sub(r"&#?\w+;", "x", run)) for run in text_runs)
    assert longest <= memo_render.LONG_WORD
    assert "vanliga ord står kvar" in given and f'title="{"B" * 100}"' in given  # words and attributes untouched
    assert given.replace("\u200b", "") == html


# --- (c) The admin ----------------------------------------------------------------------------------


def admin_pages(world: World) -> list[tuple[str, str]]:
    """The admin's change page of every object holding a payload; the opinion's history list and
    one historical version of it; the case list (titles)."""
    pages = []
    for model, obj in (
        ("case", world.case),
        ("referral", world.referral),
        ("opinion", world.referral.opinion),
        ("decision", world.decision),
        ("statement", world.statement),
        ("cityproposal", world.case.city_proposal),
        ("politician", world.politician),
        ("body", world.body),
    ):
        url = _url(f"admin:remiss_{model}_change", obj.pk)
        if url is not None:
            pages.append((f"admin {model} change", url))
    pages.append(("admin opinion history", reverse("admin:remiss_opinion_history", args=[world.referral.opinion.pk])))
    record = world.referral.opinion.history.first()
    url = _url("admin:remiss_opinion_simple_history", world.referral.opinion.pk, record.history_id)
    if url is not None:
        pages.append(("admin opinion history version", url))
    pages.append(("admin case list", reverse("admin:remiss_case_changelist")))
    return pages


def _stored_values(world: World) -> list[str]:
    """Every stored text of the world that contains markup characters."""
    values = []
    for obj in (
        Case.objects.get(pk=world.case.pk),
        Opinion.objects.get(referral=world.referral),
        Decision.objects.get(pk=world.decision.pk),
        Statement.objects.get(pk=world.statement.pk),
        CityProposal.objects.get(case=world.case),
        Politician.objects.get(pk=world.politician.pk),
        Body.objects.get(pk=world.body.pk),
        Proposal.objects.get(pk=world.proposal.pk),
    ):
        for f in obj._meta.concrete_fields:
            value = getattr(obj, f.attname)
            if isinstance(value, list):
                values += [v for v in value if isinstance(v, str)]
            elif isinstance(value, str):
                values.append(value)
    return [v for v in values if re.search(r"<\s*[a-zA-Z!/?]", v)]


def _admin_findings(client: Client, world: World, stored: list[str] = ()) -> tuple[dict[str, Counter], list[str]]:
    """Per admin page, how often each kind of finding occurs (positions left out); and where one
    of the `stored` values (texts with markup characters) appears unescaped."""
    found: dict[str, Counter] = {}
    raw: list[str] = []
    for label, url in admin_pages(world):
        response = client.get(url)
        assert response.status_code == 200, f"{label} ({url}): status {response.status_code}"
        html = response.content.decode()
        problems = inert_problems(html, allow_inline_json=True)
        found[label] = Counter(re.sub(r"^line \d+:\d+: ", "", p) for p in problems)
        raw += [f"{label}: a stored value appears unescaped: {value[:80]!r}" for value in stored if value in html]
        if label == "admin opinion change":
            # The escaped form is really there: the change page shows the text, as text.
            text = Opinion.objects.get(referral=world.referral).text
            if escape(text, quote=False) not in html and escape(text) not in html:
                raw.append("admin opinion change: the opinion's text is not shown escaped")
    return found, raw


@pytest.fixture(scope="module")
def admin_baseline(django_db_setup, django_db_blocker) -> dict[str, Counter]:
    """The admin's own markup (its icons are inline SVG, it sets a few style attributes, it loads
    /admin/jsi18n/): what the same pages carry for a world of harmless text, rolled back after."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world("<p>Ofarlig text</p>")
        baseline, _raw = _admin_findings(_client(world.superuser), world)
        transaction.set_rollback(True)
    return baseline


def _problems_in_admin(world: World, baseline: dict[str, Counter]) -> list[str]:
    """The admin escapes: its pages carry no markup beyond its own, and no stored value raw."""
    found, problems = _admin_findings(_client(world.superuser), world, _stored_values(world))
    for label, counts in found.items():
        extra = counts - baseline.get(label, Counter())
        problems += [f"{label}: {finding} (×{n})" for finding, n in extra.items()]
    return problems


@pytest.mark.parametrize("payload", PAYLOAD_VALUES, ids=PAYLOAD_IDS)
def test_payload_is_inert_in_pages_and_admin(db, admin_baseline, payload: str) -> None:
    """(a) every page of every role, and the posts that show typed text back; (c) the admin."""
    world = build_world(payload)
    problems = _problems_on_pages(world, payload)
    assert not problems, "executable markup from the payload reached a page:\n" + "\n".join(problems[:40])
    problems = _problems_in_admin(world, admin_baseline)
    assert not problems, "the admin shows the payload unescaped:\n" + "\n".join(problems[:40])


def test_admin_check_catches_an_unescaped_value(db, admin_baseline, monkeypatch) -> None:
    """If the admin rendered a text raw, the comparison with the baseline would see it."""
    world = build_world("<p>Ofarlig text</p>")
    client = _client(world.superuser)
    label, url = next((label, url) for label, url in admin_pages(world) if label == "admin opinion change")
    html = client.get(url).content.decode().replace("</form>", '<img src=x onerror="alert(1)"></form>', 1)
    counts = Counter(re.sub(r"^line \d+:\d+: ", "", p) for p in inert_problems(html, allow_inline_json=True))
    assert counts - admin_baseline[label]


# --- CSRF: a form sent without a valid token gets a Swedish page, and nothing is saved ---------


def test_a_post_without_csrf_token_gets_the_swedish_page_and_saves_nothing(referred, officer):
    referral = referred[1]
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    response = client.post(
        reverse("officer_referral", args=[referral.pk]),
        {"text": "<p>Utan token</p>", "proposed_decision": "", "date": ""},
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Formuläret kunde inte tas emot</h1>" in html
    assert "Inget har sparats" in html
    assert 'lang="sv"' in html and "remiss/app.css" in html
    assert "CSRF verification failed" not in html
    assert not Opinion.objects.filter(referral=referral, text__contains="Utan token").exists()
