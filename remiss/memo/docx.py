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
user texts' HTML are written by `remiss.memo.docx_writer`; the XML python-docx does not reach
(fields, bookmarks, links, list definitions) is in `remiss.memo.docx_xml`.
"""

from __future__ import annotations

import io
from datetime import datetime

from django.utils import timezone
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from remiss.memo.docx_writer import MemoWriter
from remiss.memo.docx_xml import add_field, core_property, word_safe
from remiss.memo.gather import RESERVATIONS_ANCHOR, RESERVATIONS_HEADING, MemoData
from remiss.memo.names import file_stem
from remiss.positions import PositionMatrix

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LANGUAGE = "sv-SE"
_GREY = RGBColor(0x44, 0x44, 0x44)

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


def _matrix_table(writer: MemoWriter, matrix: PositionMatrix) -> None:
    document = writer.document
    caption = document.add_paragraph(matrix.caption, style="Caption")
    caption.paragraph_format.keep_with_next = True
    table = document.add_table(rows=1 + len(matrix.rows), cols=1 + len(matrix.bodies))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    tblpr = table._tbl.tblPr
    for tag, value in (("w:tblCaption", matrix.heading), ("w:tblDescription", matrix.caption)):
        element = OxmlElement(tag)
        element.set(qn("w:val"), value)
        tblpr.append(element)

    def cell_text(
        cell,
        text: str,
        *,
        bold: bool = False,
        italic: bool = False,
        center: bool = False,
        size: int = 9,
        grey: bool = False,
    ):
        paragraph = cell.paragraphs[0]
        paragraph.paragraph_format.space_after = Pt(0)
        if center:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold = bold or None
        run.italic = italic or None
        run.font.size = Pt(size)
        if grey:
            run.font.color.rgb = _GREY
        return paragraph

    head = table.rows[0]
    # The header row repeats on every page and is the table's header for assistive technology.
    trpr = head._tr.get_or_add_trPr()
    header_flag = OxmlElement("w:tblHeader")
    trpr.append(header_flag)
    cell_text(head.cells[0], "Förslag eller bedömning", bold=True)
    for column, body in enumerate(matrix.bodies, start=1):
        cell_text(head.cells[column], body, bold=True, center=True, size=8)
    for index, row in enumerate(matrix.rows, start=1):
        cells = table.rows[index].cells
        label = cell_text(cells[0], row.label, bold=True)
        label.add_run().add_break()
        title = label.add_run(f"{row.title} ({row.section})" if row.section else row.title)
        title.font.size = Pt(9)
        for column, cell in enumerate(row.cells, start=1):
            if cell.declined:
                cell_text(cells[column], cell.label, italic=True, center=True, size=8)
            elif cell.missing:
                cell_text(cells[column], cell.label, italic=True, center=True, size=7, grey=True)
            else:
                paragraph = cell_text(cells[column], cell.symbol, bold=True, center=True, size=11)
                if cell.note:
                    note = paragraph.add_run(str(cell.note))
                    note.font.superscript = True
                    note.font.size = Pt(8)

    writer.heading("Teckenförklaring", 4)
    for entry in matrix.legend:
        paragraph = writer.paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.add_run(entry.symbol).bold = True
        paragraph.add_run(f"\t{entry.label}")
    if matrix.declined_explanation:
        paragraph = writer.paragraph("avstår", italic=True)
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.add_run(f"\t{matrix.declined_explanation}").italic = False
    paragraph = writer.paragraph("saknas", italic=True)
    paragraph.add_run(f"\t{matrix.missing_explanation}").italic = False
    if matrix.notes:
        writer.heading("Kommentarer", 4)
        num_id = writer.numbering.new_ordered()
        for note in matrix.notes:
            item = writer.list_item(num_id)
            item.add_run(f"{note.body}, {note.proposal.lower()}:").bold = True
            item.add_run(f" {note.text}")


def _landscape_section(document: DocxDocument, landscape: bool) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    width, height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = width, height


def build_docx(data: MemoData, *, created: datetime | None = None) -> bytes:
    """The memo of `data` as .docx bytes."""
    created = created or timezone.now()
    data = word_safe(data)
    document = Document()
    _setup(document, data, created)
    w = MemoWriter(document)

    # Title block
    w.heading(data.full_title, 1, anchor="titel")
    if data.sender_line:
        w.paragraph(data.sender_line)
    w.paragraph(data.deadline_line)

    w.heading("Förslag till beslut", 2)
    w.points(data.decision_points, data.decision_points_numbered)
    if data.commissioner_line:
        w.paragraph(data.commissioner_line, italic=True)

    w.heading("Sammanfattning av ärendet", 2)
    w.html(data.summary_html)

    w.heading("Beredning", 2)
    if data.referred_to:
        w.paragraph(data.referred_to)
    w.paragraph("Borgarrådsberedningen föreslår att kommunstyrelsen beslutar följande.")
    w.points(data.decision_points, data.decision_points_numbered)

    w.heading("Föredragande borgarrådets synpunkter", 2)
    w.html(data.views_html)
    if data.signed_line:
        w.paragraph(data.signed_line).paragraph_format.space_before = Pt(12)
    if data.signed_name:
        w.paragraph(data.signed_name).paragraph_format.space_before = Pt(18)

    w.heading("Bilaga", 2, page_break=True)
    w.paragraph(f"{data.appendix_title}, dnr {data.city_dnr}", bold=True)
    for decision in data.city_decisions:
        if decision.show_heading:
            w.heading(decision.name, 3, anchor=decision.anchor)
        w.points(decision.points, decision.numbered)
        for statement in decision.statements:
            w.statement(statement)

    w.heading("Ärendet", 2, page_break=True)
    w.html(data.background_html)

    w.heading("Remissammanställningen", 2, page_break=True)
    if data.referred_to:
        w.paragraph(data.referred_to)
    w.heading("Innehållsförteckning", 3)
    toc_anchor = document.add_paragraph()  # the list goes here once the headings (and bookmarks) exist

    if data.matrix is not None:
        if data.matrix.landscape:
            _landscape_section(document, True)
        w.heading(data.matrix.heading, 3, page_break=not data.matrix.landscape, anchor=data.matrix.anchor)
        _matrix_table(w, data.matrix)
        if data.matrix.landscape:
            _landscape_section(document, False)

    for index, body in enumerate(data.bodies):
        landscape_break = index == 0 and data.matrix is not None and data.matrix.landscape
        w.heading(body.name, 3, page_break=not landscape_break, anchor=body.anchor)
        if body.notice:
            w.paragraph(body.notice, italic=True)
        if body.decline_reason:
            w.paragraph(f"Motivering: {body.decline_reason}")
        if body.decision_intro:
            w.paragraph(body.decision_intro)
            w.points(body.points, body.numbered)
        for statement in body.statements:
            w.paragraph(statement.line)
        if body.opinion_intro:
            w.paragraph(body.opinion_intro)
            w.html(body.opinion_html)
            w.html(body.proposed_decision_html)

    w.heading(RESERVATIONS_HEADING, 3, page_break=True, anchor=RESERVATIONS_ANCHOR)
    if data.reservations:
        for group in data.reservations:
            w.heading(group.name, 4, anchor=group.anchor)
            for statement in group.statements:
                w.paragraph(statement.attribution, bold=True).paragraph_format.keep_with_next = True
                w.html(statement.text_html)
    else:
        w.paragraph("Inga reservationer, särskilda uttalanden eller ersättaryttranden med egen text har lämnats.")

    # The list of the compilation's parts, now that every heading has its bookmark.
    for paragraph in reversed(w.link_list(data.toc)):
        toc_anchor._p.addnext(paragraph._p)
    toc_anchor._p.getparent().remove(toc_anchor._p)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_filename(data: MemoData) -> str:
    """'Stockholms stad SOU 2022-67 remissvar.docx', named as in the answer package."""
    return f"{file_stem(data.city, data.reference)}.docx"
