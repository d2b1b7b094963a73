"""The compiled memo: structure, page numbers, tagging, safety, storing, and the seed's wording.

The demo memo is rendered once for this module (`demo_memo`) and read back with pypdf; the
other tests build small cases with the factories and the workflow.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pypdf
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from weasyprint.urls import FatalURLFetchingError

from remiss import attribution, workflow
from remiss.dates import swedish_date
from remiss.memo import RenderedPdf, gather, render_html, render_pdf
from remiss.memo.render import STYLESHEET, RefusedURL, StaticOnlyFetcher, static_url
from remiss.memo.store import CompiledMemo, build_memo, compile_memo, memo_filename, store_memo
from remiss.models import (
    Body,
    Case,
    CityProposal,
    Decision,
    Memo,
    Opinion,
    Referral,
    Statement,
    StatementAuthor,
)
from remiss.workflow import AuthorSpec, ReferralSpec
from tests.factories import (
    BodyFactory,
    BorgarradsberedningenFactory,
    CaseFactory,
    KommunstyrelsenFactory,
    OfficeFactory,
    PartyFactory,
    PoliticianFactory,
    RegistrarFactory,
    SeatFactory,
)

SEED = Path(settings.BASE_DIR) / "fixtures" / "seed" / "sou_2022_67.txt"
DEMO_REFERENCE = "SOU 2022:67"
DEMO_BODIES = [
    "Stadsledningskontoret",
    "Socialnämnden",
    "Utbildningsnämnden",
    "Skarpnäcks stadsdelsnämnd",
    "Spånga-Tensta stadsdelsnämnd",
    "Södermalms stadsdelsnämnd",
]
PAGE_LABEL = re.compile(r"^\s*\d+ \(\d+\)\s*$")
TOC_LINE = re.compile(r"^(?P<label>.+?)\s*\.{4,}\s*(?P<page>\d+)\s*$")


# --- Reading the PDF ----------------------------------------------------------------------------


@dataclass
class ReadPdf:
    pdf: bytes
    reader: pypdf.PdfReader
    pages: list[str]  # extracted text of each page, running header removed
    raw_pages: list[str]  # extracted text of each page as pypdf gives it

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


def _header_lines(city: str, full_title: str, dnr: str) -> re.Pattern[str]:
    return re.compile(
        rf"^(?:{re.escape(city)}|{re.escape(full_title)}|Dnr {re.escape(dnr)}(?: \d+ \(\d+\))?|\d+ \(\d+\))$"
    )


def read_pdf(pdf: bytes, *, city: str, full_title: str, dnr: str) -> ReadPdf:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    raw = [page.extract_text() or "" for page in reader.pages]
    header = _header_lines(city, full_title, dnr)
    # pypdf gives list markers (•, 1.) after the page's text, where they would split sentences.
    marker = re.compile(r"^(?:•|\d+\.)$")
    pages = [
        "\n".join(line for line in page.splitlines() if not (header.match(line.strip()) or marker.match(line.strip())))
        for page in raw
    ]
    return ReadPdf(pdf=pdf, reader=reader, pages=pages, raw_pages=raw)


def dehyphenate(text: str) -> str:
    """Undo hyphens: auto. WeasyPrint breaks with U+2010 HYPHEN, so real hyphens (U+002D) stay."""
    return re.sub(r"[\u2010\u00ad]\s*\n\s*", "", text).replace("\u00ad", "")


def words(text: str) -> list[str]:
    """Both sides alike: no bullets or list numbers, a hyphen followed by space joined, one space."""
    text = text.replace("\uf0b7", " ").replace("•", " ")
    text = re.sub(r"-\s+", "-", text)
    return [w for w in text.split() if w != "-" and not re.fullmatch(r"\d+\.", w)]


def flat(text: str) -> str:
    return " ".join(dehyphenate(text).split())


def seed_words() -> list[str]:
    lines = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        if PAGE_LABEL.match(line) or re.search(r"\.{5,}\s*\d+\s*$", line):
            continue
        lines.append(re.sub(r"^\s*-\s+", "", line))  # the seed's "- " list items
    return words("\n".join(lines))


def ngrams(tokens: list[str], n: int = 8) -> list[tuple[str, ...]]:
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


# --- The demo memo, rendered once ---------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_memo(demo_db, django_db_blocker) -> tuple[CompiledMemo, ReadPdf]:
    with django_db_blocker.unblock():
        case = Case.objects.get(reference=DEMO_REFERENCE)
        compiled = build_memo(case)
    read = read_pdf(compiled.pdf, city=settings.REMISS_CITY, full_title=case.full_title, dnr=case.city_dnr)
    return compiled, read


@pytest.fixture
def demo_case(demo_db, db) -> Case:
    return Case.objects.get(reference=DEMO_REFERENCE)


def _find_in_order(text: str, needles: list[str]) -> list[str]:
    """The needles not found in order (each after the previous one)."""
    missing, position = [], 0
    for needle in needles:
        found = text.find(needle, position)
        if found < 0:
            missing.append(needle)
        else:
            position = found + len(needle)
    return missing


def test_swedish_date() -> None:
    assert swedish_date(date(2023, 3, 21)) == "21 mars 2023"
    assert swedish_date(date(2023, 1, 1)) == "1 januari 2023"
    assert swedish_date(date(2023, 12, 31)) == "31 december 2023"


def test_demo_parts_in_seed_order(demo_memo) -> None:
    compiled, read = demo_memo
    text = flat(read.text)
    referred = (
        "Ärendet har remitterats till stadsledningskontoret, socialnämnden, utbildningsnämnden, "
        "Skarpnäcks stadsdelsnämnd, Spånga-Tensta stadsdelsnämnd och Södermalms stadsdelsnämnd."
    )
    expected = [
        "Vägar till ett tryggare samhälle, Kraftsamling för barn och unga (SOU 2022:67)",
        "Remiss från Justitiedepartementet",
        "Remisstid den 28 april 2023",
        "Förslag till beslut",
        "Remissen besvaras med hänvisning till vad som sägs i stadens promemoria.",
        "Föredragande borgarrådet Alexander Ojanne",
        "Sammanfattning av ärendet",
        "Justitiedepartementet har remitterat",
        "Beredning",
        referred,
        "Borgarrådsberedningen föreslår att kommunstyrelsen beslutar följande.",
        "Paragrafen justeras omedelbart.",
        "Föredragande borgarrådets synpunkter",
        "Det är när tron på framtiden går förlorad",
        "Stockholm den 26 april 2023",
        "Alexander Ojanne",
        "Bilaga",
        "Vägar till ett tryggare samhälle - Kraftsamling för barn och unga, dnr KS 2023/99-1.1",
        "Borgarrådsberedningen tillstyrker föredragande borgarrådets förslag.",
        "Särskilt uttalande av borgarråden Christofer Fjellner (M) och Jan Jönsson (L) enligt följande.",
        "Socialtjänsten har en avgörande roll",
        "Kommunstyrelsen",
        "Särskilt uttalande av Christofer Fjellner, Annika Friberg och Jonas Nilsson (alla M), Jan Jönsson (L) "
        "och Jonas Naddebo (C) som är likalydande med Moderaternas och Liberalernas gemensamma särskilda "
        "uttalande i borgarrådsberedningen.",
        "Ärendet",
        "Delbetänkandets två fokusområden",
        "Remissammanställningen",
        referred,
        "Innehållsförteckning",
        "Stadsledningskontoret",
        "Stadsledningskontorets tjänsteutlåtande daterat den 12 april 2023 har i huvudsak följande lydelse.",
        "Socialnämnden beslutade vid sitt sammanträde den 21 mars 2023 följande.",
        "Särskilt uttalande av Kristin Jacobsson (C) och Andrea Hedin m.fl. (M), se Reservationer m.m.",
        "Ersättaryttrande av Michaela Hollis (KD) som ställde sig bakom Liberalernas, Moderaternas och "
        "Centerpartiets gemensamma särskilda uttalande.",
        "Socialförvaltningens tjänsteutlåtande daterat den 22 februari 2023 har i huvudsak följande lydelse.",
        "Utbildningsnämnden beslutade vid sitt sammanträde den 30 mars 2023 följande.",
        "Skarpnäcks stadsdelsnämnd beslutade vid sitt sammanträde den 30 mars 2023 följande.",
        "därutöver anföra följande:",
        "Ett tryggare samhälle skapas i gemenskap",
        "Paragrafen justeras omedelbart.",
        "Reservation av Henrietta Ludwig (C) som yrkade bifall till förvaltningens förslag till beslut.",
        "Skarpnäcks stadsdelsförvaltnings tjänsteutlåtande daterat den 31 januari 2023 "
        "har i huvudsak följande lydelse.",
        "Spånga-Tensta stadsdelsförvaltnings tjänsteutlåtande daterat den 13 februari 2023",
        "Södermalms stadsdelsförvaltnings tjänsteutlåtande daterat den 18 januari 2023",
        "Reservationer m.m.",
        "Socialnämnden",
        "Särskilt uttalande av Kristin Jacobsson (C) och Andrea Hedin m.fl. (M)",
        "Utbildningsnämnden",
        "Särskilt uttalande av Jan Jönsson m.fl. (L), Andrea Hedin m.fl. (M) och Claes Nyberg (C)",
    ]
    assert _find_in_order(text, expected) == []
    # Borgarrådsberedningen's, socialnämndens and utbildningsnämndens statements share this text;
    # kommunstyrelsen's is likalydande and therefore only named, not printed a fourth time.
    assert text.count("Socialtjänsten har en avgörande roll") == 3
    assert compiled.data.bodies[0].decision_intro == ""  # the office decides nothing


def _heading_page(read: ReadPdf, heading: str, after: int) -> int | None:
    """1-based number of the first page after page `after` with a line that is exactly `heading`."""
    for number, page in enumerate(read.pages, start=1):
        if number <= after:
            continue
        if any(line.strip() == heading for line in page.splitlines()):
            return number
    return None


def _toc(read: ReadPdf) -> tuple[int, list[tuple[str, int]]]:
    """(page of the Innehållsförteckning, [(label, page number it gives)])."""
    for number, page in enumerate(read.pages, start=1):
        lines = [line.strip() for line in page.splitlines()]
        if "Innehållsförteckning" in lines:
            return number, [(m["label"], int(m["page"])) for line in lines if (m := TOC_LINE.match(line))]
    raise AssertionError("no Innehållsförteckning in the PDF")


def test_demo_body_headings_in_order_and_toc_page_numbers_are_real(demo_memo) -> None:
    _compiled, read = demo_memo
    toc_page, entries = _toc(read)
    assert [label for label, _ in entries] == DEMO_BODIES + ["Reservationer m.m."]
    previous = toc_page
    for label, page in entries:
        actual = _heading_page(read, label, after=previous)
        assert actual == page, f"Innehållsförteckningen säger {label} på sidan {page}, rubriken står på sidan {actual}"
        previous = actual
    # every body heading, in referral order, after the table of contents
    headings = [_heading_page(read, name, after=toc_page) for name in DEMO_BODIES]
    assert headings == sorted(headings) and None not in headings


def test_demo_every_statement_appears_with_its_authors(demo_memo, demo_case) -> None:
    _compiled, read = demo_memo
    text = flat(read.text)
    statements = (
        Statement.objects.filter(decision__case=demo_case)
        .prefetch_related("authors__politician__party")
        .select_related("decision__body", "identical_to__decision__body", "endorses")
    )
    assert statements.count() == 8
    for statement in statements:
        assert attribution.attribution(statement) in text, attribution.attribution(statement)
        for author in attribution.listed_authors(statement):
            assert author.politician.full_name in text
        if attribution.has_own_text(statement):
            # The body section points to it; Reservationer m.m. (or the Bilaga) carries its text.
            first_words = " ".join(words(flat(re.sub(r"<[^>]+>", " ", statement.text)))[:12])
            assert first_words in " ".join(words(text)), first_words


def test_demo_swedish_letters_extract(demo_memo) -> None:
    _compiled, read = demo_memo
    raw = "\n".join(read.raw_pages)
    for name in ("Spånga-Tensta stadsdelsnämnd", "Södermalms stadsdelsnämnd", "Skarpnäcks stadsdelsnämnd", "Ärendet"):
        assert name in raw
    assert "Ã" not in raw and "\ufffd" not in raw


def test_demo_pdf_is_tagged_with_language_and_metadata(demo_memo) -> None:
    compiled, read = demo_memo
    catalog = read.reader.trailer["/Root"]
    assert str(catalog["/Lang"]) in ("sv", "sv-SE")
    assert bool(catalog["/MarkInfo"]["/Marked"]) is True
    assert catalog["/StructTreeRoot"].get_object()["/Type"] == "/StructTreeRoot"
    xmp = catalog["/Metadata"].get_object().get_data()
    assert b'pdfuaid:part="1"' in xmp  # declared PDF/UA-1
    metadata = read.reader.metadata
    assert (
        metadata.title
        == "Vägar till ett tryggare samhälle, Kraftsamling för barn och unga (SOU 2022:67), dnr KS 2023/99-1.1"
    )
    assert metadata.author == settings.REMISS_CITY
    assert compiled.data.document_title == metadata.title


def test_demo_page_labels_on_every_page(demo_memo) -> None:
    _compiled, read = demo_memo
    total = len(read.raw_pages)
    assert total == _compiled.pages
    for number, page in enumerate(read.raw_pages, start=1):
        assert re.search(rf"(^|\s){number} \({total}\)\s*$", page, re.MULTILINE), f"page {number}"
        assert "Dnr KS 2023/99-1.1" in page


def test_demo_bookmarks_for_every_part_and_body(demo_memo) -> None:
    _compiled, read = demo_memo

    def titles(outline, depth=0):
        for item in outline:
            if isinstance(item, list):
                yield from titles(item, depth + 1)
            else:
                yield depth, item.title

    bookmarks = list(titles(read.reader.outline))
    top = [t for d, t in bookmarks if d == 0]
    assert top == [
        "Vägar till ett tryggare samhälle, Kraftsamling för barn och unga (SOU 2022:67)",
        "Förslag till beslut",
        "Sammanfattning av ärendet",
        "Beredning",
        "Föredragande borgarrådets synpunkter",
        "Bilaga",
        "Ärendet",
        "Remissammanställningen",
    ]
    second = [t for d, t in bookmarks if d == 1]
    assert second == [
        "Borgarrådsberedningen",
        "Kommunstyrelsen",
        "Innehållsförteckning",
        *DEMO_BODIES,
        "Reservationer m.m.",
    ]
    assert [t for d, t in bookmarks if d == 2] == ["Socialnämnden", "Utbildningsnämnden"]


def test_demo_covers_the_seed(demo_memo) -> None:
    """≥ 97 % of the seed's word 8-grams occur in the memo's text."""
    _compiled, read = demo_memo
    seed = ngrams(seed_words())
    ours = set(ngrams(words(dehyphenate(read.text))))
    missing = [g for g in seed if g not in ours]
    share = 1 - len(missing) / len(seed)
    shown = "\n".join(" ".join(g) for g in dict.fromkeys(missing))
    assert share >= 0.97, f"{share:.2%} of the seed's 8-grams found; missing:\n{shown}"


def test_demo_store_memo_records_sha256_pages_and_sources(demo_memo, demo_case, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    compiled, read = demo_memo
    user = RegistrarFactory(username="sammanstallare")
    memo = store_memo(demo_case, compiled, by=user)
    memo.refresh_from_db()
    with memo.pdf.open("rb") as handle:
        stored = handle.read()
    assert hashlib.sha256(stored).hexdigest() == memo.sha256 == compiled.sha256
    assert stored == compiled.pdf
    assert memo.pages == len(read.reader.pages)
    assert memo.created_by == user
    assert Path(memo.pdf.path).is_relative_to(tmp_path)
    assert re.fullmatch(r"memos/\d+/memo-SOU-2022-67-\d{8}-\d{6}(_\w+)?\.pdf", memo.pdf.name), memo.pdf.name

    sources = {(s["model"], s["pk"]): s["history_id"] for s in memo.sources}
    expected: list = [demo_case, demo_case.city_proposal]
    expected += list(Referral.objects.filter(case=demo_case))
    expected += list(Opinion.objects.filter(referral__case=demo_case))
    expected += list(Decision.objects.filter(case=demo_case))
    expected += list(Statement.objects.filter(decision__case=demo_case))
    expected += list(StatementAuthor.objects.filter(statement__decision__case=demo_case, accepted=True))
    assert len(expected) > 30
    for obj in expected:
        key = (f"remiss.{obj._meta.model_name}", obj.pk)
        assert key in sources, key
        assert sources[key] == obj.history.latest().history_id, key


def test_memo_file_name_in_local_time() -> None:
    case = Case(pk=7, reference="SOU 2022:67")
    when = datetime(2023, 4, 26, 8, 15, 0, tzinfo=UTC)  # 10:15 in Stockholm (CEST)
    assert memo_filename(case, when) == "memo-SOU-2022-67-20230426-101500.pdf"


# --- Small cases from the factories -------------------------------------------------------------


def answered_case(n_bodies: int, *, statements_per_body: int = 2) -> Case:
    """A case referred to an office and n-1 nämnder, all answered, with statements and city decisions."""
    registrar = RegistrarFactory(username=f"reg{n_bodies}-{Case.objects.count()}")
    case = CaseFactory(commissioner=PoliticianFactory())
    moderates, liberals = PartyFactory(abbreviation="M"), PartyFactory(abbreviation="L")
    bodies = [OfficeFactory()] + [BodyFactory() for _ in range(n_bodies - 1)]
    referrals = workflow.refer(case, bodies=[ReferralSpec(b, date(2030, 4, 1)) for b in bodies], by=registrar)
    for referral in referrals:
        workflow.save_opinion(
            referral,
            text="<p>Förvaltningen är positiv.</p><h3>Rubrik</h3><ul><li>En punkt</li></ul>",
            proposed_decision="<p>Förvaltningen föreslår …</p>",
            date=date(2030, 2, 1),
            by=registrar,
        )
        workflow.mark_opinion_ready(referral, by=registrar)
        if not referral.body.makes_decisions:
            continue
        decision = workflow.record_decision(
            referral,
            meeting_date=date(2030, 3, 20),
            points=["Nämnden godkänner tjänsteutlåtandet.", "Beslutet justeras omedelbart."],
            added_text="<p>Och därutöver detta.</p>",
            by=registrar,
        )
        # A joint särskilt uttalande (M and L) with its own text, then an ersättaryttrande backing it.
        members = [
            SeatFactory(body=referral.body, politician=PoliticianFactory(party=p)).politician
            for p in (moderates, liberals)
        ]
        joint = workflow.add_statement(
            decision,
            kind=Statement.Kind.SARSKILT_UTTALANDE,
            authors=[AuthorSpec(a) for a in members],
            text="<p>Vi har en egen mening.</p>",
            by=registrar,
        )
        if statements_per_body > 1:
            substitute = SeatFactory(
                body=referral.body, role="ersattare", politician=PoliticianFactory(party=moderates)
            ).politician
            workflow.add_statement(
                decision,
                kind=Statement.Kind.ERSATTARYTTRANDE,
                authors=[AuthorSpec(substitute)],
                endorses=joint,
                by=registrar,
            )
        workflow.justera(decision, by=registrar)
    workflow.start_compiling(case, by=registrar)
    workflow.save_city_proposal(
        case,
        decision_points=["Remissen besvaras.", "Paragrafen justeras omedelbart."],
        summary="<p>Kort.</p>",
        views="<p>Bra.</p>",
        signed_date=date(2030, 4, 20),
        by=registrar,
    )
    brb = workflow.record_city_decision(
        case, body=BorgarradsberedningenFactory(), points=["Borgarrådsberedningen tillstyrker."], by=registrar
    )
    ks = workflow.record_city_decision(case, body=KommunstyrelsenFactory(), points=[], by=registrar)
    for decision in (brb, ks):
        politician = SeatFactory(body=decision.body, politician=PoliticianFactory(party=moderates)).politician
        workflow.add_statement(
            decision,
            kind=Statement.Kind.SARSKILT_UTTALANDE,
            authors=[AuthorSpec(politician)],
            text="<p>Vår mening.</p>",
            by=registrar,
        )
    return case


def _gather_queries(case: Case) -> int:
    with CaptureQueriesContext(connection) as queries:
        gather(case)
    return len(queries)


def test_gather_query_count_does_not_grow_with_bodies(db) -> None:
    small, large = answered_case(2), answered_case(6)
    assert Referral.objects.filter(case=large).count() == 6
    assert _gather_queries(small) == _gather_queries(large)
    assert _gather_queries(large) <= 20


def stub_weasyprint(monkeypatch) -> None:
    """Replace the layout by a one-page stub: the query-count tests count reads, not render time."""
    monkeypatch.setattr("remiss.memo.store.render_pdf", lambda html: RenderedPdf(pdf=b"%PDF-1.7\n% stub\n", pages=1))


@pytest.mark.parametrize("n", [5, 50])
def test_build_memo_query_count_is_constant(db, monkeypatch, django_assert_max_num_queries, n) -> None:
    case = answered_case(n)
    stub_weasyprint(monkeypatch)
    with django_assert_max_num_queries(19):
        compiled = build_memo(case)
    assert len(compiled.data.bodies) == n
    assert compiled.html.count("Vi har en egen mening.") == n - 1  # every nämnd's statement made it in
    assert sum(s["model"] == "remiss.statementauthor" for s in compiled.data.sources) == 3 * (n - 1) + 2


def test_sources_cover_every_record_of_a_small_case(db) -> None:
    case = answered_case(3)
    data = gather(case)
    models = {s["model"] for s in data.sources}
    assert {
        "remiss.case",
        "remiss.cityproposal",
        "remiss.referral",
        "remiss.opinion",
        "remiss.decision",
        "remiss.statement",
        "remiss.statementauthor",
    } <= models
    assert all(isinstance(s["history_id"], int) for s in data.sources)
    opinion = Opinion.objects.filter(referral__case=case).first()
    entry = next(s for s in data.sources if s["model"] == "remiss.opinion" and s["pk"] == opinion.pk)
    assert entry["history_id"] == opinion.history.latest().history_id


def test_points_numbering_and_added_text(db) -> None:
    case = answered_case(2)
    html = render_html(gather(case))
    # two points: numbered, the tillägg inside point 1, indented
    assert re.search(
        r'<ol class="points">\s*<li>Nämnden godkänner tjänsteutlåtandet\.'
        r'<div class="added text"><p>Och därutöver detta\.</p></div></li>',
        html,
    )
    # borgarrådsberedningen's single point: no number
    assert '<p class="point">Borgarrådsberedningen tillstyrker.</p>' in html
    # an endorsing ersättaryttrande is one line; the statement with text points to Reservationer m.m.
    assert ", se Reservationer m.m.</p>" in html
    assert "som ställde sig bakom Moderaternas och Liberalernas gemensamma särskilda uttalande.</p>" in html
    # the opinion's h3 sits below the body's h3 heading
    assert "<h4>Rubrik</h4>" in html and "<h3>Rubrik</h3>" not in html


def test_declined_no_answer_and_pending_referrals_get_one_honest_line(db) -> None:
    registrar = RegistrarFactory()
    case = CaseFactory()
    # (names unlike the demo's: the demo case is loaded for this whole module)
    kultur = BodyFactory(name="Kulturnämnden", name_in_text="kulturnämnden")
    idrott = BodyFactory(name="Idrottsnämnden", name_in_text="idrottsnämnden")
    farsta = BodyFactory(
        name="Farsta stadsdelsnämnd", name_in_text="Farsta stadsdelsnämnd", kind=Body.Kind.STADSDELSNAMND
    )
    r_kultur, r_idrott, _ = workflow.refer(
        case,
        bodies=[ReferralSpec(b, date(2030, 4, 1)) for b in (kultur, idrott, farsta)],
        by=registrar,
    )
    workflow.decline(r_kultur, by=registrar)
    workflow.mark_no_answer(r_idrott, by=registrar)
    html = render_html(gather(case))
    assert "Kulturnämnden har avstått från att svara på remissen." in html
    assert "Inget svar har kommit in från idrottsnämnden." in html
    assert "Svar från Farsta stadsdelsnämnd har ännu inte kommit in." in html
    assert "tjänsteutlåtande" not in html.split("Remissammanställningen", 1)[1]
    assert "Ärendet har remitterats till kulturnämnden, idrottsnämnden och Farsta stadsdelsnämnd." in html


def test_a_declining_body_s_reason_stands_under_its_line(db) -> None:
    case = CaseFactory()
    kultur = BodyFactory(name="Kulturnämnden", name_in_text="kulturnämnden")
    (referral,) = workflow.refer(case, bodies=[ReferralSpec(kultur, date(2030, 4, 1))], by=None)
    workflow.decline(referral, by=None, reason="Ärendet berör inte <b>nämndens</b> verksamhet.\nSe protokollet.")
    data = gather(case)
    assert data.bodies[0].decline_reason == "Ärendet berör inte <b>nämndens</b> verksamhet.\nSe protokollet."
    html = render_html(data)
    assert (
        '<p class="notice">Kulturnämnden har avstått från att svara på remissen.</p>\n'
        '  <p class="decline-reason">Motivering: Ärendet berör inte &lt;b&gt;nämndens&lt;/b&gt; verksamhet.'
        "<br>Se protokollet.</p>"
    ) in html
    text = flat(
        read_pdf(render_pdf(html).pdf, city=settings.REMISS_CITY, full_title=case.full_title, dnr=case.city_dnr).text
    )
    assert (
        "Kulturnämnden har avstått från att svara på remissen. "
        "Motivering: Ärendet berör inte <b>nämndens</b> verksamhet. Se protokollet." in text
    )


def test_reservation_with_its_own_text_keeps_the_proposal_it_backed_in_the_pdf(db) -> None:
    """Issue 10: the PDF dropped "yrkade bifall till …" when the reservation also had a text of its
    own; the web pages, the API and the .docx named it."""
    case = answered_case(2, statements_per_body=1)
    decision = Decision.objects.get(case=case, body__kind=Body.Kind.FACKNAMND)
    Decision.objects.filter(pk=decision.pk).update(justered=False)
    member = SeatFactory(
        body=decision.body, politician=PoliticianFactory(party=PartyFactory(abbreviation="C"))
    ).politician
    reservation = workflow.add_statement(
        decision,
        kind=Statement.Kind.RESERVATION,
        authors=[AuthorSpec(member)],
        text="<p>Vi reserverar oss.</p>",
        backed_proposal="förvaltningens förslag till beslut",
        by=None,
    )
    line = f"{attribution.full_line(reservation)}, se Reservationer m.m."
    assert "som yrkade bifall till förvaltningens förslag till beslut" in line
    compiled = build_memo(case)
    read = read_pdf(compiled.pdf, city=settings.REMISS_CITY, full_title=case.full_title, dnr=case.city_dnr)
    text = flat(read.text)
    assert _find_in_order(text, [decision.body.name, line, "Reservationer m.m.", "Vi reserverar oss."]) == []


def test_pending_coauthor_is_not_named(db) -> None:
    case = answered_case(2, statements_per_body=1)
    statement = Statement.objects.filter(decision__case=case, decision__body__kind=Body.Kind.FACKNAMND).first()
    hidden = PoliticianFactory(first_name="Hemlig", last_name="Medförfattare")
    StatementAuthor.objects.create(statement=statement, politician=hidden, accepted=False, order=99)
    html = render_html(gather(case))
    assert "Hemlig" not in html


def test_and_others_set_after_the_statement_changes_the_memos_attribution(db) -> None:
    case = answered_case(2, statements_per_body=1)
    statement = Statement.objects.get(decision__case=case, decision__body__kind=Body.Kind.BORGARRADSBEREDNINGEN)
    author = statement.authors.get()
    name, party = author.politician.full_name, author.politician.party.abbreviation
    assert f"av {name} ({party})" in render_html(gather(case))
    workflow.set_and_others(statement, politician=author.politician, and_others=True, by=None)
    html = render_html(gather(case))
    assert f"av {name} m.fl. ({party})" in html and f"av {name} ({party})" not in html


# --- Safety -------------------------------------------------------------------------------------

HOSTILE = (
    '<p>Vi tycker till.</p><img src="file:///etc/passwd" alt="x">'
    '<link rel="stylesheet" href="http://evil.example/x.css">'
    '<p style="background: url(http://evil.example/bg.png)">Stil</p>'
    '<script>alert(1)</script><a href="http://evil.example/">länk</a>'
)


def test_hostile_statement_text_survives_as_nothing(db, monkeypatch) -> None:
    case = answered_case(2, statements_per_body=1)
    statement = Statement.objects.filter(decision__case=case, decision__body__kind=Body.Kind.FACKNAMND).first()
    # Written around the workflow, as a restore or a raw SQL fix could: render time must clean it again.
    Statement.objects.filter(pk=statement.pk).update(text=HOSTILE)
    Decision.objects.filter(pk=statement.decision_id).update(points=["<b>Fet</b> & <script>x</script>"])
    CityProposal.objects.filter(case=case).update(summary='<p>Sammanfattning</p><img src="http://evil.example/a.png">')
    html = render_html(gather(case))
    for bad in (
        "passwd",
        "evil.example",
        "<img",
        '<link rel="stylesheet" href="http',
        "<script",
        "style=",
        '<a href="http',
    ):
        assert bad not in html, bad
    assert "Vi tycker till." in html and "Stil" in html and "länk" in html
    assert "&lt;b&gt;Fet&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;" in html  # plain text is escaped

    fetched: list[str] = []

    class Recording(StaticOnlyFetcher):
        def fetch(self, url, headers=None):
            fetched.append(url)
            return super().fetch(url, headers)

    monkeypatch.setattr("remiss.memo.render.StaticOnlyFetcher", Recording)
    rendered = render_pdf(html)
    assert fetched == [static_url(STYLESHEET)]
    assert rendered.pages >= 1


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://evil.example/x.css",
        "https://evil.example/x.css",
        "data:text/css,body{color:red}",
        "ftp://evil.example/x.css",
        "//evil.example/x.css",
        "/etc/passwd",
        "remiss-static:/etc/passwd",
        "remiss-static:remiss/../../settings.py",
        "remiss-static:remiss/%2e%2e/%2e%2e/settings.py",
        "remiss-static:admin/css/base.css",
        "remiss-static:remiss/missing.css",
        "remiss-static:remiss/memo.py",
        "REMISS-STATIC:../remiss/memo.css",
    ],
)
def test_fetcher_refuses_everything_but_the_apps_static_files(url: str) -> None:
    with pytest.raises(RefusedURL):
        StaticOnlyFetcher().fetch(url)


def test_fetcher_serves_the_memo_stylesheet() -> None:
    response = StaticOnlyFetcher().fetch(static_url(STYLESHEET))
    body = response.read()
    assert b"@page" in body and response.content_type == "text/css"


def test_render_stops_when_a_document_names_a_foreign_url() -> None:
    html = '<html lang="sv"><head><title>x</title></head><body><img src="file:///etc/passwd" alt="x"></body></html>'
    with pytest.raises(FatalURLFetchingError):
        render_pdf(html)


# --- The command --------------------------------------------------------------------------------


def test_compile_memo_command_writes_pdf_and_stores_memo(db, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    case = answered_case(2, statements_per_body=1)
    output = tmp_path / "memo.pdf"
    out = io.StringIO()
    call_command("compile_memo", case.reference, "--output", str(output), stdout=out)
    printed = out.getvalue()
    memo = Memo.objects.get(case=case)
    data = output.read_bytes()
    assert data.startswith(b"%PDF-1.7")
    assert hashlib.sha256(data).hexdigest() == memo.sha256
    assert f"sha256 {memo.sha256}" in printed
    assert f"{memo.pages} sidor" in printed
    assert "Samlar in" in printed and "Renderar" in printed and "Sparar" in printed
    with memo.pdf.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == memo.sha256

    call_command("compile_memo", case.reference, "--no-store", stdout=io.StringIO())
    assert Memo.objects.filter(case=case).count() == 1


def test_compile_memo_function_stores_nothing_when_rendering_fails(db, settings, tmp_path, monkeypatch) -> None:
    settings.MEDIA_ROOT = tmp_path
    case = answered_case(2, statements_per_body=1)

    def broken(html: str):
        raise RuntimeError("layout failed")

    monkeypatch.setattr("remiss.memo.store.render_pdf", broken)
    with pytest.raises(RuntimeError):
        compile_memo(case, None)
    assert not Memo.objects.filter(case=case).exists()
    assert not any(tmp_path.rglob("*.pdf"))


def test_unknown_reference_is_a_command_error(db) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("compile_memo", "SOU 1999:1", "--no-store", stdout=io.StringIO())


def test_store_memo_leaves_no_file_when_the_row_cannot_be_saved(db, settings, tmp_path, monkeypatch) -> None:
    settings.MEDIA_ROOT = tmp_path
    case = answered_case(2, statements_per_body=1)
    compiled = build_memo(case, hyphenate=False)

    def failing_save(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Memo, "save", failing_save)
    with pytest.raises(RuntimeError):
        store_memo(case, compiled, by=None)
    assert not any(tmp_path.rglob("*.pdf"))
