"""Positions per proposal: the stance sentence and summary draft, the memo's matrix (HTML and
tagged PDF), clearing a position, and the officer's positions form."""

from __future__ import annotations

import html as html_lib
import io
import re
from datetime import date

import pypdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from remiss import positions, workflow
from remiss.memo import gather, render_html, render_pdf
from remiss.models import Body, Case, Position, Proposal, Referral
from remiss.workflow import LockedError, ReferralSpec, WorkflowError
from remiss.workflow import positions as position_moves
from tests.factories import BodyFactory, CaseFactory, OfficeFactory, OfficerFactory

T, TMA, A, INGA, EJ = (
    Position.Stance.TILLSTYRKER,
    Position.Stance.TILLSTYRKER_MED_ANDRINGAR,
    Position.Stance.AVSTYRKER,
    Position.Stance.INGA_SYNPUNKTER,
    Position.Stance.EJ_BEHANDLAT,
)


# --- Building a case with positions --------------------------------------------------------------


def _proposals(case: Case, registrar) -> dict[str, Proposal]:
    """Bedömning 1 and förslag 1–5, in that order; keyed 'B1', 'F1' …"""
    made = {
        "B1": workflow.add_proposal(
            case, number="1", kind=Proposal.Kind.BEDOMNING, title="Nationell styrning", by=registrar
        )
    }
    for n in range(1, 6):
        made[f"F{n}"] = workflow.add_proposal(
            case, number=str(n), kind=Proposal.Kind.FORSLAG, title=f"Förslaget om sak {n}", by=registrar
        )
    return made


def _answer(
    referral: Referral, by, stances: dict[Proposal, tuple[str, str]] | None = None, *, ready: bool = True
) -> Referral:
    workflow.save_opinion(referral, text="<p>Förvaltningen är positiv.</p>", date=date(2030, 2, 1), by=by)
    for proposal, (stance, comment) in (stances or {}).items():
        workflow.set_proposal_position(referral, proposal=proposal, stance=stance, comment=comment, by=by)
    if ready:
        workflow.mark_opinion_ready(referral, by=by)
    referral.refresh_from_db()
    return referral


@pytest.fixture
def bodies(db) -> list[Body]:
    return [
        OfficeFactory(
            name="Exploateringskontoret", name_in_text="exploateringskontoret", administration="Exploateringskontoret"
        ),
        BodyFactory(name="Kulturnämnden", name_in_text="kulturnämnden", administration="Kulturförvaltningen"),
        BodyFactory(name="Idrottsnämnden", name_in_text="idrottsnämnden", administration="Idrottsförvaltningen"),
    ]


@pytest.fixture
def positioned(bodies, registrar):
    """(case, proposals, [office, kultur, idrott] referrals): the office and kultur answered with
    positions, idrott still drafting with a position of its own."""
    case = CaseFactory()
    proposals = _proposals(case, registrar)
    referrals = workflow.refer(case, bodies=[ReferralSpec(b, date(2030, 4, 1)) for b in bodies], by=registrar)
    office, kultur, idrott = referrals
    _answer(
        office,
        registrar,
        {proposals["B1"]: (T, ""), proposals["F4"]: (A, "En kommitté behövs inte."), proposals["F5"]: (TMA, "")},
    )
    workflow.set_position(office, position="Exploateringskontoret ställer sig i huvudsak positivt.", by=registrar)
    _answer(
        kultur,
        registrar,
        {
            proposals["F1"]: (T, ""),
            proposals["F3"]: (T, ""),
            proposals["F5"]: (A, ""),
            proposals["F2"]: (INGA, ""),
            proposals["B1"]: (EJ, ""),
        },
    )
    _answer(idrott, registrar, {proposals["F1"]: (A, "Utkast")}, ready=False)
    return case, proposals, [office, kultur, idrott]


# --- The sentence and the summary draft ----------------------------------------------------------


def _position(proposal: Proposal, stance: str) -> Position:
    return Position(proposal=proposal, proposal_id=proposal.pk, stance=stance)


def test_stance_sentence_as_in_the_brief(positioned) -> None:
    _case, p, _refs = positioned
    ordered = {x.pk: x for x in p.values()}
    sentence = positions.stance_sentence(
        "Socialnämnden",
        [_position(p["F5"], A), _position(p["F3"], T), _position(p["F1"], T)],
        ordered,
    )
    assert sentence == "Socialnämnden tillstyrker förslag 1 och 3 och avstyrker förslag 5."


def test_stance_sentence_kinds_changes_and_silence(positioned) -> None:
    _case, p, _refs = positioned
    ordered = {x.pk: x for x in p.values()}
    sentence = positions.stance_sentence(
        "Nämnden",
        [
            _position(p["B1"], T),
            _position(p["F2"], T),
            _position(p["F4"], TMA),
            _position(p["F5"], INGA),
            _position(p["F3"], EJ),
        ],
        ordered,
    )
    assert sentence == (
        "Nämnden tillstyrker bedömning 1 samt förslag 2, tillstyrker förslag 4 med ändringar "
        "och har inga synpunkter på förslag 5."
    )
    assert positions.stance_sentence("Nämnden", [_position(p["F3"], EJ)], ordered) == ""
    assert positions.stance_sentence("Nämnden", [], ordered) == ""


def test_stance_sentence_plural_assessments(db, registrar) -> None:
    case = CaseFactory()
    b = [
        workflow.add_proposal(case, number=str(n), kind=Proposal.Kind.BEDOMNING, title=f"B{n}", by=registrar)
        for n in (1, 2, 4)
    ]
    sentence = positions.stance_sentence("Nämnden", [_position(x, A) for x in b], {x.pk: x for x in b})
    assert sentence == "Nämnden avstyrker bedömningarna 1, 2 och 4."


def test_summary_draft_per_body_in_referral_order_without_drafts(positioned) -> None:
    case, _p, (office, kultur, idrott) = positioned
    workflow.set_position(kultur, position="Kulturnämnden är positiv.", by=None)
    workflow.set_position(idrott, position="Idrottsnämnden funderar.", by=None)
    draft = positions.draft_summary_with_stances(case)
    paragraphs = re.findall(r"<p>(.*?)</p>", draft)
    assert paragraphs == [
        "Exploateringskontoret ställer sig i huvudsak positivt. Exploateringskontoret tillstyrker bedömning 1, "
        "tillstyrker förslag 5 med ändringar och avstyrker förslag 4.",
        "Kulturnämnden är positiv. Kulturnämnden tillstyrker förslag 1 och 3, avstyrker förslag 5 och har inga "
        "synpunkter på förslag 2.",
        # still drafting: its position sentence, but not yet its stances
        "Idrottsnämnden funderar.",
    ]


def test_summary_draft_follows_the_referral_order_and_skips_bodies_without_anything(db, registrar) -> None:
    """(Moved here with workflow.draft_summary, which this draft replaced.)"""
    case = CaseFactory()
    named = [BodyFactory(name=f"Nämnd {letter}") for letter in "ABCD"]
    referrals = workflow.refer(case, bodies=[ReferralSpec(b, date(2030, 4, 1)) for b in named], by=registrar)
    sentences = ["A tillstyrker.", "B & C avstyrker <delvis>.", "", "D  ställer sig\npositiv."]
    for referral, sentence in zip(referrals, sentences, strict=True):
        workflow.set_position(referral, position=sentence, by=registrar)
    # Arrange only: the memo order is not the creation order.
    for referral, order in zip(referrals, [3, 1, 4, 2], strict=True):
        Referral.objects.filter(pk=referral.pk).update(order=order)
    assert positions.draft_summary_with_stances(case) == (
        "<p>B &amp; C avstyrker &lt;delvis&gt;.</p><p>D ställer sig positiv.</p><p>A tillstyrker.</p>"
    )


def test_summary_draft_names_the_bodies_that_declined_and_those_that_did_not_answer(db, registrar) -> None:
    """Issue 10: the pre-filled summary said nothing of a body that declined or never answered."""
    case = CaseFactory()
    answering = BodyFactory(name="Kulturnämnden", name_in_text="kulturnämnden")
    declining = [
        BodyFactory(name="Idrottsnämnden", name_in_text="idrottsnämnden"),
        BodyFactory(name="Farsta stadsdelsnämnd", name_in_text="Farsta stadsdelsnämnd", kind=Body.Kind.STADSDELSNAMND),
    ]
    silent = OfficeFactory(name="Exploateringskontoret", name_in_text="exploateringskontoret")
    kultur, idrott, farsta, office = workflow.refer(
        case,
        bodies=[ReferralSpec(b, date(2030, 4, 1)) for b in [answering, *declining, silent]],
        by=registrar,
    )
    workflow.set_position(kultur, position="Kulturnämnden är positiv.", by=registrar)
    workflow.decline(idrott, by=registrar)
    workflow.decline(farsta, by=registrar, reason="Ärendet berör inte stadsdelen.")
    workflow.mark_no_answer(office, by=registrar)
    assert re.findall(r"<p>(.*?)</p>", positions.draft_summary_with_stances(case)) == [
        "Kulturnämnden är positiv.",
        "Idrottsnämnden och Farsta stadsdelsnämnd har avstått från att svara. "
        "Inget svar har kommit in från exploateringskontoret.",
    ]


def test_summary_draft_names_a_lone_body_without_an_answer(db, registrar, bodies) -> None:
    case = CaseFactory()
    (office,) = workflow.refer(case, bodies=[ReferralSpec(bodies[0], date(2030, 4, 1))], by=registrar)
    workflow.mark_no_answer(office, by=registrar)
    assert positions.draft_summary_with_stances(case) == "<p>Inget svar har kommit in från exploateringskontoret.</p>"


@pytest.fixture
def demo(db) -> Case:
    """The demo case in this test's own transaction: the module-wide `demo_db` would stay loaded
    for the rest of this module, where the `registrar` fixture's username would collide with it."""
    from remiss.demo import load_demo

    load_demo()
    return Case.objects.get(reference="SOU 2022:67")


def test_demo_summary_draft_names_the_bodies_stances_after_their_sentences(demo) -> None:
    referrals = {r.body.name: r for r in demo.referrals.select_related("body")}
    proposal = {p.number: p for p in demo.proposals.filter(kind=Proposal.Kind.FORSLAG)}
    # Arrange only (the demo records no stances, and its referrals are justered): stances that
    # follow the seed's own sentences: a kraftsamling yes (förslag 3), a committee no (förslag 4).
    for body, number, stance in (
        ("Stadsledningskontoret", "3", TMA),
        ("Stadsledningskontoret", "4", A),
        ("Utbildningsnämnden", "3", T),
        ("Södermalms stadsdelsnämnd", "3", T),
    ):
        Position.objects.create(referral=referrals[body], proposal=proposal[number], stance=stance)
    paragraphs = re.findall(r"<p>(.*?)</p>", positions.draft_summary_with_stances(demo))
    assert len(paragraphs) == 6  # one per body, in the memo's order
    office, social, education, _skarpnack, _spanga, sodermalm = paragraphs
    assert office.startswith("Stadsledningskontoret ställer sig i huvudsak positiv till beredningens bedömningar")
    assert office.endswith(
        "kraftsamlingen. Stadsledningskontoret tillstyrker förslag 3 med ändringar och avstyrker förslag 4."
    )
    assert education.endswith("arbetet. Utbildningsnämnden tillstyrker förslag 3.")
    assert sodermalm.endswith("gängkriminalitet. Södermalms stadsdelsnämnd tillstyrker förslag 3.")
    assert "tillstyrker" not in social and "avstyrker" not in social  # no stances recorded: its sentence alone


def test_summary_draft_escapes_text(db, registrar, bodies) -> None:
    case = CaseFactory()
    (referral,) = workflow.refer(case, bodies=[ReferralSpec(bodies[0], date(2030, 4, 1))], by=registrar)
    workflow.set_position(referral, position="Barn < 15 år & <b>unga</b>.", by=registrar)
    assert positions.draft_summary_with_stances(case) == "<p>Barn &lt; 15 år &amp; &lt;b&gt;unga&lt;/b&gt;.</p>"


# --- The matrix ----------------------------------------------------------------------------------


def test_no_matrix_without_published_positions(db, registrar, bodies) -> None:
    case = CaseFactory()
    p = _proposals(case, registrar)
    (office,) = workflow.refer(case, bodies=[ReferralSpec(bodies[0], date(2030, 4, 1))], by=registrar)
    assert gather(case).matrix is None  # proposals, no positions
    _answer(office, registrar, {p["F1"]: (T, "")}, ready=False)
    data = gather(case)
    assert data.matrix is None  # a draft's position is not published
    html = render_html(data)
    assert "Ställningstaganden per förslag" not in html and "matrix" not in html
    assert [label for label, _ in data.toc] == ["Exploateringskontoret", "Reservationer m.m."]


def test_matrix_rows_columns_gaps_and_notes(positioned) -> None:
    case, _p, _refs = positioned
    matrix = gather(case).matrix
    assert matrix is not None
    assert matrix.bodies == ("Exploateringskontoret", "Kulturnämnden", "Idrottsnämnden")
    assert [r.label for r in matrix.rows] == [
        "Bedömning 1",
        "Förslag 1",
        "Förslag 2",
        "Förslag 3",
        "Förslag 4",
        "Förslag 5",
    ]
    symbols = [[c.symbol for c in r.cells] for r in matrix.rows]
    assert symbols == [
        ["T", "Ej", ""],
        ["", "T", ""],  # idrott's draft "A" is not shown
        ["", "–", ""],
        ["", "T", ""],
        ["A", "", ""],
        ["T*", "A", ""],
    ]
    gaps = [c for r in matrix.rows for c in r.cells if c.missing]
    assert gaps and all(c.label == "saknas" for c in gaps)
    assert matrix.gap_count == len(gaps) == 10
    assert [(n.number, n.body, n.proposal, n.text) for n in matrix.notes] == [
        (1, "Exploateringskontoret", "Förslag 4", "En kommitté behövs inte."),
    ]
    assert matrix.rows[4].cells[0].note == 1
    legend = {e.symbol: e.label for e in matrix.legend}
    assert legend == {
        "T": "Tillstyrker",
        "T*": "Tillstyrker med ändringar",
        "A": "Avstyrker",
        "–": "Inga synpunkter",
        "Ej": "Ej behandlat",
    }
    assert len(set(legend)) == len(Position.Stance.values)  # one distinct text symbol per stance


def test_matrix_html_is_an_accessible_table_listed_in_the_toc(positioned) -> None:
    case, _p, _refs = positioned
    data = gather(case)
    assert data.toc[0] == ("Ställningstaganden per förslag", "stallningstaganden")
    html = render_html(data)
    toc = html.split('<nav class="toc"', 1)[1].split("</nav>", 1)[0]
    assert '<a href="#stallningstaganden">Ställningstaganden per förslag</a>' in toc
    # after the table of contents, before the first body
    assert (
        html.index('id="innehallsforteckning"')
        < html.index('id="stallningstaganden"')
        < html.index('id="remissinstans-1-')
    )
    section = html.split('id="stallningstaganden"', 1)[1].split("</section>", 1)[0]
    assert "<caption>" in section
    assert section.count('<th scope="col"') == 4  # the proposal column and three bodies
    assert section.count('<th scope="row">') == 6
    assert section.count('<td class="gap"><span class="visually-hidden">saknas</span></td>') == 10
    assert '<span aria-hidden="true">T*</span><span class="visually-hidden">Tillstyrker med ändringar</span>' in section
    assert "Teckenförklaring" in section and "Tom ruta: inget ställningstagande registrerat (saknas)" in section
    assert "Exploateringskontoret, förslag 4:</span> En kommitté behövs inte." in section
    assert "style=" not in section  # no inline CSS (the memo's stylesheet does the layout)


def test_a_declining_body_reads_avstar_in_the_matrix_not_saknas(positioned) -> None:
    """Issue 10: a body that declined showed blank "saknas" cells in its column."""
    case, _p, (_office, _kultur, idrott) = positioned
    workflow.decline(idrott, by=None)
    matrix = gather(case).matrix
    assert matrix is not None
    column = [row.cells[2] for row in matrix.rows]
    assert all(c.label == "avstår" and c.symbol == "avstår" and not c.missing for c in column)
    assert matrix.gap_count == 10 - 6
    assert matrix.declined_explanation == "Remissinstansen har avstått från att svara"
    html = render_html(gather(case))
    section = html.split('id="stallningstaganden"', 1)[1].split("</section>", 1)[0]
    assert section.count('<td class="declined">avstår</td>') == 6
    assert section.count('<td class="gap">') == 4
    assert "Remissinstansen har avstått från att svara" in section


def test_the_legend_has_no_avstar_line_without_a_declining_body(positioned) -> None:
    case, _p, _refs = positioned
    matrix = gather(case).matrix
    assert matrix is not None and matrix.declined_explanation == ""
    assert "avstått" not in render_html(gather(case)).split('id="stallningstaganden"', 1)[1].split("</section>", 1)[0]


def test_matrix_sources_name_positions_and_proposals(positioned) -> None:
    case, p, (office, kultur, idrott) = positioned
    sources = {(s["model"], s["pk"]) for s in gather(case).sources}
    published = Position.objects.filter(referral__in=[office, kultur])
    assert {("remiss.position", x.pk) for x in published} <= sources
    assert not {("remiss.position", x.pk) for x in Position.objects.filter(referral=idrott)} & sources
    assert {("remiss.proposal", x.pk) for x in p.values()} <= sources


def test_gather_query_count_with_positions_does_not_grow(db, registrar) -> None:
    def build(n: int) -> Case:
        case = CaseFactory()
        p = _proposals(case, registrar)
        referrals = workflow.refer(
            case, bodies=[ReferralSpec(BodyFactory(), date(2030, 4, 1)) for _ in range(n)], by=registrar
        )
        for referral in referrals:
            _answer(referral, registrar, {p["F1"]: (T, "kommentar"), p["F2"]: (A, "")})
        return case

    def count(case: Case) -> int:
        with CaptureQueriesContext(connection) as queries:
            gather(case)
        return len(queries)

    assert count(build(2)) == count(build(7))


def _struct(reader: pypdf.PdfReader) -> list[dict]:
    found: list[dict] = []

    def walk(node) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if "/S" in node:
                found.append(node)
            kids = node.get("/K")
            for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def test_matrix_in_the_tagged_pdf(positioned) -> None:
    case, _p, _refs = positioned
    rendered = render_pdf(render_html(gather(case)))
    reader = pypdf.PdfReader(io.BytesIO(rendered.pdf))
    pages = [page.extract_text() for page in reader.pages]
    matrix_page = next(i for i, text in enumerate(pages, start=1) if "Teckenförklaring" in text)
    # the Innehållsförteckning gives the matrix's real page
    toc = next(text for text in pages if "Innehållsförteckning" in text)
    assert re.search(rf"Ställningstaganden per förslag\s*\.+\s*{matrix_page}\b", toc)
    assert "saknas" in pages[matrix_page - 1]  # the gaps speak in the text layer
    tags = _struct(reader)
    kinds = [t["/S"] for t in tags]
    assert "/Table" in kinds and "/THead" in kinds and "/Caption" in kinds
    assert kinds.count("/TH") == 4 + 6
    cells = [t for t in tags if t["/S"] == "/TD"]
    assert len(cells) == 6 * 3
    assert all(len(t["/A"]["/Headers"]) == 2 for t in cells)  # each cell names its row and column header

    def titles(outline):
        for item in outline:
            yield from titles(item) if isinstance(item, list) else [item.title]

    assert "Ställningstaganden per förslag" in list(titles(reader.outline))


def test_many_bodies_get_a_landscape_matrix_page(db, registrar) -> None:
    case = CaseFactory()
    p = _proposals(case, registrar)
    referrals = workflow.refer(
        case, bodies=[ReferralSpec(BodyFactory(), date(2030, 4, 1)) for _ in range(9)], by=registrar
    )
    _answer(referrals[0], registrar, {p["F1"]: (T, "")})
    data = gather(case)
    assert data.matrix is not None and data.matrix.landscape
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(render_html(data)).pdf))
    orientation = [
        (float(page.mediabox.width) > float(page.mediabox.height), "Teckenförklaring" in page.extract_text())
        for page in reader.pages
    ]
    assert (True, True) in orientation  # the matrix page is landscape
    assert sum(1 for wide, _ in orientation if wide) == 1  # and only it


def test_long_runs_of_characters_get_break_opportunities() -> None:
    """A pasted address or an endless string must not stall the PDF layout (minutes per long word)."""
    text = "Se " + "x" * 95 + " och kort ord."
    broken = positions.breakable(text)
    assert broken.replace("\u200b", "") == text
    assert broken.count("\u200b") == 3
    assert max(len(part) for part in re.split(r"[\s\u200b]", broken)) == 30
    assert positions.breakable("Inga långa ord här.") == "Inga långa ord här."


# --- Clearing a position -------------------------------------------------------------------------


def test_clear_position_keeps_history_and_respects_justering(positioned, registrar) -> None:
    _case, p, (office, kultur, _idrott) = positioned
    workflow.clear_proposal_position(office, proposal=p["F4"], by=registrar)
    assert not Position.objects.filter(referral=office, proposal=p["F4"]).exists()
    deleted = Position.history.filter(referral_id=office.pk, proposal_id=p["F4"].pk).order_by("-history_id").first()
    assert deleted.history_type == "-" and deleted.history_user == registrar
    assert "borttaget" in deleted.history_change_reason
    workflow.clear_proposal_position(office, proposal=p["F3"], by=registrar)  # nothing there: nothing happens

    decision = workflow.record_decision(
        kultur, meeting_date=date(2030, 3, 20), points=["Nämnden godkänner."], by=registrar
    )
    workflow.justera(decision, by=registrar)
    with pytest.raises(LockedError):
        workflow.clear_proposal_position(kultur, proposal=p["F1"], by=registrar)
    with pytest.raises(LockedError):
        workflow.set_proposal_position(kultur, proposal=p["F1"], stance=A, by=registrar)
    other = CaseFactory()
    foreign = workflow.add_proposal(other, number="1", kind=Proposal.Kind.FORSLAG, title="Annat", by=registrar)
    with pytest.raises(WorkflowError):
        workflow.clear_proposal_position(office, proposal=foreign, by=registrar)


# --- The officer's form --------------------------------------------------------------------------


@pytest.fixture
def drafting(bodies, registrar):
    """(case, proposals, kultur referral, its officer): referred, nothing recorded yet."""
    case = CaseFactory()
    proposals = _proposals(case, registrar)
    (referral,) = workflow.refer(case, bodies=[ReferralSpec(bodies[1], date(2030, 4, 1))], by=registrar)
    officer = OfficerFactory(username="kultur.handlaggare", bodies=[bodies[1]])
    return case, proposals, referral, officer


def _form_data(html: str) -> dict[str, str]:
    """The positions form's fields as the browser would send them unchanged."""
    form = html.split('class="positions-form"', 1)[1].split("</form>", 1)[0]
    data = {"csrfmiddlewaretoken": "x"}
    for tag in re.findall(r'<input type="hidden"[^>]*>', form):  # Django leaves out an empty value
        value = re.search(r'value="([^"]*)"', tag)
        data[re.search(r'name="([^"]+)"', tag).group(1)] = html_lib.unescape(value.group(1)) if value else ""
    for name in re.findall(r'<select name="([^"]+)"', form):
        selected = re.search(rf'<select name="{re.escape(name)}"[^>]*>(.*?)</select>', form, re.S).group(1)
        chosen = re.search(r'<option value="([^"]*)" selected>', selected)
        data[name] = chosen.group(1) if chosen else ""
    for tag in re.findall(r'<input type="text"[^>]*>', form):
        name = re.search(r'name="([^"]+)"', tag).group(1)
        value = re.search(r'value="([^"]*)"', tag)
        data[name] = html_lib.unescape(value.group(1)) if value else ""
    return data


def test_form_has_a_labelled_select_per_proposal_in_fieldsets(client, drafting) -> None:
    _case, proposals, referral, officer = drafting
    client.force_login(officer)
    html = client.get(reverse("officer_referral", args=[referral.pk])).content.decode()
    assert 'id="positions-heading"' in html
    for proposal in proposals.values():
        select_id = f"id_p{proposal.pk}-stance"
        assert f'<label for="{select_id}"' in html
        assert f'<select name="p{proposal.pk}-stance"' in html and f'id="{select_id}"' in html
        assert f'<label for="id_p{proposal.pk}-comment"' in html
    assert html.count('<fieldset class="position-row">') == 6
    assert "<legend>Bedömning 1: Nationell styrning</legend>" in html
    assert "Ställningstagande till förslag 3" in html
    for label in (
        "Inte angivet",
        "Tillstyrker",
        "Tillstyrker med ändringar",
        "Avstyrker",
        "Inga synpunkter",
        "Ej behandlat",
    ):
        assert f">{label}</option>" in html


def test_form_saves_only_changed_rows_in_one_go(client, drafting) -> None:
    _case, p, referral, officer = drafting
    client.force_login(officer)
    url = reverse("officer_referral", args=[referral.pk])
    data = _form_data(client.get(url).content.decode())
    data[f"p{p['F1'].pk}-stance"] = T
    data[f"p{p['F5'].pk}-stance"] = A
    data[f"p{p['F5'].pk}-comment"] = "  Vi   avstyrker. "
    response = client.post(reverse("officer_positions", args=[referral.pk]), data)
    assert response.status_code == 302 and response["Location"].endswith("#positions-heading")
    saved = {(x.proposal_id, x.stance, x.comment) for x in Position.objects.filter(referral=referral)}
    assert saved == {(p["F1"].pk, T, ""), (p["F5"].pk, A, "Vi avstyrker.")}
    assert Position.history.filter(referral_id=referral.pk).first().history_user == officer

    # A colleague changes förslag 1 meanwhile; this page, still showing the old value, changes förslag 5 only.
    # The save is refused as a conflict; the page shows the colleague's förslag 1 and keeps this förslag 5.
    page = _form_data(client.get(url).content.decode())
    workflow.set_proposal_position(referral, proposal=p["F1"], stance=TMA, by=None)
    page[f"p{p['F5'].pk}-stance"] = ""  # back to "not recorded"
    page[f"p{p['F5'].pk}-comment"] = ""
    response = client.post(reverse("officer_positions", args=[referral.pk]), page)
    assert response.status_code == 409
    assert {(x.proposal_id, x.stance) for x in Position.objects.filter(referral=referral)} == {
        (p["F1"].pk, TMA),
        (p["F5"].pk, A),
    }
    again = _form_data(response.content.decode())
    assert again[f"p{p['F1'].pk}-stance"] == TMA and again[f"p{p['F5'].pk}-stance"] == ""
    # Saving the conflict page again removes förslag 5 and leaves the colleague's förslag 1 alone.
    assert client.post(reverse("officer_positions", args=[referral.pk]), again).status_code == 302
    assert {(x.proposal_id, x.stance) for x in Position.objects.filter(referral=referral)} == {(p["F1"].pk, TMA)}


def test_form_is_all_or_nothing(client, drafting, monkeypatch) -> None:
    _case, p, referral, officer = drafting
    client.force_login(officer)
    data = _form_data(client.get(reverse("officer_referral", args=[referral.pk])).content.decode())
    data[f"p{p['F1'].pk}-stance"] = T
    data[f"p{p['F2'].pk}-stance"] = A
    real = position_moves._write_position  # save_positions writes each row through it
    calls = []

    def second_fails(referral, change, by):
        calls.append(change.proposal)
        if len(calls) == 2:
            raise WorkflowError("Något gick fel.")
        return real(referral, change, by)

    monkeypatch.setattr(position_moves, "_write_position", second_fails)
    response = client.post(reverse("officer_positions", args=[referral.pk]), data)
    assert response.status_code == 200
    assert "Något gick fel." in response.content.decode()
    assert not Position.objects.filter(referral=referral).exists()


def test_comment_needs_a_stance(client, drafting) -> None:
    _case, p, referral, officer = drafting
    client.force_login(officer)
    data = _form_data(client.get(reverse("officer_referral", args=[referral.pk])).content.decode())
    data[f"p{p['F2'].pk}-comment"] = "En kommentar utan ställningstagande"
    response = client.post(reverse("officer_positions", args=[referral.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Formuläret innehåller fel" in html
    assert "Välj ett ställningstagande för att kunna spara en kommentar." in html
    assert f'href="#id_p{p["F2"].pk}-comment"' in html  # the summary links to the field
    assert "En kommentar utan ställningstagande" in html  # what was typed stays
    assert not Position.objects.filter(referral=referral).exists()


def test_read_only_after_justering(client, drafting) -> None:
    _case, p, referral, officer = drafting
    _answer(referral, officer, {p["F1"]: (T, "Bra")})
    decision = workflow.record_decision(
        referral, meeting_date=date(2030, 3, 20), points=["Nämnden godkänner."], by=officer
    )
    workflow.justera(decision, by=officer)
    client.force_login(officer)
    html = client.get(reverse("officer_referral", args=[referral.pk])).content.decode()
    section = html.split('id="positions-heading"', 1)[1].split("</section>", 1)[0]
    assert "<select" not in section and "<form" not in section
    assert '<th scope="row">Förslag 1: Förslaget om sak 1</th>' in section
    assert "<td>Tillstyrker</td>" in section and "<td>Bra</td>" in section and "Inte angivet" in section
    response = client.post(reverse("officer_positions", args=[referral.pk]), {f"p{p['F2'].pk}-stance": A})
    assert response.status_code == 409
    assert "kan inte längre ändras" in response.content.decode()
    assert Position.objects.filter(referral=referral).count() == 1


@pytest.mark.parametrize("who", ["other_officer", "registrar", "anonymous"])
def test_positions_refused_to_others(client, drafting, registrar, who) -> None:
    _case, p, referral, _officer = drafting
    users = {
        "other_officer": OfficerFactory(username="annan", bodies=[BodyFactory()]),
        "registrar": registrar,
        "anonymous": None,
    }
    if users[who] is not None:
        client.force_login(users[who])
    response = client.post(reverse("officer_positions", args=[referral.pk]), {f"p{p['F1'].pk}-stance": T})
    if who == "anonymous":
        assert response.status_code == 302 and reverse("login") in response["Location"]
    else:
        assert response.status_code == 403
    assert not Position.objects.filter(referral=referral).exists()


def test_positions_form_not_shown_without_proposals(client, bodies, registrar) -> None:
    case = CaseFactory()
    (referral,) = workflow.refer(case, bodies=[ReferralSpec(bodies[1], date(2030, 4, 1))], by=registrar)
    officer = OfficerFactory(username="utan.forslag", bodies=[bodies[1]])
    client.force_login(officer)
    html = client.get(reverse("officer_referral", args=[referral.pk])).content.decode()
    assert "positions-heading" not in html


def test_matrix_names_the_section_of_each_proposal_that_has_one(positioned) -> None:
    case, proposals, _refs = positioned
    Proposal.objects.filter(pk=proposals["F4"].pk).update(section="8.2")
    matrix = gather(case).matrix
    assert [r.section for r in matrix.rows] == ["", "", "", "", "avsnitt 8.2", ""]
    section = render_html(gather(case)).split('id="stallningstaganden"', 1)[1].split("</section>", 1)[0]
    assert (
        '<span class="proposal-label">Förslag 4</span> Förslaget om sak 4 '
        '<span class="proposal-section">(avsnitt 8.2)</span></th>' in section
    )
    assert section.count("proposal-section") == 1


def test_the_officers_positions_form_names_the_section(client, drafting) -> None:
    _case, proposals, referral, officer = drafting
    Proposal.objects.filter(pk=proposals["F2"].pk).update(section="5.3")
    client.force_login(officer)
    html = client.get(reverse("officer_referral", args=[referral.pk])).content.decode()
    assert "<legend>Förslag 2: Förslaget om sak 2 (avsnitt 5.3)</legend>" in html
    assert "Förslag 2: Förslaget om sak 2 (avsnitt 5.3)</li>" in html  # the case's facts
    assert "Förslag 3: Förslaget om sak 3</li>" in html  # none recorded: nothing added
