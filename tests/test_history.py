"""Unit tests of history people can use: versions with who/when/why, word diffs, restoring an old
version through `workflow.restore_text` (a new version, nothing deleted, refused when final,
optimistic locking), what a nämnd changed against its administration's proposal, and a memo's
sources pointing at the exact versions compiled."""

from __future__ import annotations

import re
from datetime import date

import pytest

from remiss import history, workflow
from remiss.diff import normalised_words, same_words
from remiss.models import Case, CityProposal, Decision, Opinion, Statement
from remiss.workflow import AuthorSpec, ConflictError, LockedError, WorkflowError
from tests.factories import (
    KommunstyrelsenFactory,
    OfficerFactory,
    PoliticianFactory,
    PoliticianUserFactory,
    SeatFactory,
)

RESTORED = re.compile(r"^Återställd till version från \d{1,2} [a-zåäö]+ \d{4} kl\. \d{2}:\d{2}$")


def _opinion(referral, officer, *texts: str) -> Opinion:
    opinion = None
    for i, text in enumerate(texts, start=1):
        opinion = workflow.save_opinion(
            referral,
            text=text,
            proposed_decision=f"<p>Förslag {i}.</p>",
            date=date(2030, 2, i),
            by=officer,
        )
    return opinion


def _rows(obj):
    return list(type(obj).history.filter(id=obj.pk).order_by("history_id"))


def _decided(referral, officer, **kwargs) -> Decision:
    workflow.save_opinion(
        referral,
        text="<p>Positiv.</p>",
        proposed_decision=kwargs.pop("proposal", "<p>Nämnden godkänner.</p>"),
        date=date(2030, 2, 1),
        by=officer,
    )
    workflow.mark_opinion_ready(referral, by=officer)
    return workflow.record_decision(referral, meeting_date=date(2030, 3, 20), by=officer, **kwargs)


@pytest.fixture
def ledamot(namnd):
    user = PoliticianUserFactory(username="ledamot", first_name="Jan", last_name="Jönsson")
    SeatFactory(politician=PoliticianFactory(user=user, first_name="Jan", last_name="Jönsson"), body=namnd)
    return user


# --- Versions and diffs ----------------------------------------------------------------------


def test_versions_list_who_when_why_newest_first(referred, officer, registrar):
    _case, referral, _office = referred
    officer.first_name, officer.last_name = "Hanna", "Handläggare"
    officer.save()
    opinion = _opinion(referral, officer, "<p>Ett.</p>", "<p>Två.</p>")
    hist = history.load_history(history.OPINION, opinion)
    assert [v.number for v in hist.versions] == [3, 2, 1]
    newest, middle, first = hist.versions
    assert newest.current and not middle.current
    assert newest.who == "Hanna Handläggare"
    assert first.who == registrar.get_full_name()  # the empty opinion was made when the registrar referred
    assert newest.reason == "Tjänsteutlåtandet sparat"
    assert first.reason == "Tomt tjänsteutlåtande skapat"
    assert "Text" in newest.changed and "Daterat" in newest.changed
    assert re.match(r"^\d{1,2} [a-zåäö]+ \d{4} kl\. \d{2}:\d{2}$", newest.when_text)


def test_a_version_without_a_user_is_by_okand(referred):
    _case, referral, _office = referred
    opinion = workflow.save_opinion(referral, text="<p>Av ingen.</p>", by=None)
    assert history.load_history(history.OPINION, opinion).versions[0].who == "okänd"
    assert history.person(None) == "okänd"


def test_compare_is_a_word_diff_on_the_plain_words_field_by_field(referred, officer):
    _case, referral, _office = referred
    opinion = _opinion(
        referral,
        officer,
        "<p>Förvaltningen är <strong>positiv</strong> till förslaget.</p>",
        "<p>Förvaltningen är negativ till förslaget.</p>",
    )
    hist = history.load_history(history.OPINION, opinion)
    newest, older = hist.versions[0], hist.versions[1]
    comparison = hist.compare(newest.history_id, older.history_id)  # any order: the older comes first
    assert comparison.older is older and comparison.newer is newest
    text = comparison.fields[0]
    assert text.label == "Text" and text.changed
    assert '<del><span class="visually-hidden">borttaget: </span>positiv</del>' in text.diff
    assert '<ins><span class="visually-hidden">tillagt: </span>negativ</ins>' in text.diff
    assert "<strong>" not in text.diff  # plain words, not markup
    dated = comparison.fields[2]
    assert (
        dated.label == "Daterat" and dated.older == "<p>1 februari 2030</p>" and dated.newer == "<p>2 februari 2030</p>"
    )
    assert "borttaget: </span>1</del>" in dated.diff and "tillagt: </span>2</ins> februari 2030" in dated.diff


def test_formatting_alone_changes_no_words(referred, officer):
    _case, referral, _office = referred
    opinion = _opinion(referral, officer, "<p>Samma ord.</p>", "<p><strong>Samma</strong> ord.</p>")
    hist = history.load_history(history.OPINION, opinion)
    text = hist.compare(hist.versions[0].history_id, hist.versions[1].history_id).fields[0]
    assert text.changed and "<ins>" not in text.diff and "<del>" not in text.diff


def test_compare_refuses_foreign_and_equal_versions(referred, officer):
    _case, referral, office_referral = referred
    opinion = _opinion(referral, officer, "<p>Ett.</p>")
    other = workflow.save_opinion(office_referral, text="<p>Annat.</p>", by=None)
    hist = history.load_history(history.OPINION, opinion)
    foreign = other.history.first().history_id
    with pytest.raises(ValueError, match="Välj två versioner"):
        hist.compare(hist.versions[0].history_id, foreign)
    with pytest.raises(ValueError, match="två olika"):
        hist.compare(hist.versions[0].history_id, hist.versions[0].history_id)


def test_background_versions_are_only_the_text_changes(case, registrar):
    workflow.save_background(case, text="<p>Bakgrund ett.</p>", by=registrar)
    workflow.update_case(case, title="En ny titel", by=registrar)  # not a version of the text
    workflow.save_background(case, text="<p>Bakgrund två.</p>", by=registrar)
    hist = history.load_history(history.BACKGROUND, case)
    assert [v.reason for v in hist.versions][:2] == ["Ärendet sparat"] * 2
    assert len(hist.versions) == 3  # created, ett, två
    assert all(v.changed for v in hist.versions[:-1])


def test_statement_relations_are_named(namnd, referred, officer, ledamot):
    decision = _decided(referred[1], officer, points=["Nämnden godkänner."])
    first = workflow.add_statement(
        decision,
        kind="sarskilt_uttalande",
        authors=[AuthorSpec(ledamot.politician)],
        text="<p>Vår mening.</p>",
        by=ledamot,
    )
    second = workflow.add_statement(
        decision, kind="sarskilt_uttalande", authors=[AuthorSpec(ledamot.politician)], text="<p>Annan.</p>", by=ledamot
    )
    workflow.edit_statement(second, identical_to=first, text="", by=ledamot)
    hist = history.load_history(history.STATEMENT_TEXT, second)
    comparison = hist.compare(hist.versions[1].history_id, hist.versions[0].history_id)
    by_label = {f.label: f for f in comparison.fields}
    assert by_label["Likalydande med"].changed
    assert "Särskilt uttalande av Jan Jönsson" in by_label["Likalydande med"].newer
    assert "Socialnämnden" in by_label["Likalydande med"].newer


def test_normalised_words_ignore_case_punctuation_formatting_and_numbering():
    assert normalised_words("<ol><li>Nämnden godkänner.</li></ol>") == ["nämnden", "godkänner"]
    assert same_words(
        "<p>1. Nämnden godkänner förslaget.</p><p>2. Beslutet justeras omedelbart.</p>",
        "<p>nämnden <strong>godkänner</strong> förslaget</p><p>Beslutet justeras omedelbart</p>",
    )
    assert not same_words("<p>Nämnden godkänner.</p>", "<p>Nämnden avslår.</p>")
    assert normalised_words("") == []


# --- Restoring ------------------------------------------------------------------------------


def test_restore_opinion_is_a_new_version_and_deletes_nothing(referred, officer):
    _case, referral, _office = referred
    opinion = _opinion(referral, officer, "<p>Första.</p>", "<p>Andra.</p>", "<p>Tredje.</p>")
    before = _rows(opinion)
    first_saved = before[1]  # [0] is the empty opinion the referral made
    version = opinion.version
    restored = workflow.restore_text(opinion, first_saved.history_id, by=officer, expected_version=version)
    after = _rows(opinion)
    assert [r.history_id for r in after[:-1]] == [r.history_id for r in before]  # nothing deleted
    assert len(after) == len(before) + 1
    newest = after[-1]
    assert RESTORED.match(newest.history_change_reason)
    assert newest.history_user == officer
    restored.refresh_from_db()
    assert restored.text == "<p>Första.</p>" and restored.proposed_decision == "<p>Förslag 1.</p>"
    assert restored.date == date(2030, 2, 1)
    assert restored.version == version + 1


def test_restore_with_a_stale_version_is_a_conflict_and_changes_nothing(referred, officer):
    _case, referral, _office = referred
    opinion = _opinion(referral, officer, "<p>Första.</p>", "<p>Andra.</p>")
    old_version = opinion.version
    workflow.save_opinion(referral, text="<p>Någon annans.</p>", by=officer, expected_version=old_version)
    count = len(_rows(opinion))
    with pytest.raises(ConflictError, match="ändrats sedan du öppnade historiken"):
        workflow.restore_text(opinion, _rows(opinion)[1].history_id, by=officer, expected_version=old_version)
    opinion.refresh_from_db()
    assert opinion.text == "<p>Någon annans.</p>" and len(_rows(opinion)) == count


def test_restore_refuses_a_version_of_another_text_and_the_current_text(referred, officer):
    _case, referral, office_referral = referred
    opinion = _opinion(referral, officer, "<p>Första.</p>")
    other = workflow.save_opinion(office_referral, text="<p>Annat.</p>", by=None)
    with pytest.raises(WorkflowError, match="finns inte bland"):
        workflow.restore_text(opinion, _rows(other)[-1].history_id, by=officer)
    with pytest.raises(WorkflowError, match="likadan som den nuvarande"):
        workflow.restore_text(opinion, _rows(opinion)[-1].history_id, by=officer)


def test_restore_opinion_refused_once_ready_or_justered(referred, officer):
    _case, referral, _office = referred
    opinion = _opinion(referral, officer, "<p>Första.</p>", "<p>Andra.</p>")
    workflow.mark_opinion_ready(referral, by=officer)
    first = _rows(opinion)[1].history_id
    with pytest.raises(LockedError, match="Tjänsteutlåtandet kan inte ändras"):
        workflow.restore_text(opinion, first, by=officer)
    decision = workflow.record_decision(referral, meeting_date=date(2030, 3, 20), points=["Godkänns."], by=officer)
    workflow.justera(decision, by=officer)
    with pytest.raises(LockedError):
        workflow.restore_text(opinion, first, by=officer)
    opinion.refresh_from_db()
    assert opinion.text == "<p>Andra.</p>"


def test_restore_decision_and_refused_once_justered(referred, officer):
    decision = _decided(referred[1], officer, points=["Nämnden godkänner."], added_text="")
    workflow.edit_decision(decision, points=["Nämnden avslår."], added_text="<p>Och mer.</p>", by=officer)
    first = _rows(decision)[0].history_id
    decision.refresh_from_db()
    restored = workflow.restore_text(decision, first, by=officer, expected_version=decision.version)
    restored.refresh_from_db()
    assert restored.points == ["Nämnden godkänner."] and restored.added_text == ""
    workflow.justera(restored, by=officer)
    with pytest.raises(LockedError, match="justerat"):
        workflow.restore_text(restored, _rows(restored)[1].history_id, by=officer)


def test_restore_statement_text_and_relations(referred, officer, ledamot):
    decision = _decided(referred[1], officer, points=["Nämnden godkänner."])
    first = workflow.add_statement(
        decision,
        kind="sarskilt_uttalande",
        authors=[AuthorSpec(ledamot.politician)],
        text="<p>Vår mening.</p>",
        by=ledamot,
    )
    second = workflow.add_statement(
        decision,
        kind="sarskilt_uttalande",
        authors=[AuthorSpec(ledamot.politician)],
        text="<p>Egen text.</p>",
        by=ledamot,
    )
    workflow.edit_statement(second, identical_to=first, text="", by=ledamot)
    second.refresh_from_db()
    restored = workflow.restore_text(second, _rows(second)[0].history_id, by=ledamot, expected_version=second.version)
    restored.refresh_from_db()
    assert restored.identical_to_id is None and restored.text == "<p>Egen text.</p>"
    again = workflow.restore_text(restored, _rows(restored)[1].history_id, by=ledamot)
    again.refresh_from_db()
    assert again.identical_to_id == first.pk and again.text == ""
    workflow.justera(decision, by=officer)
    with pytest.raises(LockedError):
        workflow.restore_text(again, _rows(again)[0].history_id, by=ledamot)


def _decide_case(case, registrar):
    workflow.start_compiling(case, by=registrar)
    workflow.record_city_decision(case, body=KommunstyrelsenFactory(), points=["Remissen besvaras."], by=registrar)


def test_restore_city_proposal_and_refused_once_decided(referred, registrar):
    case = referred[0]
    workflow.save_city_proposal(case, decision_points=["Ett."], summary="<p>Kort.</p>", by=registrar)
    proposal = workflow.save_city_proposal(case, decision_points=["Två."], summary="<p>Längre.</p>", by=registrar)
    target = _rows(proposal)[1].history_id
    restored = workflow.restore_text(proposal, target, by=registrar, expected_version=proposal.version)
    assert restored.decision_points == ["Ett."] and CityProposal.objects.get(case=case).summary == "<p>Kort.</p>"
    _decide_case(case, registrar)
    with pytest.raises(LockedError, match="Kommunstyrelsen har beslutat"):
        workflow.restore_text(proposal, _rows(proposal)[2].history_id, by=registrar)


def test_restore_background_checks_and_bumps_the_case_version(referred, registrar):
    case = referred[0]
    workflow.save_background(case, text="<p>Ett.</p>", by=registrar)
    case = workflow.save_background(case, text="<p>Två.</p>", by=registrar)
    hist = history.load_history(history.BACKGROUND, case)
    assert history.expected_version(hist) == case.version
    target = hist.versions[1].history_id
    rows = Case.history.filter(id=case.pk).count()
    with pytest.raises(ConflictError, match="Texten har ändrats sedan du öppnade historiken"):
        workflow.restore_text(case, target, by=registrar, expected_version=case.version - 1)
    assert Case.history.filter(id=case.pk).count() == rows
    assert Case.objects.get(pk=case.pk).background == "<p>Två.</p>"
    seen = case.version
    workflow.restore_text(case, target, by=registrar, expected_version=seen)
    case.refresh_from_db()
    assert case.background == "<p>Ett.</p>"
    assert case.version == seen + 1
    # A save that still carries the version from before the restore is now a conflict.
    with pytest.raises(ConflictError):
        workflow.save_background(case, text="<p>Gammal flik.</p>", by=registrar, expected_version=seen)
    _decide_case(case, registrar)
    with pytest.raises(LockedError):
        workflow.restore_text(case, hist.versions[0].history_id, by=registrar)


def test_restore_refusal_matches_the_state(referred, officer):
    _case, referral, _office = referred
    opinion = _opinion(referral, officer, "<p>Ett.</p>")
    assert workflow.restore_refusal(opinion) is None
    workflow.mark_opinion_ready(referral, by=officer)
    opinion.referral.refresh_from_db()
    assert isinstance(workflow.restore_refusal(opinion), LockedError)


# --- Access ---------------------------------------------------------------------------------


def test_access_rules_for_each_kind(referred, officer, registrar, ledamot, namnd):
    case, referral, _office = referred
    other_officer = OfficerFactory(username="annan")
    opinion = _opinion(referral, officer, "<p>Utkast.</p>")
    assert history.can_view(officer, history.OPINION, opinion) and history.can_restore(
        officer, history.OPINION, opinion
    )
    assert history.can_view(registrar, history.OPINION, opinion) and not history.can_restore(
        registrar, history.OPINION, opinion
    )
    assert not history.can_view(other_officer, history.OPINION, opinion)  # a draft
    assert not history.can_view(ledamot, history.OPINION, opinion)

    decision = _decided(referral, officer, points=["Godkänns."])
    assert history.can_view(ledamot, history.DECISION, decision) and not history.can_restore(
        ledamot, history.DECISION, decision
    )
    assert history.can_restore(officer, history.DECISION, decision)
    assert not history.can_view(other_officer, history.DECISION, decision)

    statement = workflow.add_statement(
        decision, kind="sarskilt_uttalande", authors=[AuthorSpec(ledamot.politician)], text="<p>Mening.</p>", by=ledamot
    )
    statement = Statement.objects.select_related("decision__body", "decision__case").get(pk=statement.pk)
    assert history.can_restore(ledamot, history.STATEMENT_TEXT, statement)
    assert history.can_view(officer, history.STATEMENT_TEXT, statement)
    assert not history.can_restore(officer, history.STATEMENT_TEXT, statement)
    assert not history.can_view(other_officer, history.STATEMENT_TEXT, statement)

    proposal = CityProposal.objects.select_related("case").get(case=case)
    assert history.can_restore(registrar, history.CITY_PROPOSAL, proposal)
    assert not history.can_view(officer, history.CITY_PROPOSAL, proposal)
    assert not history.can_view(officer, history.BACKGROUND, case)


# --- What the nämnd changed -----------------------------------------------------------------


def test_namnd_decided_as_proposed(referred, officer):
    _case, referral, _office = referred
    decision = _decided(
        referral,
        officer,
        proposal="<ol><li>Socialnämnden godkänner förvaltningens tjänsteutlåtande.</li>"
        "<li>Beslutet justeras omedelbart.</li></ol>",
        points=["Socialnämnden godkänner förvaltningens tjänsteutlåtande", "Beslutet justeras omedelbart."],
    )
    referral.refresh_from_db()
    changes = history.namnd_changes(referral, decision)
    assert changes.verdicts == ["Nämnden beslutade i enlighet med förvaltningens förslag."]


def test_namnd_added_text_and_changed_points(referred, officer):
    _case, referral, _office = referred
    decision = _decided(
        referral,
        officer,
        proposal="<p>Socialnämnden godkänner förvaltningens tjänsteutlåtande.</p>",
        points=["Socialnämnden godkänner i huvudsak förvaltningens tjänsteutlåtande och därutöver anföra följande."],
        added_text="<p>Nämnden vill betona tidiga insatser.</p>",
    )
    referral.refresh_from_db()
    changes = history.namnd_changes(referral, decision)
    assert changes.verdicts[0] == "Nämnden lade till egen text."
    assert (
        changes.verdicts[1] == "Beslutspunkterna har också andra ord än förvaltningens förslag; se skillnaderna nedan."
    )
    assert '<ins><span class="visually-hidden">tillagt: </span>i huvudsak</ins>' in changes.diff
    assert "<del>" not in changes.diff.split("i huvudsak")[0]  # case and punctuation are no change here
    assert "betona" in changes.diff


def test_namnd_added_text_to_the_proposed_points(referred, officer):
    _case, referral, _office = referred
    decision = _decided(
        referral,
        officer,
        proposal="<p>Nämnden godkänner.</p>",
        points=["Nämnden godkänner."],
        added_text="<p>Och mer.</p>",
    )
    referral.refresh_from_db()
    assert history.namnd_changes(referral, decision).verdicts == [
        "Nämnden lade till egen text.",
        "Beslutspunkterna är i övrigt desamma som i förvaltningens förslag.",
    ]


def test_namnd_changed_the_proposal(referred, officer):
    _case, referral, _office = referred
    decision = _decided(referral, officer, proposal="<p>Nämnden godkänner.</p>", points=["Nämnden avslår."])
    referral.refresh_from_db()
    assert history.namnd_changes(referral, decision).verdicts == [
        "Nämndens beslut har andra ord än förvaltningens förslag till beslut; se skillnaderna nedan."
    ]


def test_namnd_without_decision_office_and_no_proposal(referred, officer):
    _case, referral, office_referral = referred
    assert history.namnd_changes(referral, None).verdicts == ["Nämnden har inte fattat något beslut ännu."]
    assert "är ett kontor" in history.namnd_changes(office_referral, None).verdicts[0]
    decision = _decided(referral, officer, proposal="", points=["Nämnden godkänner."])
    referral.refresh_from_db()
    assert "inget förslag till beslut" in history.namnd_changes(referral, decision).verdicts[0]


def test_decision_source_puts_the_added_text_after_its_point(referred, officer):
    decision = _decided(
        referred[1], officer, points=["Ett.", "Två.", "Tre."], added_text="<p>Tillägg.</p>", added_text_after_point=2
    )
    assert history.decision_source(decision) == "<p>Ett.</p><p>Två.</p><p>Tillägg.</p><p>Tre.</p>"
    decision.added_text_after_point = 9
    assert history.decision_source(decision).endswith("<p>Tre.</p><p>Tillägg.</p>")


# --- One row of any model -------------------------------------------------------------------


def test_row_values_of_a_text_and_of_a_name(referred, officer):
    case, referral, _office = referred
    opinion = _opinion(referral, officer, "<p>Text <script>x</script>ett.</p>")
    row = opinion.history.order_by("-history_id").first()
    values = {v.label: v.html for v in history.row_values(Opinion, row)}
    assert values["Text"] == "<p>Text ett.</p>"
    body_row = referral.body.history.first()
    body_values = {v.label: v.html for v in history.row_values(type(referral.body), body_row)}
    assert body_values["Namn"] == "<p>Socialnämnden</p>" and body_values["Typ"] == "<p>Facknämnd</p>"
    case_values = {v.label for v in history.row_values(Case, case.history.first())}
    assert {"Ärendet (bakgrund)", "Titel", "Stadens diarienummer"} <= case_values


def test_resolve_model_only_for_the_apps_models_with_history():
    assert history.resolve_model("remiss.opinion") is Opinion
    assert history.resolve_model("remiss.memo") is None  # no history
    assert history.resolve_model("remiss.user") is None  # a login, not a text
    assert history.resolve_model("auth.group") is None
    assert history.resolve_model("nonsense") is None
