"""Edit conflicts: two people save the same text; the second never overwrites the first unseen.

(a) Two test clients open the same text (the GET carries its version), both save: the first
    wins; the second gets the conflict page with both versions and the word diff, their own text
    still in the form; saving again with the version the page carries then goes through. For the
    opinion (two officers), the nämnd's decision (two officers), a statement (its two authors),
    the city proposal and the case's background (the registrar in two browsers).
(b) Eight threads post the same save at once to a live server: exactly one wins, seven get the
    conflict page, one history row is written and the stored text is the winner's.
(c) Two threads, each with its own database connection, call the workflow to save the same
    Ärendet with the version both read: one wins, the other gets ConflictError.
"""

from __future__ import annotations

import html as html_lib
import re
import sqlite3
import threading
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from datetime import date
from http.cookiejar import CookieJar

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from remiss import workflow
from remiss.models import Case, CityProposal, Opinion, Referral, Seat, Statement
from remiss.workflow import AuthorSpec, ReferralSpec
from tests.factories import (
    BodyFactory,
    CaseFactory,
    OfficerFactory,
    PartyFactory,
    PoliticianFactory,
    PoliticianUserFactory,
    RegistrarFactory,
    SeatFactory,
)

CONFLICT_MESSAGE = "Någon annan har sparat texten medan du skrev. Jämför din version med den sparade."

# --- Reading the pages ------------------------------------------------------------------------------


def input_value(page: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*>', page)
    assert tag, f"no input {name}"
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return html_lib.unescape(value.group(1)) if value else ""


def editor_value(page: str, name: str) -> str:
    """The HTML the editor loads into a rich-text field: the hidden `<name>_html` beside the textarea."""
    match = re.search(rf'<input type="hidden" name="{re.escape(name)}_html" value="([^"]*)">', page)
    assert match, f"no {name}_html"
    return html_lib.unescape(match.group(1))


RICH_FIELDS = ("text", "proposed_decision", "added_text", "summary", "views")


def as_editor(data: dict) -> dict:
    """The form as the editor posts it: each rich-text field's HTML, marked as HTML."""
    return {**data, **{f"{name}_format": "html" for name in RICH_FIELDS if name in data}}


def conflict_section(page: str) -> str:
    match = re.search(r'<section class="conflict".*?</section>', page, re.S)
    assert match, "no conflict section on the page"
    return match.group(0)


def versions(section: str) -> tuple[str, str]:
    """(the person's version, the saved version) as shown side by side."""
    mine = re.search(r"Din version \(inte sparad\)</h4>\s*<div class=\"richtext\">(.*?)</div>", section, re.S)
    saved = re.search(r"Sparad version</h4>\s*<div class=\"richtext\">(.*?)</div>", section, re.S)
    assert mine and saved, "the two versions are not side by side"
    return mine.group(1), saved.group(1)


def assert_conflict_page(response, *, mine_words: str, saved_words: str, saved_by: str) -> str:
    """The conflict page, answered 409 Conflict on every role's pages: the message, who saved,
    both versions and a diff naming the changed words."""
    assert response.status_code == 409, response.status_code
    page = response.content.decode()
    section = conflict_section(page)
    assert CONFLICT_MESSAGE in section
    assert f"Sparad av {saved_by}" in section
    mine, saved = versions(section)
    assert mine_words in mine and mine_words not in saved
    assert saved_words in saved and saved_words not in mine
    diff = re.search(r'<div class="diff">(.*?)</div>', section, re.S)
    assert diff, "no diff"
    deleted = " ".join(re.findall(r"<del>(.*?)</del>", diff.group(1), re.S))
    inserted = " ".join(re.findall(r"<ins>(.*?)</ins>", diff.group(1), re.S))
    only_saved, only_mine = (
        set(saved_words.split()) - set(mine_words.split()),
        set(mine_words.split()) - set(saved_words.split()),
    )
    assert only_saved and only_mine
    assert all(word in deleted for word in only_saved), (only_saved, deleted)
    assert all(word in inserted for word in only_mine), (only_mine, inserted)
    # Words both versions share are not marked as changed.
    for word in set(saved_words.split()) & set(mine_words.split()):
        assert word not in re.sub(r"<[^>]+>", " ", deleted + " " + inserted).split(), word
    return page


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _reasons(obj, reason: str) -> int:
    return obj.history.filter(history_change_reason=reason).count()


# --- (a) Two clients --------------------------------------------------------------------------------


@pytest.fixture
def second_officer(namnd):
    return OfficerFactory(username="handlaggare2", first_name="Bodil", last_name="Berg", bodies=[namnd])


def test_two_officers_save_the_same_opinion(referred, officer, second_officer) -> None:
    _case, referral, _office = referred
    officer.first_name, officer.last_name = "Anna", "Ask"
    officer.save()
    first, second = _login(officer), _login(second_officer)
    url = reverse("officer_referral", args=[referral.pk])
    version_first = input_value(first.get(url).content.decode(), "version")
    version_second = input_value(second.get(url).content.decode(), "version")
    assert version_first == version_second

    text_first = "<p>Förvaltningen tillstyrker förslagen om tidiga insatser.</p>"
    text_second = "<p>Förvaltningen tillstyrker förslagen om sena insatser.</p>"
    post = {"proposed_decision": "<p>Nämnden godkänner.</p>", "date": "2030-02-01", "action": "save"}
    response = first.post(url, as_editor({**post, "text": text_first, "version": version_first}))
    assert response.status_code == 302
    saves_after_first = _reasons(Opinion.objects.get(referral=referral), "Tjänsteutlåtandet sparat")

    response = second.post(url, as_editor({**post, "text": text_second, "version": version_second}))
    assert response.status_code == 409
    page = assert_conflict_page(
        response, mine_words="sena insatser", saved_words="tidiga insatser", saved_by="Anna Ask"
    )
    # Nothing typed is lost: the second officer's text is in the form, to save again.
    assert editor_value(page, "text") == text_second
    opinion = Opinion.objects.get(referral=referral)
    assert opinion.text == text_first
    assert _reasons(opinion, "Tjänsteutlåtandet sparat") == saves_after_first  # the refused save wrote nothing
    new_version = input_value(page, "version")
    assert new_version == str(opinion.version) != version_second

    # Saving again with the version the conflict page carries overwrites, knowingly.
    response = second.post(url, as_editor({**post, "text": editor_value(page, "text"), "version": new_version}))
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert opinion.text == text_second
    # Both saves are in the history: nothing of the first officer's text is lost either.
    texts = list(opinion.history.values_list("text", flat=True))
    assert text_first in texts and text_second in texts


def test_a_stale_tab_of_the_same_officer_also_gets_the_conflict(referred, officer) -> None:
    _case, referral, _office = referred
    tab1, tab2 = _login(officer), _login(officer)
    url = reverse("officer_referral", args=[referral.pk])
    version = input_value(tab1.get(url).content.decode(), "version")
    post = {"proposed_decision": "", "date": "", "action": "save", "version": version}
    assert tab1.post(url, as_editor({**post, "text": "<p>Första fliken skriver om skolan.</p>"})).status_code == 302
    response = tab2.post(url, as_editor({**post, "text": "<p>Andra fliken skriver om vården.</p>"}))
    assert response.status_code == 409
    assert Opinion.objects.get(referral=referral).text == "<p>Första fliken skriver om skolan.</p>"
    assert "vården" in editor_value(response.content.decode(), "text")


@pytest.fixture
def decided(referred, officer):
    _case, referral, _office = referred
    workflow.save_opinion(
        referral, text="<p>Positiv.</p>", proposed_decision="<p>Godkänn.</p>", date=date(2030, 2, 1), by=officer
    )
    workflow.mark_opinion_ready(referral, by=officer)
    decision = workflow.record_decision(
        referral,
        meeting_date=date(2030, 3, 20),
        points=["Socialnämnden godkänner tjänsteutlåtandet."],
        by=officer,
    )
    return referral, decision


def test_two_officers_edit_the_same_decision(decided, officer, second_officer) -> None:
    referral, decision = decided
    officer.first_name, officer.last_name = "Anna", "Ask"
    officer.save()
    first, second = _login(officer), _login(second_officer)
    url = reverse("officer_decision", args=[referral.pk])
    version = input_value(first.get(url).content.decode(), "version")
    assert input_value(second.get(url).content.decode(), "version") == version
    post = {
        "meeting_date": "2030-03-20",
        "points": "Socialnämnden godkänner tjänsteutlåtandet.",
        "added_text_after_point": "1",
        "position": "",
        "version": version,
    }
    added_first = "<p>Nämnden vill därutöver betona barnens rätt.</p>"
    added_second = "<p>Nämnden vill därutöver betona föräldrarnas ansvar.</p>"
    assert first.post(url, as_editor({**post, "added_text": added_first})).status_code == 302

    response = second.post(url, as_editor({**post, "added_text": added_second}))
    page = assert_conflict_page(
        response, mine_words="föräldrarnas ansvar.", saved_words="barnens rätt.", saved_by="Anna Ask"
    )
    assert response.status_code == 409
    assert editor_value(page, "added_text") == added_second
    decision.refresh_from_db()
    assert decision.added_text == added_first

    response = second.post(
        url, as_editor({**post, "added_text": added_second, "version": input_value(page, "version")})
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.added_text == added_second


def _politician_user(username: str, first: str, last: str, party: str, body) -> object:
    user = PoliticianUserFactory(username=username, first_name=first, last_name=last)
    politician = PoliticianFactory(first_name=first, last_name=last, party=PartyFactory(abbreviation=party), user=user)
    SeatFactory(politician=politician, body=body, role=Seat.Role.LEDAMOT)
    return user


def test_two_authors_edit_the_same_statement(decided, namnd) -> None:
    _referral, decision = decided
    author = _politician_user("jan", "Jan", "Jönsson", "L", namnd)
    coauthor = _politician_user("andrea", "Andrea", "Hedin", "L", namnd)
    statement = workflow.add_statement(
        decision,
        kind=Statement.Kind.SARSKILT_UTTALANDE,
        authors=[AuthorSpec(author.politician), AuthorSpec(coauthor.politician, accepted=False)],
        text="<p>Vi vill lyfta skolan.</p>",
        by=author,
    )
    workflow.accept_coauthorship(statement.authors.get(politician=coauthor.politician), by=coauthor)

    first, second = _login(author), _login(coauthor)
    url = reverse("politician_statement_edit", args=[statement.pk])
    version = input_value(first.get(url).content.decode(), "version")
    assert input_value(second.get(url).content.decode(), "version") == version
    post = {"identical_to": "", "version": version}
    text_first = "<p>Vi vill lyfta skolan och fritidsgårdarna.</p>"
    text_second = "<p>Vi vill lyfta skolan och biblioteken.</p>"
    assert first.post(url, as_editor({**post, "text": text_first})).status_code == 302

    response = second.post(url, as_editor({**post, "text": text_second}))
    assert response.status_code == 409
    page = assert_conflict_page(
        response, mine_words="och biblioteken.", saved_words="och fritidsgårdarna.", saved_by="Jan Jönsson"
    )
    assert editor_value(page, "text") == text_second
    statement.refresh_from_db()
    assert statement.text == text_first

    response = second.post(url, as_editor({**post, "text": text_second, "version": input_value(page, "version")}))
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.text == text_second
    assert statement.history.filter(history_change_reason="Uttalandet ändrat").count() == 2


def test_the_registrar_in_two_browsers_edits_the_city_proposal(referred, registrar) -> None:
    case, _referral, _office = referred
    registrar.first_name, registrar.last_name = "Rut", "Registrator"
    registrar.save()
    first, second = _login(registrar), _login(registrar)
    url = reverse("case_city_proposal", args=[case.pk])
    version = input_value(first.get(url).content.decode(), "version")
    assert input_value(second.get(url).content.decode(), "version") == version
    post = {
        "decision_points": "Remissen besvaras.",
        "views": "",
        "signed_place": "Stockholm",
        "signed_date": "",
        "version": version,
    }
    summary_first = "<p>Betänkandet föreslår en ny lag om skolan.</p>"
    summary_second = "<p>Betänkandet föreslår en ny lag om vården.</p>"
    assert first.post(url, as_editor({**post, "summary": summary_first})).status_code == 302

    response = second.post(url, as_editor({**post, "summary": summary_second}))
    page = assert_conflict_page(response, mine_words="om vården.", saved_words="om skolan.", saved_by="Rut Registrator")
    assert editor_value(page, "summary") == summary_second
    assert CityProposal.objects.get(case=case).summary == summary_first

    response = second.post(url, as_editor({**post, "summary": summary_second, "version": input_value(page, "version")}))
    assert response.status_code == 302
    assert CityProposal.objects.get(case=case).summary == summary_second


def test_the_registrar_in_two_browsers_edits_the_background(case, registrar) -> None:
    """Ärendet's page carries Case.version, like every other text's."""
    registrar.first_name, registrar.last_name = "Rut", "Registrator"
    registrar.save()
    first, second = _login(registrar), _login(registrar)
    url = reverse("case_background", args=[case.pk])
    version = input_value(first.get(url).content.decode(), "version")
    assert input_value(second.get(url).content.decode(), "version") == version == str(case.version)
    text_first = "<p>Utredningen föreslår kortare väntetider.</p>"
    text_second = "<p>Utredningen föreslår längre öppettider.</p>"
    assert first.post(url, as_editor({"text": text_first, "version": version})).status_code == 302

    response = second.post(url, as_editor({"text": text_second, "version": version}))
    page = assert_conflict_page(
        response, mine_words="längre öppettider.", saved_words="kortare väntetider.", saved_by="Rut Registrator"
    )
    assert editor_value(page, "text") == text_second
    assert Case.objects.get(pk=case.pk).background == text_first

    response = second.post(url, as_editor({"text": text_second, "version": input_value(page, "version")}))
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).background == text_second
    assert Case.objects.get(pk=case.pk).version == int(version) + 2


def test_the_workflow_refuses_a_stale_version_in_the_same_update(referred, officer) -> None:
    """The check and the increment are one UPDATE: a stale version changes no row at all."""
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    _case, referral, _office = referred
    opinion = workflow.save_opinion(referral, text="<p>Ett.</p>", by=officer, expected_version=1)
    assert opinion.version == 2
    with CaptureQueriesContext(conn) as queries, pytest.raises(workflow.ConflictError) as error:
        workflow.save_opinion(referral, text="<p>Två.</p>", by=officer, expected_version=1)
    assert error.value.current.text == "<p>Ett.</p>"
    updates = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "remiss_opinion" in q["sql"]
    ]
    assert len(updates) == 1 and '"version" = ' in updates[0] and "WHERE" in updates[0]
    assert re.search(r'"version" = \(?"remiss_opinion"."version" \+ 1', updates[0])
    assert Opinion.objects.get(pk=opinion.pk).version == 2


# --- (b) Threads against a live server -----------------------------------------------------------

THREADS = 8
PASSWORD = "losenord-123"  # tests.factories.UserFactory's


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx comes back as an HTTPError carrying its status


class Browser:
    """A logged-in session against the live server: urllib with a cookie jar, redirects not followed."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect())

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base_url + path, data=body, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def login(self, username: str) -> None:
        status, page = self.request(reverse("login"))
        assert status == 200, status
        status, page = self.request(
            reverse("login"),
            {
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": input_value(page, "csrfmiddlewaretoken"),
            },
        )
        assert status == 302, f"login of {username} failed: {status}"


@contextmanager
def thread_connections(tmp_path):
    """Yield `connect()`, which gives the calling thread its own connection to the test database,
    or None when every thread has one anyway.

    With SQLite the test database is in memory, where threads cannot each have a connection of
    their own that locks like production's. So it is copied to a file, `connect()` opens a
    connection to that file with the project's settings (BEGIN IMMEDIATE, busy timeout, WAL),
    and afterwards the file is copied back for the assertions. Other databases (PostgreSQL)
    already give each thread its own connection.
    """
    if not (connection.vendor == "sqlite" and connection.is_in_memory_db()):
        yield None
        return
    database = tmp_path / "threads.sqlite3"
    main = connections["default"]  # the wrapper itself (django.db.connection is a proxy to it)
    main.ensure_connection()
    target = sqlite3.connect(database)
    main.connection.backup(target)
    target.close()
    settings_dict = {**main.settings_dict, "NAME": str(database)}
    wrapper_class = type(main)

    def connect() -> None:
        connections["default"] = wrapper_class(dict(settings_dict), "default")  # `connections` is per thread

    try:
        yield connect
    finally:
        source = sqlite3.connect(database)
        source.backup(main.connection)
        source.close()


def race_two(tmp_path, read, write) -> list[object]:
    """Two threads, each on its own connection: `read(n)` what thread n saw, wait until both have
    read, then `write(n, seen)`. Returns each thread's outcome: "saved", the ConflictError it got,
    or a description of anything else it raised."""
    outcomes: list[object] = [None, None]
    barrier = threading.Barrier(2, timeout=60)

    def worker(n: int, connect) -> None:
        try:
            if connect is not None:
                connect()
            seen = read(n)  # on this thread's own connection
            barrier.wait()  # both have read before either writes
            write(n, seen)
            outcomes[n] = "saved"
        except workflow.ConflictError as error:
            outcomes[n] = error
        except Exception as error:  # reported by the caller's assertions, with the thread's number
            outcomes[n] = f"thread {n}: {error!r}"
            barrier.abort()
        finally:
            connections.close_all()  # this thread's connections only

    with thread_connections(tmp_path) as connect:
        threads = [threading.Thread(target=worker, args=(n, connect)) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads)
    return outcomes


@contextmanager
def own_connections_per_request(live_server, tmp_path):
    """Give every request thread of the live server its own connection (see `thread_connections`).

    pytest-django's live server hands the test's one in-memory SQLite connection to every request
    thread: concurrent requests would then share a transaction, which is no test of anything.
    """
    with thread_connections(tmp_path) as connect:
        if connect is None:
            yield
            return
        httpd = live_server.thread.httpd
        saved_override = httpd.connections_override
        serve = httpd.process_request_thread  # the server class's, bound

        def per_request(request, client_address):
            connect()
            serve(request, client_address)  # closes the thread's connections when the request is done

        httpd.connections_override = {}
        httpd.process_request_thread = per_request
        try:
            yield
        finally:
            httpd.connections_override = saved_override
            del httpd.process_request_thread


@pytest.mark.django_db(transaction=True)
def test_eight_threads_save_the_same_opinion_at_once(live_server, tmp_path) -> None:
    registrar = RegistrarFactory(username="registrator")
    body = BodyFactory(name="Socialnämnden", name_in_text="socialnämnden", administration="Socialförvaltningen")
    officers = [
        OfficerFactory(username=f"handlaggare{n}", first_name=f"Person{n}", last_name="Test", bodies=[body])
        for n in range(THREADS)
    ]
    case = CaseFactory()
    (referral,) = workflow.refer(case, bodies=[ReferralSpec(body, date(2030, 3, 31))], by=registrar)
    workflow.save_opinion(referral, text="<p>Utgångsläget.</p>", by=officers[0])
    opinion = Opinion.objects.get(referral=referral)
    start_version = opinion.version
    saves_before = _reasons(opinion, "Tjänsteutlåtandet sparat")
    url = reverse("officer_referral", args=[referral.pk])
    texts = [f"<p>Text nummer {n} från tråd {n}.</p>" for n in range(THREADS)]
    results: list[tuple[int, str] | None] = [None] * THREADS
    errors: list[str] = []
    barrier = threading.Barrier(THREADS, timeout=120)

    def worker(n: int) -> None:
        try:
            browser = Browser(live_server.url)
            browser.login(officers[n].username)
            status, page = browser.request(url)
            assert status == 200, status
            form = {
                "csrfmiddlewaretoken": input_value(page, "csrfmiddlewaretoken"),
                "version": input_value(page, "version"),
                "text": texts[n],
                "text_format": "html",
                "proposed_decision": "",
                "date": "2030-02-01",
                "action": "save",
            }
            assert form["version"] == str(start_version)
            barrier.wait()
            results[n] = browser.request(url, form)
        except Exception as error:  # reported below, with the thread's number
            errors.append(f"thread {n}: {error!r}")
            barrier.abort()

    with own_connections_per_request(live_server, tmp_path):
        threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
    assert not errors, errors
    statuses = [r[0] for r in results]
    server_errors = [f"thread {n}: {r[0]} {r[1][:300]!r}" for n, r in enumerate(results) if r[0] >= 500]
    assert not server_errors, "server errors (e.g. 'database is locked'):\n" + "\n".join(server_errors)
    winners = [n for n, status in enumerate(statuses) if status == 302]
    assert len(winners) == 1, statuses
    assert sorted(statuses) == [302] + [409] * (THREADS - 1), statuses
    (winner,) = winners
    for n, (_status, page) in enumerate(results):
        if n == winner:
            continue
        assert CONFLICT_MESSAGE in page
        assert editor_value(page, "text") == texts[n]  # the loser's text is still there to save
    opinion = Opinion.objects.get(referral=referral)
    assert opinion.text == texts[winner]
    assert opinion.version == start_version + 1
    assert _reasons(opinion, "Tjänsteutlåtandet sparat") == saves_before + 1
    assert opinion.history.first().history_user_id == officers[winner].pk
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.DRAFTING


# --- (c) Two connections through the workflow -------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_connections_save_the_same_background_with_the_same_version(tmp_path) -> None:
    """Both threads read Ärendet and its version, wait for each other, then save: the conditional
    UPDATE in `_claim_version` lets exactly one through, whichever connection commits first."""
    users = [RegistrarFactory(username="registrator"), RegistrarFactory(username="registrator2")]
    case = CaseFactory()
    workflow.save_background(case, text="<p>Utgångsläget.</p>", by=users[0])
    start_version = Case.objects.get(pk=case.pk).version
    rows_before = Case.history.filter(id=case.pk).count()
    texts = ["<p>Ärendet enligt den första.</p>", "<p>Ärendet enligt den andra.</p>"]

    def read(n: int) -> Case:
        seen = Case.objects.get(pk=case.pk)
        assert seen.version == start_version
        return seen

    def write(n: int, seen: Case) -> None:
        workflow.save_background(seen, text=texts[n], by=users[n], expected_version=seen.version)

    outcomes = race_two(tmp_path, read, write)
    assert outcomes.count("saved") == 1, outcomes
    (winner,) = [n for n, outcome in enumerate(outcomes) if outcome == "saved"]
    loser = outcomes[1 - winner]
    assert isinstance(loser, workflow.ConflictError), loser
    assert loser.current.background == texts[winner]  # the loser is shown what won
    stored = Case.objects.get(pk=case.pk)
    assert stored.background == texts[winner]
    assert stored.version == start_version + 1
    assert Case.history.filter(id=case.pk).count() == rows_before + 1
    newest = Case.history.filter(id=case.pk).first()
    assert (newest.background, newest.history_user_id) == (texts[winner], users[winner].pk)
