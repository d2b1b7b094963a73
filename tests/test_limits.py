"""Limits: each refused with a clear Swedish message, and nothing already saved is lost.

Text length (MAX_TEXT_LENGTH), upload size (REMISS_MAX_UPLOAD_BYTES), number of authors
(MAX_AUTHORS), dates out of order, and transitions out of order. Every refusal is checked three
ways: the Swedish message is there, the values saved before are unchanged (and no history row was
written), and where a form is shown again it holds what the person typed.
"""

from __future__ import annotations

import html as html_lib
import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from remiss import forms as remiss_forms
from remiss import workflow
from remiss.models import (
    MAX_AUTHORS,
    MAX_MARKUP_LENGTH,
    MAX_TEXT_LENGTH,
    Case,
    CityProposal,
    Decision,
    Opinion,
    Proposal,
    Referral,
    Seat,
    Statement,
    StatementAuthor,
    validate_text_length,
)
from remiss.workflow import AuthorSpec, InvalidError, LockedError, WorkflowError
from tests.factories import (
    BodyFactory,
    KommunstyrelsenFactory,
    PartyFactory,
    PoliticianFactory,
    PoliticianUserFactory,
    SeatFactory,
)

# "högst 200000 tecken", with or without a thousands separator.
LIMIT_NAMED = re.compile(r"högst 200[\s\u00a0.]?000 tecken")
TOO_LONG_HTML = "<p>" + "a" * (MAX_TEXT_LENGTH + 1) + "</p>"  # MAX + 1 characters, as the person sees them
LONGEST_HTML = "<p>" + "a" * MAX_TEXT_LENGTH + "</p>"  # exactly MAX visible characters (more with markup)


def page(response) -> str:
    return html_lib.unescape(response.content.decode())


def textarea_value(content: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*\bname="{re.escape(name)}"[^>]*>\n?(.*?)</textarea>', content, re.S)
    assert match, f"no textarea {name}"
    return html_lib.unescape(match.group(1))


def input_value(content: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*>', content)
    assert tag, f"no input {name}"
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return html_lib.unescape(value.group(1)) if value else ""


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def history_count(obj) -> int:
    return obj.history.count()


# --- Fixtures: a case in every state the limits need ------------------------------------------------

OPINION_TEXT = "<p>Förvaltningen är positiv till förslagen.</p>"
ADDED_TEXT = "<p>Nämnden vill därutöver betona barnens rätt.</p>"
STATEMENT_TEXT = "<p>Vi vill framhålla tidiga insatser.</p>"


@pytest.fixture
def drafting(referred, officer):
    """The nämnd's referral with a saved draft."""
    _case, referral, _office = referred
    workflow.save_opinion(
        referral, text=OPINION_TEXT, proposed_decision="<p>Godkänn.</p>", date=date(2030, 2, 1), by=officer
    )
    referral.refresh_from_db()
    return referral


@pytest.fixture
def ready(drafting, officer):
    workflow.mark_opinion_ready(drafting, by=officer)
    drafting.refresh_from_db()
    return drafting


@pytest.fixture
def decision(ready, officer):
    return workflow.record_decision(
        ready,
        meeting_date=date(2030, 3, 20),
        points=["Socialnämnden godkänner tjänsteutlåtandet."],
        added_text=ADDED_TEXT,
        position="Socialnämnden är positiv.",
        by=officer,
    )


@pytest.fixture
def ledamot(namnd):
    user = PoliticianUserFactory(username="jan", first_name="Jan", last_name="Jönsson")
    SeatFactory(
        politician=PoliticianFactory(
            first_name="Jan", last_name="Jönsson", party=PartyFactory(abbreviation="L"), user=user
        ),
        body=namnd,
        role=Seat.Role.LEDAMOT,
    )
    return user


@pytest.fixture
def statement(decision, ledamot):
    return workflow.add_statement(
        decision,
        kind=Statement.Kind.SARSKILT_UTTALANDE,
        authors=[AuthorSpec(ledamot.politician)],
        text=STATEMENT_TEXT,
        by=ledamot,
    )


@pytest.fixture
def city_texts(referred, registrar):
    case = referred[0]
    return workflow.save_city_proposal(
        case,
        decision_points=["Remissen besvaras."],
        summary="<p>Kort sammanfattning.</p>",
        views="<p>Bra.</p>",
        signed_place="Stockholm",
        by=registrar,
    )


def snapshot(case: Case) -> dict:
    """Everything of the case a refused change must leave as it was."""
    case = Case.objects.get(pk=case.pk)
    proposal = CityProposal.objects.filter(case=case).first()
    return {
        "case": (case.title, case.reference, case.received, case.deadline, case.status, case.background),
        "referrals": sorted(Referral.objects.filter(case=case).values_list("pk", "status", "deadline", "position")),
        "opinions": sorted(
            Opinion.objects.filter(referral__case=case).values_list(
                "pk", "text", "proposed_decision", "date", "version"
            )
        ),
        "decisions": sorted(
            Decision.objects.filter(case=case).values_list("pk", "meeting_date", "added_text", "version", "justered")
        ),
        "points": sorted((d.pk, tuple(d.points)) for d in Decision.objects.filter(case=case)),
        "statements": sorted(
            Statement.objects.filter(decision__case=case).values_list("pk", "text", "backed_proposal", "version")
        ),
        "authors": StatementAuthor.objects.filter(statement__decision__case=case).count(),
        "city": (
            proposal.summary,
            proposal.views,
            tuple(proposal.decision_points),
            proposal.signed_date,
            proposal.version,
        )
        if proposal
        else None,
        "proposals": sorted(Proposal.objects.filter(case=case).values_list("pk", "title", "summary")),
        "history": sum(
            m.history.model.objects.count() for m in (Case, Referral, Opinion, Decision, Statement, CityProposal)
        ),
    }


# --- Text length: the workflow ----------------------------------------------------------------------


WORKFLOW_TEXTS = [
    "opinion text",
    "opinion proposal",
    "background",
    "decision added text",
    "new decision added text",
    "statement text",
    "new statement text",
    "city summary",
    "city views",
    "office position",
    "proposal position comment",
    "new proposal summary",
    "decision points",
    "city decision points",
]


@pytest.fixture
def texts_world(referred, drafting, officer, registrar, namnd, ledamot, office):
    """A case with one text of each kind already saved, and a second nämnd ready for a new decision."""
    case, referral, office_referral = referred
    other = BodyFactory(name="Kulturnämnden", name_in_text="kulturnämnden", administration="Kulturförvaltningen")
    officer.bodies.add(other)
    (other_referral,) = workflow.refer(case, bodies=[workflow.ReferralSpec(other, date(2030, 3, 31))], by=registrar)
    workflow.save_opinion(other_referral, text=OPINION_TEXT, date=date(2030, 2, 1), by=officer)
    workflow.mark_opinion_ready(other_referral, by=officer)
    workflow.mark_opinion_ready(referral, by=officer)
    decision = workflow.record_decision(
        referral, meeting_date=date(2030, 3, 20), points=["Godkänns."], added_text=ADDED_TEXT, by=officer
    )
    statement = workflow.add_statement(
        decision,
        kind=Statement.Kind.SARSKILT_UTTALANDE,
        authors=[AuthorSpec(ledamot.politician)],
        text=STATEMENT_TEXT,
        by=ledamot,
    )
    workflow.save_background(case, text="<p>Bakgrund.</p>", by=registrar)
    workflow.save_city_proposal(
        case, decision_points=["Remissen besvaras."], summary="<p>Kort.</p>", views="<p>Bra.</p>", by=registrar
    )
    workflow.set_position(office_referral, position="Kontoret är positivt.", by=registrar)
    proposal = workflow.add_proposal(
        case, number="1", kind="forslag", title="Ett förslag", summary="Kort.", by=registrar
    )
    workflow.save_opinion(office_referral, text=OPINION_TEXT, by=registrar)
    return {
        "case": case,
        "referral": referral,
        "office": office_referral,
        "other": other_referral,
        "decision": decision,
        "statement": statement,
        "proposal": proposal,
    }


def _workflow_save(name: str, w: dict, text: str, officer, registrar, ledamot):
    """Save `text` (rich text; plain fields get its words) into the field called `name`."""
    plain = re.sub(r"</?p>", "", text)  # the same visible length as the HTML
    case = w["case"]
    calls = {
        "opinion text": lambda: workflow.save_opinion(w["office"], text=text, by=registrar),
        "opinion proposal": lambda: workflow.save_opinion(
            w["office"], text=OPINION_TEXT, proposed_decision=text, by=registrar
        ),
        "background": lambda: workflow.save_background(case, text=text, by=registrar),
        "decision added text": lambda: workflow.edit_decision(w["decision"], added_text=text, by=officer),
        "new decision added text": lambda: workflow.record_decision(
            w["other"], meeting_date=date(2030, 3, 20), points=["Godkänns."], added_text=text, by=officer
        ),
        "statement text": lambda: workflow.edit_statement(w["statement"], text=text, by=ledamot),
        "new statement text": lambda: workflow.add_statement(
            w["decision"],
            kind=Statement.Kind.RESERVATION,
            authors=[AuthorSpec(ledamot.politician)],
            text=text,
            by=ledamot,
        ),
        "city summary": lambda: workflow.save_city_proposal(case, summary=text, by=registrar),
        "city views": lambda: workflow.save_city_proposal(case, views=text, by=registrar),
        "office position": lambda: workflow.set_position(w["office"], position=plain, by=registrar),
        "proposal position comment": lambda: workflow.set_proposal_position(
            w["office"], proposal=w["proposal"], stance="tillstyrker", comment=plain, by=registrar
        ),
        "new proposal summary": lambda: workflow.add_proposal(
            case, number="2", kind="forslag", title="Ett till", summary=plain, by=registrar
        ),
        "decision points": lambda: workflow.edit_decision(w["decision"], points=[plain], by=officer),
        "city decision points": lambda: workflow.save_city_proposal(case, decision_points=[plain], by=registrar),
    }
    return calls[name]()


@pytest.mark.parametrize("name", WORKFLOW_TEXTS)
def test_workflow_refuses_a_text_one_character_too_long(name, texts_world, officer, registrar, ledamot) -> None:
    before = snapshot(texts_world["case"])
    with pytest.raises(WorkflowError) as error:
        _workflow_save(name, texts_world, TOO_LONG_HTML, officer, registrar, ledamot)
    assert isinstance(error.value, InvalidError), type(error.value)
    assert LIMIT_NAMED.search(str(error.value)), str(error.value)
    assert "200001" in str(error.value).replace(" ", "").replace("\u00a0", "")  # the count the person sees
    assert snapshot(texts_world["case"]) == before


@pytest.mark.parametrize("name", WORKFLOW_TEXTS)
def test_workflow_accepts_a_text_of_exactly_the_limit(name, texts_world, officer, registrar, ledamot) -> None:
    _workflow_save(name, texts_world, LONGEST_HTML, officer, registrar, ledamot)


# --- Text length: the forms and their pages ---------------------------------------------------------


@pytest.fixture
def office_officer(texts_world):
    from tests.factories import OfficerFactory

    return OfficerFactory(username="kontorets.handlaggare", bodies=[texts_world["office"].body])


def form_posts(
    w: dict, officer, office_officer, registrar, ledamot
) -> list[tuple[str, object, str, dict, str, callable]]:
    case, decision, statement = w["case"], w["decision"], w["statement"]
    office = w["office"]
    opinion_version = str(Opinion.objects.get(referral=office).version)
    long = TOO_LONG_HTML
    city_version = str(CityProposal.objects.get(case=case).version)
    return [
        (
            "tjänsteutlåtandets text",
            office_officer,
            reverse("officer_referral", args=[office.pk]),
            {
                "text": long,
                "proposed_decision": "",
                "date": "2030-02-01",
                "position": "",
                "version": opinion_version,
                "action": "save",
            },
            "text",
            lambda: Opinion.objects.get(referral=office).text,
        ),
        (
            "förvaltningens förslag till beslut",
            office_officer,
            reverse("officer_referral", args=[office.pk]),
            {
                "text": OPINION_TEXT,
                "proposed_decision": long,
                "date": "2030-02-01",
                "position": "",
                "version": opinion_version,
                "action": "save",
            },
            "proposed_decision",
            lambda: Opinion.objects.get(referral=office).proposed_decision,
        ),
        (
            "därutöver anföra",
            officer,
            reverse("officer_decision", args=[w["referral"].pk]),
            {
                "meeting_date": "2030-03-20",
                "points": "Godkänns.",
                "added_text": long,
                "added_text_after_point": "1",
                "position": "",
                "version": str(decision.version),
            },
            "added_text",
            lambda: Decision.objects.get(pk=decision.pk).added_text,
        ),
        (
            "beslutspunkter",
            officer,
            reverse("officer_decision", args=[w["referral"].pk]),
            {
                "meeting_date": "2030-03-20",
                "points": "a" * (MAX_TEXT_LENGTH + 1),
                "added_text": "",
                "added_text_after_point": "1",
                "position": "",
                "version": str(decision.version),
            },
            "points",
            lambda: Decision.objects.get(pk=decision.pk).points,
        ),
        (
            "nytt uttalande",
            ledamot,
            reverse("politician_statement_add", args=[decision.pk]),
            {"kind": "reservation", "text": long, "backed_proposal": "", "identical_to": ""},
            "text",
            lambda: Statement.objects.filter(decision=decision).count(),
        ),
        (
            "ändrat uttalande",
            ledamot,
            reverse("politician_statement_edit", args=[statement.pk]),
            {"text": long, "identical_to": "", "version": str(statement.version)},
            "text",
            lambda: Statement.objects.get(pk=statement.pk).text,
        ),
        (
            "ärendet (bakgrund)",
            registrar,
            reverse("case_background", args=[case.pk]),
            {"text": long, "version": str(case.version)},
            "text",
            lambda: Case.objects.get(pk=case.pk).background,
        ),
        (
            "sammanfattning",
            registrar,
            reverse("case_city_proposal", args=[case.pk]),
            {
                "decision_points": "Remissen besvaras.",
                "summary": long,
                "views": "",
                "signed_place": "Stockholm",
                "signed_date": "",
                "version": city_version,
            },
            "summary",
            lambda: CityProposal.objects.get(case=case).summary,
        ),
        (
            "borgarrådets synpunkter",
            registrar,
            reverse("case_city_proposal", args=[case.pk]),
            {
                "decision_points": "Remissen besvaras.",
                "summary": "",
                "views": long,
                "signed_place": "Stockholm",
                "signed_date": "",
                "version": city_version,
            },
            "views",
            lambda: CityProposal.objects.get(case=case).views,
        ),
        (
            "förslag till beslut, beslutspunkter",
            registrar,
            reverse("case_city_proposal", args=[case.pk]),
            {
                "decision_points": "a" * (MAX_TEXT_LENGTH + 1),
                "summary": "",
                "views": "",
                "signed_place": "Stockholm",
                "signed_date": "",
                "version": city_version,
            },
            "decision_points",
            lambda: CityProposal.objects.get(case=case).decision_points,
        ),
        (
            "betänkandets förslag",
            registrar,
            reverse("case_proposals", args=[case.pk]),
            {"kind": "forslag", "number": "7", "title": "Ett förslag till", "summary": "a" * (MAX_TEXT_LENGTH + 1)},
            "summary",
            lambda: Proposal.objects.filter(case=case).count(),
        ),
    ]


FORM_LABELS = [
    "tjänsteutlåtandets text",
    "förvaltningens förslag till beslut",
    "därutöver anföra",
    "beslutspunkter",
    "nytt uttalande",
    "ändrat uttalande",
    "ärendet (bakgrund)",
    "sammanfattning",
    "borgarrådets synpunkter",
    "förslag till beslut, beslutspunkter",
    "betänkandets förslag",
]


@pytest.mark.parametrize("label", FORM_LABELS)
def test_each_form_refuses_a_text_one_character_too_long(
    label, texts_world, officer, office_officer, registrar, ledamot
) -> None:
    posts = {p[0]: p for p in form_posts(texts_world, officer, office_officer, registrar, ledamot)}
    _label, user, url, data, field, saved = posts[label]
    before, before_all = saved(), snapshot(texts_world["case"])
    response = login(user).post(url, data)
    assert response.status_code == 200, response.status_code
    content = page(response)
    assert LIMIT_NAMED.search(content) or re.search(r"som mest 200[\s\u00a0.]?000 tecken", content), (
        "no message naming the limit"
    )
    assert saved() == before
    assert snapshot(texts_world["case"]) == before_all
    # What was typed is still in the form.
    assert textarea_value(response.content.decode(), field) == data[field]


@pytest.mark.parametrize("label", FORM_LABELS)
def test_each_form_shows_the_over_length_message_once(
    label, texts_world, officer, office_officer, registrar, ledamot
) -> None:
    """The message stands at its field; the summary at the top only links there (it said it too)."""
    posts = {p[0]: p for p in form_posts(texts_world, officer, office_officer, registrar, ledamot)}
    _label, user, url, data, field, _saved = posts[label]
    content = page(login(user).post(url, data))
    assert len(re.findall(r"för lång|som mest", content)) == 1, label
    assert re.search(rf'<div class="error-summary"[^>]*>.*?<a href="#id_{field}">', content, re.S), (
        "the summary links to the field"
    )


def _list_of(items: int, word: str = "a" * 9) -> str:
    """A pasted bullet list: `items` items of `word`; each item break reads as one character."""
    return "<ul>" + f"<li>{word}</li>" * items + "</ul>"


def test_a_pasted_list_is_counted_in_the_characters_the_person_sees(texts_world, office_officer) -> None:
    """150 000 visible characters in 15 000 list items: 270 000 characters of HTML, accepted and saved."""
    office = texts_world["office"]
    text = _list_of(15_000)
    assert len(text) > MAX_TEXT_LENGTH
    version = Opinion.objects.get(referral=office).version
    response = login(office_officer).post(
        reverse("officer_referral", args=[office.pk]),
        {
            "text": text,
            "text_format": "html",
            "proposed_decision": "",
            "date": "2030-02-01",
            "position": "",
            "version": str(version),
            "action": "save",
        },
    )
    assert response.status_code == 302, page(response)[:3000]
    assert Opinion.objects.get(referral=office).text == text


def test_the_over_length_message_names_the_count_the_person_sees(texts_world, office_officer) -> None:
    """20 001 items of nine letters: 200 009 characters to read (360 027 of HTML); the message says 200 009."""
    office = texts_world["office"]
    before = snapshot(texts_world["case"])
    version = Opinion.objects.get(referral=office).version
    content = page(
        login(office_officer).post(
            reverse("officer_referral", args=[office.pk]),
            {
                "text": _list_of(20_001),
                "text_format": "html",
                "proposed_decision": "",
                "date": "2030-02-01",
                "position": "",
                "version": str(version),
                "action": "save",
            },
        )
    )
    assert "Texten är för lång: högst 200\u00a0000 tecken är tillåtna, texten har 200\u00a0009." in content
    assert snapshot(texts_world["case"]) == before


def test_the_workflow_counts_plain_text_as_typed(texts_world, registrar) -> None:
    """Plain text of MAX + 1 ampersands is stored as HTML five times as long; the count is still MAX + 1."""
    with pytest.raises(InvalidError) as error:
        workflow.save_background(texts_world["case"], text="&" * (MAX_TEXT_LENGTH + 1), by=registrar)
    assert "texten har 200\u00a0001." in str(error.value), str(error.value)


def test_markup_far_beyond_its_text_is_refused_with_its_own_message() -> None:
    """Under the visible limit, but more HTML than MAX_MARKUP_LENGTH: refused, and not as 'too long'."""
    text = "<p><strong><em>a</em></strong></p>" * 40_000
    assert len(text) > MAX_MARKUP_LENGTH
    with pytest.raises(ValidationError) as error:
        validate_text_length(text)
    assert error.value.messages == [
        "Texten har för mycket formatering för att kunna sparas. Klistra in den som ren text, eller dela upp den."
    ]


def test_the_rich_text_fields_all_carry_the_limit() -> None:
    """Every long text field of every form counts visible characters (validate_text_length) or has a
    smaller max_length of its own."""
    from django import forms

    seen = 0
    for form_class in _all_form_classes():
        for name, field in form_class.base_fields.items():
            if isinstance(field, remiss_forms.RichTextField) or isinstance(field.widget, forms.Textarea):
                seen += 1
                assert validate_text_length in field.validators or (
                    field.max_length is not None and field.max_length <= MAX_TEXT_LENGTH
                ), f"{form_class.__name__}.{name}"
    assert seen >= 10


def _all_form_classes() -> list[type]:
    from django import forms

    import remiss.urls  # noqa: F401  (imports every view, so every form)

    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("remiss.") and hasattr(sub, "base_fields"):
                found.append(sub)
    return found


# --- Upload size ------------------------------------------------------------------------------------


@override_settings(REMISS_MAX_UPLOAD_BYTES=512 * 1024)
def test_upload_one_byte_over_the_limit_is_refused_in_swedish() -> None:
    remiss_forms.validate_upload_size(SimpleUploadedFile("ok.docx", b"x" * (512 * 1024)))
    with pytest.raises(ValidationError) as error:
        remiss_forms.validate_upload_size(SimpleUploadedFile("stor.docx", b"x" * (512 * 1024 + 1)))
    message = " ".join(error.value.messages)
    assert message.startswith("Filen är för stor")
    assert "512 kB" in message, message  # the limit, in a unit a person reads (not "0 MB")


@pytest.mark.parametrize(("limit", "named"), [(10 * 1024 * 1024, "10 MB"), (1536 * 1024, "1,5 MB"), (2048, "2 kB")])
def test_upload_limit_is_named_in_readable_units(limit: int, named: str) -> None:
    with override_settings(REMISS_MAX_UPLOAD_BYTES=limit), pytest.raises(ValidationError) as error:
        remiss_forms.validate_upload_size(SimpleUploadedFile("stor.pdf", b"x" * (limit + 1)))
    assert f"högst {named}" in " ".join(error.value.messages)


def _upload_fields() -> list[tuple[type, str]]:
    from django import forms

    return [
        (form_class, name)
        for form_class in _all_form_classes()
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.FileField)
    ]


@override_settings(REMISS_MAX_UPLOAD_BYTES=2048)
def test_every_upload_field_refuses_a_file_over_the_limit() -> None:
    """Any form with a file field refuses a file one byte over REMISS_MAX_UPLOAD_BYTES, in Swedish,
    before looking at what the file is. A new upload field without the check fails here."""
    fields = _upload_fields()
    for form_class, name in fields:
        big = SimpleUploadedFile(
            "stor.docx",
            b"PK\x03\x04" + b"x" * 2045,
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        try:
            form = form_class(data={}, files={name: big})
        except TypeError as error:  # a form needing more to be built: test it by name below
            pytest.fail(f"{form_class.__name__} needs arguments ({error}); give it its own upload-size test")
        assert not form.is_valid()
        assert "Filen är för stor: högst 2 kB är tillåtet" in " ".join(form.errors.get(name, [])), form.errors


@override_settings(REMISS_MAX_UPLOAD_BYTES=2048)
def test_word_upload_over_the_limit_keeps_the_saved_opinion(texts_world, office_officer) -> None:
    """The officer's .docx upload: refused with the limit named; the saved opinion is untouched."""
    office = texts_world["office"]
    url = None
    try:
        url = reverse("officer_word_upload", args=[office.pk])
    except Exception:
        pytest.skip("no Word upload page")
    before = snapshot(texts_world["case"])
    big = SimpleUploadedFile(
        "utlatande.docx",
        b"PK\x03\x04" + b"x" * 4096,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response = login(office_officer).post(url, {"file": big}, follow=True)
    assert response.status_code == 200
    assert "Filen är för stor: högst 2 kB är tillåtet, filen är 4 kB." in page(response)
    assert snapshot(texts_world["case"]) == before


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=50_000)
def test_a_request_body_over_the_limit_is_refused_and_nothing_saved(texts_world, office_officer) -> None:
    """Above DATA_UPLOAD_MAX_MEMORY_SIZE Django refuses the whole request (400): with a Swedish page,
    and the saved opinion stays as it was."""
    office = texts_world["office"]
    before = snapshot(texts_world["case"])
    response = login(office_officer).post(
        reverse("officer_referral", args=[office.pk]),
        {
            "text": "<p>" + "å" * 60_000 + "</p>",
            "proposed_decision": "",
            "date": "",
            "position": "",
            "action": "save",
            "version": str(Opinion.objects.get(referral=office).version),
        },
    )
    assert response.status_code == 400
    content = page(response)
    assert "för stor" in content and '<html lang="sv"' in content
    assert snapshot(texts_world["case"]) == before


# --- Number of authors ------------------------------------------------------------------------------


@pytest.fixture
def seated(namnd):
    """MAX_AUTHORS + 1 ledamöter of the nämnd, each with a login."""
    party = PartyFactory(abbreviation="S")
    users = []
    for n in range(MAX_AUTHORS + 1):
        user = PoliticianUserFactory(username=f"ledamot{n}")
        SeatFactory(
            politician=PoliticianFactory(first_name=f"Person{n}", last_name="Ledamot", party=party, user=user),
            body=namnd,
            role=Seat.Role.LEDAMOT,
        )
        users.append(user)
    return users


def test_workflow_refuses_more_authors_than_allowed(decision, seated) -> None:
    before = snapshot(decision.case)
    authors = [AuthorSpec(u.politician) for u in seated]
    with pytest.raises(WorkflowError) as error:
        workflow.add_statement(
            decision, kind=Statement.Kind.SARSKILT_UTTALANDE, authors=authors, text=STATEMENT_TEXT, by=seated[0]
        )
    assert str(error.value) == f"Ett uttalande kan ha högst {MAX_AUTHORS} författare."
    assert snapshot(decision.case) == before
    # Exactly MAX_AUTHORS is fine.
    statement = workflow.add_statement(
        decision,
        kind=Statement.Kind.SARSKILT_UTTALANDE,
        authors=authors[:MAX_AUTHORS],
        text=STATEMENT_TEXT,
        by=seated[0],
    )
    assert statement.authors.count() == MAX_AUTHORS
    # And one more invitation is refused, the statement unchanged.
    before = snapshot(decision.case)
    extra = PoliticianFactory(party=PartyFactory(abbreviation="S"))
    SeatFactory(politician=extra, body=decision.body)
    with pytest.raises(WorkflowError) as error:
        workflow.invite_coauthor(statement, politician=extra, by=seated[0])
    assert str(error.value) == f"Ett uttalande kan ha högst {MAX_AUTHORS} författare."
    assert snapshot(decision.case) == before


def test_statement_page_refuses_too_many_coauthors_and_keeps_the_text(decision, seated) -> None:
    before = snapshot(decision.case)
    text = "<p>Vi vill lyfta skolan.</p>"
    response = login(seated[0]).post(
        reverse("politician_statement_add", args=[decision.pk]),
        {
            "kind": "sarskilt_uttalande",
            "text": text,
            "backed_proposal": "",
            "identical_to": "",
            "coauthors": [str(u.politician.pk) for u in seated[1:]],
        },
    )
    assert response.status_code == 200
    assert f"Ett uttalande kan ha högst {MAX_AUTHORS} författare." in page(response)
    assert snapshot(decision.case) == before
    assert textarea_value(response.content.decode(), "text") == text


def test_statement_edit_refuses_one_invitation_too_many_and_keeps_everything(decision, seated) -> None:
    authors = [AuthorSpec(u.politician) for u in seated[:MAX_AUTHORS]]
    statement = workflow.add_statement(
        decision, kind=Statement.Kind.SARSKILT_UTTALANDE, authors=authors, text=STATEMENT_TEXT, by=seated[0]
    )
    before = snapshot(decision.case)
    new_text = "<p>Vi vill lyfta skolan och biblioteken.</p>"
    response = login(seated[0]).post(
        reverse("politician_statement_edit", args=[statement.pk]),
        {
            "text": new_text,
            "identical_to": "",
            "version": str(statement.version),
            "coauthors": [str(seated[MAX_AUTHORS].politician.pk)],
        },
    )
    assert response.status_code == 200
    assert f"Ett uttalande kan ha högst {MAX_AUTHORS} författare." in page(response)
    # The text edit and the invitation were one change: neither is saved, and nothing is lost.
    assert snapshot(decision.case) == before
    assert textarea_value(response.content.decode(), "text") == new_text


# --- Dates out of order -----------------------------------------------------------------------------

CASE_POST = {
    "title": "Ett nytt betänkande",
    "reference": "SOU 2030:99",
    "sender": "Justitiedepartementet",
    "ministry_dnr": "",
    "city_dnr": "KS 2030/99-1.1",
    "memo_title": "",
    "commissioner": "",
}


def test_register_case_with_remisstid_before_received(registrar) -> None:
    response = login(registrar).post(
        reverse("case_create"), {**CASE_POST, "received": "2030-02-01", "deadline": "2030-01-15"}
    )
    assert response.status_code == 200
    content = page(response)
    assert "Remisstiden (15 januari 2030) kan inte vara före datumet då remissen kom in (1 februari 2030)." in content
    assert not Case.objects.filter(reference="SOU 2030:99").exists()
    raw = response.content.decode()
    assert input_value(raw, "title") == "Ett nytt betänkande"
    assert input_value(raw, "received") == "2030-02-01" and input_value(raw, "deadline") == "2030-01-15"


def test_edit_case_with_remisstid_before_received(referred, registrar) -> None:
    case = referred[0]
    before = snapshot(case)
    response = login(registrar).post(
        reverse("case_edit", args=[case.pk]),
        {
            **CASE_POST,
            "title": "Ändrad titel",
            "reference": case.reference,
            "city_dnr": case.city_dnr,
            "received": "2030-05-01",
            "deadline": "2030-04-28",
        },
    )
    assert response.status_code == 200
    assert "kan inte vara före datumet då remissen kom in" in page(response)
    assert snapshot(case) == before
    assert input_value(response.content.decode(), "title") == "Ändrad titel"


def test_edit_case_with_remisstid_before_a_referrals_deadline(referred, registrar) -> None:
    case = referred[0]  # the office's svarsdatum is 12 April 2030
    before = snapshot(case)
    response = login(registrar).post(
        reverse("case_edit", args=[case.pk]),
        {
            **CASE_POST,
            "title": case.title,
            "reference": case.reference,
            "city_dnr": case.city_dnr,
            "received": "2030-01-10",
            "deadline": "2030-04-01",
        },
    )
    assert response.status_code == 200
    assert "efter den nya remisstiden. Ändra svarsdatumet först." in page(response)
    assert snapshot(case) == before


def test_workflow_refuses_case_dates_out_of_order(referred, registrar) -> None:
    case = referred[0]
    before = snapshot(case)
    with pytest.raises(InvalidError) as error:
        workflow.update_case(case, received=date(2030, 5, 1), by=registrar)
    assert "Remisstiden kan inte vara före datumet då remissen kom in." in str(error.value)
    assert snapshot(case) == before


def test_refer_with_an_answer_date_after_the_remisstid(case, registrar, namnd) -> None:
    before = snapshot(case)
    response = login(registrar).post(
        reverse("case_refer", args=[case.pk]),
        {
            f"b{namnd.pk}-chosen": "on",
            f"b{namnd.pk}-deadline": "2030-05-15",
            "order": str(namnd.pk),
        },
    )
    assert response.status_code == 200
    assert "Svarsdatumet (15 maj 2030) kan inte vara efter remisstiden (28 april 2030)." in page(response)
    assert snapshot(case) == before
    assert input_value(response.content.decode(), f"b{namnd.pk}-deadline") == "2030-05-15"


def test_change_an_answer_date_to_after_the_remisstid(referred, registrar) -> None:
    case, referral, _office = referred
    before = snapshot(case)
    response = login(registrar).post(
        reverse("case_referral_deadline", args=[case.pk, referral.pk]), {"deadline": "2030-06-01"}
    )
    assert response.status_code == 200
    assert "Svarsdatumet (1 juni 2030) kan inte vara efter remisstiden (28 april 2030)." in page(response)
    assert snapshot(case) == before
    with pytest.raises(InvalidError) as error:
        workflow.set_referral_deadline(referral, deadline=date(2030, 6, 1), by=registrar)
    assert "Svarsdatumet kan inte vara efter remisstiden." in str(error.value)
    assert snapshot(case) == before


def test_record_a_decision_with_the_meeting_after_the_remisstid(ready, officer) -> None:
    case = ready.case
    before = snapshot(case)
    data = {
        "meeting_date": "2030-05-02",
        "points": "Socialnämnden godkänner.",
        "added_text": ADDED_TEXT,
        "added_text_after_point": "1",
        "position": "Positiv.",
    }
    response = login(officer).post(reverse("officer_decision", args=[ready.pk]), data)
    assert response.status_code == 200
    assert "Sammanträdet kan inte ligga efter remisstiden (28 april 2030)." in page(response)
    assert snapshot(case) == before
    raw = response.content.decode()
    assert input_value(raw, "meeting_date") == "2030-05-02" and textarea_value(raw, "added_text") == ADDED_TEXT
    with pytest.raises(WorkflowError) as error:
        workflow.record_decision(ready, meeting_date=date(2030, 5, 2), points=["x"], by=officer)
    assert "Sammanträdet kan inte ligga efter remisstiden" in str(error.value)
    assert snapshot(case) == before


def test_edit_a_decision_moving_the_meeting_after_the_remisstid(decision, officer, ready) -> None:
    before = snapshot(decision.case)
    response = login(officer).post(
        reverse("officer_decision", args=[ready.pk]),
        {
            "meeting_date": "2030-05-02",
            "points": "Ändrad punkt.",
            "added_text": ADDED_TEXT,
            "added_text_after_point": "1",
            "position": "",
            "version": str(decision.version),
        },
    )
    assert response.status_code == 200
    assert "Sammanträdet kan inte ligga efter remisstiden" in page(response)
    assert snapshot(decision.case) == before
    assert textarea_value(response.content.decode(), "points") == "Ändrad punkt."


def test_city_decision_with_the_meeting_after_the_remisstid(referred, registrar) -> None:
    case = referred[0]
    workflow.start_compiling(case, by=registrar)
    ks = KommunstyrelsenFactory()
    before = snapshot(case)
    response = login(registrar).post(
        reverse("case_city_decisions", args=[case.pk]),
        {
            "body": str(ks.pk),
            f"beslut{ks.pk}-meeting_date": "2030-05-10",
            f"beslut{ks.pk}-points": "Remissen besvaras.",
        },
    )
    assert response.status_code == 200
    assert "Sammanträdet kan inte ligga efter remisstiden (28 april 2030)." in page(response)
    assert snapshot(case) == before


def test_city_proposal_signed_after_the_remisstid(city_texts, registrar) -> None:
    case = city_texts.case
    before = snapshot(case)
    response = login(registrar).post(
        reverse("case_city_proposal", args=[case.pk]),
        {
            "decision_points": "Remissen besvaras.",
            "summary": "<p>Ny sammanfattning.</p>",
            "views": "",
            "signed_place": "Stockholm",
            "signed_date": "2030-05-01",
            "version": str(city_texts.version),
        },
    )
    assert response.status_code == 200
    assert "Förslaget kan inte undertecknas efter remisstiden (28 april 2030)." in page(response)
    assert snapshot(case) == before
    assert textarea_value(response.content.decode(), "summary") == "<p>Ny sammanfattning.</p>"


# --- Transitions out of order -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ("answer", "Det går inte att markera som besvarat när statusen är ”Remitterat”."),
        ("reopen_referrals", "Det går inte att återuppta remitteringen när statusen är ”Remitterat”."),
        ("whatever", "Okänd åtgärd."),
    ],
)
def test_case_move_not_allowed_now(referred, registrar, event, message) -> None:
    case = referred[0]
    before = snapshot(case)
    response = login(registrar).post(reverse("case_event", args=[case.pk]), {"event": event}, follow=True)
    assert response.status_code == 200
    assert message in page(response)
    assert snapshot(case) == before


def test_referral_declined_after_its_decision(decision, registrar) -> None:
    case = decision.case
    referral = Referral.objects.get(case=case, body=decision.body)
    before = snapshot(case)
    response = login(registrar).post(
        reverse("case_referral_event", args=[case.pk, referral.pk]), {"event": "decline"}, follow=True
    )
    assert response.status_code == 200
    assert "Det går inte att avstå från att svara när statusen är ”Beslutad”." in page(response)
    assert snapshot(case) == before


def test_reopen_an_opinion_that_is_not_ready(drafting, officer) -> None:
    before = snapshot(drafting.case)
    response = login(officer).post(reverse("officer_reopen_opinion", args=[drafting.pk]))
    assert response.status_code == 200
    assert "Det går inte att öppna tjänsteutlåtandet igen när statusen är ”Under arbete”." in page(response)
    assert snapshot(drafting.case) == before


def test_record_a_decision_before_the_opinion_is_ready(drafting, officer) -> None:
    before = snapshot(drafting.case)
    response = login(officer).post(
        reverse("officer_decision", args=[drafting.pk]),
        {
            "meeting_date": "2030-03-20",
            "points": "Socialnämnden godkänner.",
            "added_text": "",
            "added_text_after_point": "1",
            "position": "",
        },
    )
    assert response.status_code == 200
    assert "Det går inte att registrera nämndens beslut när statusen är ”Under arbete”." in page(response)
    assert snapshot(drafting.case) == before


def test_justera_without_a_decision(ready, officer) -> None:
    before = snapshot(ready.case)
    response = login(officer).post(reverse("officer_justera", args=[ready.pk]))
    assert response.status_code == 200
    assert "Det finns inget beslut att justera ännu." in page(response)
    assert snapshot(ready.case) == before


def test_mark_ready_without_a_date_keeps_the_draft(referred, officer) -> None:
    _case, referral, _office = referred
    response = login(officer).post(
        reverse("officer_referral", args=[referral.pk]),
        {
            "text": OPINION_TEXT,
            "text_format": "html",
            "proposed_decision": "",
            "date": "",
            "version": "1",
            "action": "ready",
        },
    )
    assert response.status_code == 200
    assert "Ange tjänsteutlåtandets datum innan det markeras som klart." in page(response)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DRAFTING
    assert Opinion.objects.get(referral=referral).text == OPINION_TEXT  # the draft itself was saved


def test_change_a_statement_after_justering(statement, ledamot, officer) -> None:
    workflow.justera(statement.decision, by=officer)
    before = snapshot(statement.decision.case)
    response = login(ledamot).post(
        reverse("politician_statement_edit", args=[statement.pk]),
        {
            "text": "<p>Ändrat i efterhand.</p>",
            "identical_to": "",
            "version": str(statement.version),
        },
    )
    assert response.status_code == 409
    assert "Beslutet är justerat. Det och dess uttalanden kan inte längre ändras." in page(response)
    assert snapshot(statement.decision.case) == before
    with pytest.raises(LockedError):
        workflow.edit_statement(statement, text="<p>Ändrat i efterhand.</p>", by=ledamot)
    assert snapshot(statement.decision.case) == before


def test_save_an_opinion_after_it_is_ready(ready, officer) -> None:
    """The officer's text is shown back to copy, the saved one untouched."""
    before = snapshot(ready.case)
    response = login(officer).post(
        reverse("officer_referral", args=[ready.pk]),
        {
            "text": "<p>Sent tillägg.</p>",
            "proposed_decision": "",
            "date": "2030-02-01",
            "version": "2",
            "action": "save",
        },
    )
    assert response.status_code == 409
    content = page(response)
    assert "Tjänsteutlåtandet kan inte ändras när remitteringen har statusen ”Tjänsteutlåtande klart”." in content
    assert "Sent tillägg." in content
    assert snapshot(ready.case) == before
