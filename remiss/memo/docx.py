"""Word out: the memo as an editable .docx with the PDF's structure, for ministries that ask for one.

Built with python-docx from the same `MemoData` that `remiss.memo.gather` prepares for the PDF,
so every sentence, attribution line and date is the one the PDF has; nothing is read again.
The parts follow memo.html: title block, Förslag till beslut, Sammanfattning av ärendet,
Beredning, Föredragande borgarrådets synpunkter with the signature, Bilaga with the city's
decisions and statements, Ärendet, Remissammanställningen with a list of its parts (each a link
to its heading), the position matrix when there is one, one section per body, Reservationer m.m.

Headings are Word's own heading styles (title 1, parts 2, bodies 3, …), so the navigation pane
and a screen reader see the outline; lists are real Word lists that restart at 1; the footer
numbers pages "N (M)" with PAGE and NUMPAGES fields; the core properties carry the title, the
city as author and the language sv-SE, which is also the text's proofing language. Word keeps
at most 255 characters in a core property, and a case title may have 300: a longer property is
cut with "…" there, and only there; the heading and the page header carry the whole title.

Every text the allowlist and the forms accept must export: `word_safe` (remiss.memo.docx_xml)
first drops what XML cannot hold from every string of the data. The paragraphs, lists and the
user texts' HTML are written by `remiss.memo.docx_writer`, the position matrix's table by
`remiss.memo.docx_matrix`; the XML python-docx does not reach (fields, bookmarks, links, list
definitions) is in `remiss.memo.docx_xml`.
"""

from __future__ import annotations

import io
from datetime import datetime

from django.utils import timezone
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from remiss.memo.docx_matrix import matrix_table
from remiss.memo.docx_writer import MemoWriter
from remiss.memo.docx_xml import add_field, core_property, word_safe
from remiss.memo.gather import RESERVATIONS_ANCHOR, RESERVATIONS_HEADING, BodySection, MemoData
from remiss.memo.names import file_stem
from remiss.positions import PositionMatrix

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LANGUAGE = "sv-SE"

# --- The document --------------------------------------------------------------------------------


def _setup(document: DocxDocument, data: MemoData, created: datetime) -> None:
    # Language: the proofing language of all text, and the document's own property.
    rpr_default = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr_default.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr_default.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)
    # Black headings, as in the city's memos (the template's are blue).
    for level in range(1, 7):
        style = document.styles[f"Heading {level}"]
        style.font.color.rgb = RGBColor(0, 0, 0)
    document.styles["Heading 1"].font.size = Pt(16)
    document.styles["Heading 2"].font.size = Pt(13)
    document.styles["Heading 3"].font.size = Pt(12)
    document.styles["Normal"].font.size = Pt(11)

    section = document.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(25), Mm(22)
    section.left_margin, section.right_margin = Mm(28), Mm(22)

    header = section.header.paragraphs[0]
    city = header.add_run(data.city)
    city.bold = True
    for line in (data.full_title, f"Dnr {data.city_dnr}"):
        run = header.add_run()
        run.add_break()
        run.text = line
    for run in header.runs:
        run.font.size = Pt(8)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    add_field(footer, "PAGE")
    footer.add_run(" (")
    add_field(footer, "NUMPAGES")
    footer.add_run(")")

    properties = document.core_properties
    properties.title = core_property(data.document_title)
    properties.author = core_property(data.city)
    properties.last_modified_by = core_property(data.city)
    properties.language = LANGUAGE
    properties.subject = core_property(f"Promemoria med remissammanställning: {data.full_title}")
    properties.keywords = core_property(", ".join(k for k in (data.reference, data.city_dnr, "remiss") if k))
    properties.comments = "Skapad av remiss"
    properties.category = "Remissvar"
    properties.created = created
    properties.modified = created
    properties.revision = 1


def _landscape_section(document: DocxDocument, landscape: bool) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    width, height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = width, height


def build_docx(data: MemoData, *, created: datetime | None = None) -> bytes:
    """The memo of `data` as .docx bytes."""
    data = word_safe(data)
    document = Document()
    _setup(document, data, created or timezone.now())
    writer = MemoWriter(document)
    _title_and_proposal(writer, data)
    _preparation(writer, data)
    _appendix(writer, data)
    writer.heading("Ärendet", 2, page_break=True)
    writer.html(data.background_html)
    toc_anchor = _compilation_start(writer, data)
    _matrix_part(writer, data.matrix)
    # A landscape matrix already ends its page (its section), so the first body needs no break.
    after_landscape = data.matrix is not None and data.matrix.landscape
    for index, body in enumerate(data.bodies):
        _body_part(writer, body, page_break=not (index == 0 and after_landscape))
    _reservations(writer, data)
    _fill_toc(writer, toc_anchor, data.toc)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- The parts, in the memo's order ----------------------------------------------------------------


def _title_and_proposal(writer: MemoWriter, data: MemoData) -> None:
    """Title block, Förslag till beslut and Sammanfattning av ärendet."""
    writer.heading(data.full_title, 1, anchor="titel")
    if data.sender_line:
        writer.paragraph(data.sender_line)
    writer.paragraph(data.deadline_line)

    writer.heading("Förslag till beslut", 2)
    writer.points(data.decision_points, data.decision_points_numbered)
    if data.commissioner_line:
        writer.paragraph(data.commissioner_line, italic=True)

    writer.heading("Sammanfattning av ärendet", 2)
    writer.html(data.summary_html)


def _preparation(writer: MemoWriter, data: MemoData) -> None:
    """Beredning, and Föredragande borgarrådets synpunkter with the signature."""
    writer.heading("Beredning", 2)
    if data.referred_to:
        writer.paragraph(data.referred_to)
    writer.paragraph("Borgarrådsberedningen föreslår att kommunstyrelsen beslutar följande.")
    writer.points(data.decision_points, data.decision_points_numbered)

    writer.heading("Föredragande borgarrådets synpunkter", 2)
    writer.html(data.views_html)
    if data.signed_line:
        writer.paragraph(data.signed_line).paragraph_format.space_before = Pt(12)
    if data.signed_name:
        writer.paragraph(data.signed_name).paragraph_format.space_before = Pt(18)


def _appendix(writer: MemoWriter, data: MemoData) -> None:
    """Bilaga: the city's decisions and their statements."""
    writer.heading("Bilaga", 2, page_break=True)
    writer.paragraph(f"{data.appendix_title}, dnr {data.city_dnr}", bold=True)
    for decision in data.city_decisions:
        if decision.show_heading:
            writer.heading(decision.name, 3, anchor=decision.anchor)
        writer.points(decision.points, decision.numbered)
        for statement in decision.statements:
            writer.statement(statement)


def _compilation_start(writer: MemoWriter, data: MemoData) -> Paragraph:
    """Remissammanställningen's heading and the empty paragraph its list of parts will replace."""
    writer.heading("Remissammanställningen", 2, page_break=True)
    if data.referred_to:
        writer.paragraph(data.referred_to)
    writer.heading("Innehållsförteckning", 3)
    # The list goes here once the headings (and their bookmarks) exist: see _fill_toc.
    return writer.document.add_paragraph()


def _matrix_part(writer: MemoWriter, matrix: PositionMatrix | None) -> None:
    """The position matrix, in a landscape section of its own when it is too wide for portrait."""
    if matrix is None:
        return
    if matrix.landscape:
        _landscape_section(writer.document, True)
    writer.heading(matrix.heading, 3, page_break=not matrix.landscape, anchor=matrix.anchor)
    matrix_table(writer, matrix)
    if matrix.landscape:
        _landscape_section(writer.document, False)


def _body_part(writer: MemoWriter, body: BodySection, *, page_break: bool) -> None:
    """One body's section: its notice or decline, its decision and statements, its opinion."""
    writer.heading(body.name, 3, page_break=page_break, anchor=body.anchor)
    if body.notice:
        writer.paragraph(body.notice, italic=True)
    if body.decline_reason:
        writer.paragraph(f"Motivering: {body.decline_reason}")
    if body.decision_intro:
        writer.paragraph(body.decision_intro)
        writer.points(body.points, body.numbered)
    for statement in body.statements:
        writer.paragraph(statement.line)
    if body.opinion_intro:
        writer.paragraph(body.opinion_intro)
        writer.html(body.opinion_html)
        writer.html(body.proposed_decision_html)


def _reservations(writer: MemoWriter, data: MemoData) -> None:
    """Reservationer m.m.: the statements with a text of their own, grouped by body."""
    writer.heading(RESERVATIONS_HEADING, 3, page_break=True, anchor=RESERVATIONS_ANCHOR)
    if not data.reservations:
        writer.paragraph("Inga reservationer, särskilda uttalanden eller ersättaryttranden med egen text har lämnats.")
        return
    for group in data.reservations:
        writer.heading(group.name, 4, anchor=group.anchor)
        for statement in group.statements:
            writer.paragraph(statement.attribution, bold=True).paragraph_format.keep_with_next = True
            writer.html(statement.text_html)


def _fill_toc(writer: MemoWriter, toc_anchor: Paragraph, entries: list[tuple[str, str]]) -> None:
    """The list of the compilation's parts in place of `toc_anchor`, now that every heading has its bookmark."""
    for paragraph in reversed(writer.link_list(entries)):
        toc_anchor._p.addnext(paragraph._p)
    toc_anchor._p.getparent().remove(toc_anchor._p)


def docx_filename(data: MemoData) -> str:
    """'Stockholms stad SOU 2022-67 remissvar.docx', named as in the answer package."""
    return f"{file_stem(data.city, data.reference)}.docx"
