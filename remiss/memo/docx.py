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
city as author and the language sv-SE, which is also the text's proofing language.

The sanitised HTML of the user texts (p, h3–h6, ul, ol, li, strong, em, br) becomes paragraphs
and runs through `HtmlToDocx`, a small html.parser converter; anything else is read as text.
"""
from __future__ import annotations

import io
import re
from datetime import datetime
from html.parser import HTMLParser

from django.utils import timezone
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from remiss.memo.gather import RESERVATIONS_ANCHOR, RESERVATIONS_HEADING, MemoData, Point, StatementView
from remiss.positions import PositionMatrix

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LANGUAGE = "sv-SE"
# One list level's indent, in twentieths of a point (360 = 0.25 in ≈ 6.35 mm).
_LIST_INDENT = 360
_GREY = RGBColor(0x44, 0x44, 0x44)


# --- Low-level helpers: fields, bookmarks, links, numbering ----------------------------------------


def _field(paragraph: Paragraph, instruction: str, placeholder: str = "1") -> None:
    """A complex field (PAGE, NUMPAGES, …) with a placeholder result until Word lays out the page."""
    def run_with(child: OxmlElement) -> None:
        run = OxmlElement("w:r")
        run.append(child)
        paragraph._p.append(run)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    result = OxmlElement("w:t")
    result.text = placeholder
    run_with(result)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _bookmark(paragraph: Paragraph, name: str, bookmark_id: int) -> None:
    """Wrap the paragraph's content in a bookmark, so links in the list of parts can point at it."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(bookmark_id))
    p = paragraph._p
    ppr = p.find(qn("w:pPr"))
    (ppr.addnext(start) if ppr is not None else p.insert(0, start))
    p.append(end)


def _internal_link(paragraph: Paragraph, text: str, anchor: str) -> None:
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    rpr.append(underline)
    run.append(rpr)
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


class _Numbering:
    """Two multi-level list definitions (decimal and bullet) and a fresh numbering per ordered list."""

    def __init__(self, document: DocxDocument):
        self.numbering = document.part.numbering_part.element
        abstract_ids = [int(a.get(qn("w:abstractNumId"))) for a in self.numbering.findall(qn("w:abstractNum"))]
        num_ids = [int(n.get(qn("w:numId"))) for n in self.numbering.findall(qn("w:num"))]
        self._next_abstract = max(abstract_ids, default=0) + 1
        self._next_num = max(num_ids, default=0) + 1
        self.decimal_abstract = self._abstract("decimal")
        self.bullet_abstract = self._abstract("bullet")
        self.bullets = self._num(self.bullet_abstract)

    def _abstract(self, kind: str) -> int:
        abstract_id = self._next_abstract
        self._next_abstract += 1
        abstract = OxmlElement("w:abstractNum")
        abstract.set(qn("w:abstractNumId"), str(abstract_id))
        multi = OxmlElement("w:multiLevelType")
        multi.set(qn("w:val"), "hybridMultilevel")
        abstract.append(multi)
        bullets = ("\u2022", "\u2013", "\u25aa")
        formats = ("decimal", "lowerLetter", "lowerRoman")
        for level in range(9):
            lvl = OxmlElement("w:lvl")
            lvl.set(qn("w:ilvl"), str(level))
            for tag, value in (
                ("w:start", "1"),
                ("w:numFmt", "bullet" if kind == "bullet" else formats[level % 3]),
                ("w:lvlText", bullets[level % 3] if kind == "bullet" else f"%{level + 1}."),
                ("w:lvlJc", "left"),
            ):
                element = OxmlElement(tag)
                element.set(qn("w:val"), value)
                lvl.append(element)
            ppr = OxmlElement("w:pPr")
            ind = OxmlElement("w:ind")
            ind.set(qn("w:left"), str(_LIST_INDENT * (level + 1)))
            ind.set(qn("w:hanging"), str(_LIST_INDENT))
            ppr.append(ind)
            lvl.append(ppr)
            abstract.append(lvl)
        # Every abstractNum precedes every num in numbering.xml.
        first_num = self.numbering.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            self.numbering.append(abstract)
        return abstract_id

    def _num(self, abstract_id: int, *, restart: bool = False) -> int:
        num_id = self._next_num
        self._next_num += 1
        num = OxmlElement("w:num")
        num.set(qn("w:numId"), str(num_id))
        ref = OxmlElement("w:abstractNumId")
        ref.set(qn("w:val"), str(abstract_id))
        num.append(ref)
        if restart:
            for level in range(9):
                override = OxmlElement("w:lvlOverride")
                override.set(qn("w:ilvl"), str(level))
                start = OxmlElement("w:startOverride")
                start.set(qn("w:val"), "1")
                override.append(start)
                num.append(override)
        self.numbering.append(num)
        return num_id

    def new_ordered(self) -> int:
        """A numbering that starts at 1, for one ordered list."""
        return self._num(self.decimal_abstract, restart=True)


def _set_numbering(paragraph: Paragraph, num_id: int, level: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    numpr = OxmlElement("w:numPr")
    ilvl = OxmlElement("w:ilvl")
    ilvl.set(qn("w:val"), str(level))
    num = OxmlElement("w:numId")
    num.set(qn("w:val"), str(num_id))
    numpr.append(ilvl)
    numpr.append(num)
    ppr.append(numpr)


# --- The writer ----------------------------------------------------------------------------------


class MemoWriter:
    """Paragraph-level building blocks on one python-docx Document."""

    def __init__(self, document: DocxDocument):
        self.document = document
        self.numbering = _Numbering(document)
        self._bookmark_id = 0
        self.bookmarks: dict[str, str] = {}  # memo anchor → Word bookmark name

    # Paragraphs

    def heading(self, text: str, level: int, *, page_break: bool = False, anchor: str | None = None) -> Paragraph:
        paragraph = self.document.add_heading(text, level=min(max(level, 1), 9))
        paragraph.paragraph_format.keep_with_next = True
        if page_break:
            paragraph.paragraph_format.page_break_before = True
        if anchor:
            self._bookmark_id += 1
            name = f"avsnitt_{self._bookmark_id}"
            self.bookmarks[anchor] = name
            _bookmark(paragraph, name, self._bookmark_id)
        return paragraph

    def paragraph(self, text: str = "", *, bold: bool = False, italic: bool = False, indent: int = 0) -> Paragraph:
        paragraph = self.document.add_paragraph()
        if text:
            run = paragraph.add_run(text)
            run.bold = bold or None
            run.italic = italic or None
        if indent:
            paragraph.paragraph_format.left_indent = Pt(indent * _LIST_INDENT / 20)
        return paragraph

    def list_item(self, num_id: int, level: int = 0) -> Paragraph:
        paragraph = self.document.add_paragraph(style="List Paragraph")
        _set_numbering(paragraph, num_id, level)
        return paragraph

    def html(self, fragment: str, *, indent: int = 0) -> None:
        """A sanitised rich-text fragment, as paragraphs, headings and lists."""
        if fragment and fragment.strip():
            HtmlToDocx(self, indent=indent).convert(fragment)

    def points(self, points: tuple[Point, ...], numbered: bool) -> None:
        """Decision points: a numbered list when there are several, a plain paragraph when one."""
        num_id = self.numbering.new_ordered() if numbered else None
        for point in points:
            if num_id is not None:
                self.list_item(num_id).add_run(point.text)
                self.html(point.added_html, indent=1)
            else:
                self.paragraph(point.text)
                self.html(point.added_html, indent=1)

    def statement(self, statement: StatementView) -> None:
        self.paragraph(statement.line)
        self.html(statement.text_html)

    def link_list(self, entries: list[tuple[str, str]]) -> list[Paragraph]:
        """One paragraph per (label, memo anchor), a link to the heading with that anchor."""
        paragraphs = []
        for label, anchor in entries:
            paragraph = self.document.add_paragraph()
            paragraphs.append(paragraph)
            paragraph.paragraph_format.space_after = Pt(3)
            bookmark = self.bookmarks.get(anchor)
            if bookmark:
                _internal_link(paragraph, label, bookmark)
            else:
                paragraph.add_run(label)
        return paragraphs


class HtmlToDocx(HTMLParser):
    """The allowlisted rich text (p, h3–h6, ul, ol, li, strong, em, br) as Word paragraphs and runs."""

    _HEADING = re.compile(r"^h([1-6])$")

    def __init__(self, writer: MemoWriter, *, indent: int = 0):
        super().__init__(convert_charrefs=True)
        self.writer = writer
        self.indent = indent
        self.bold = 0
        self.italic = 0
        self.heading_level: int | None = None
        self.lists: list[int] = []  # numbering ids of the open lists, outermost first
        self.item_started: list[bool] = []  # per open <li>: has its first (numbered) paragraph
        self.paragraph: Paragraph | None = None

    def convert(self, fragment: str) -> None:
        self.feed(fragment)
        self.close()
        self._end_paragraph()

    # Blocks

    def _end_paragraph(self) -> None:
        if self.paragraph is not None and self.paragraph.runs:
            last = self.paragraph.runs[-1]
            if last.text.endswith(" "):
                last.text = last.text.rstrip(" ")
        self.paragraph = None

    def _start_paragraph(self) -> Paragraph:
        writer = self.writer
        if self.heading_level is not None:
            # The memo's own headings are 1–3 and user texts' start at 3 (h3 = a subheading).
            paragraph = writer.document.add_heading(level=self.heading_level)
            paragraph.paragraph_format.keep_with_next = True
        elif self.item_started and not self.item_started[-1]:
            paragraph = writer.list_item(self.lists[-1], level=len(self.lists) - 1)
            self.item_started[-1] = True
        elif self.lists:
            # A second paragraph in a list item: indented like the item's text, no marker.
            paragraph = writer.paragraph(indent=self.indent + len(self.lists))
        else:
            paragraph = writer.paragraph(indent=self.indent)
        if self.indent and (self.heading_level is not None or self.lists):
            paragraph.paragraph_format.left_indent = Pt((self.indent + len(self.lists)) * _LIST_INDENT / 20)
        self.paragraph = paragraph
        return paragraph

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        heading = self._HEADING.match(tag)
        if tag == "p":
            self._end_paragraph()
        elif heading:
            self._end_paragraph()
            self.heading_level = max(int(heading.group(1)), 3)
        elif tag in ("ul", "ol"):
            self._end_paragraph()
            self.lists.append(self.writer.numbering.new_ordered() if tag == "ol" else self.writer.numbering.bullets)
        elif tag == "li":
            self._end_paragraph()
            self.item_started.append(False)
        elif tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag == "br":
            if self.paragraph is None:
                self._start_paragraph()
            assert self.paragraph is not None
            self.paragraph.add_run().add_break()

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self._end_paragraph()
        elif self._HEADING.match(tag):
            self._end_paragraph()
            self.heading_level = None
        elif tag == "li":
            self._end_paragraph()
            if self.item_started:
                self.item_started.pop()
        elif tag in ("ul", "ol"):
            self._end_paragraph()
            if self.lists:
                self.lists.pop()
        elif tag in ("strong", "b"):
            self.bold = max(self.bold - 1, 0)
        elif tag in ("em", "i"):
            self.italic = max(self.italic - 1, 0)

    def handle_data(self, data: str) -> None:
        text = re.sub(r"\s+", " ", data)
        if self.paragraph is None:
            text = text.lstrip()
            if not text:
                return
            self._start_paragraph()
        assert self.paragraph is not None
        so_far = self.paragraph.text
        if not so_far or so_far.endswith((" ", "\n")):
            text = text.lstrip()  # collapse whitespace across runs and after a line break
        if not text:
            return
        run = self.paragraph.add_run(text)
        if self.bold:
            run.bold = True
        if self.italic:
            run.italic = True


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
    _field(footer, "PAGE")
    footer.add_run(" (")
    _field(footer, "NUMPAGES")
    footer.add_run(")")

    properties = document.core_properties
    properties.title = data.document_title
    properties.author = data.city
    properties.last_modified_by = data.city
    properties.language = LANGUAGE
    properties.subject = f"Promemoria med remissammanställning: {data.full_title}"
    properties.keywords = ", ".join(k for k in (data.reference, data.city_dnr, "remiss") if k)
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

    def cell_text(cell, text: str, *, bold: bool = False, italic: bool = False, center: bool = False, size: int = 9, grey: bool = False):
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
            if cell.missing:
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
    """'Stockholms stad SOU 2022-67 remissvar.docx': see remiss.memo.package.file_stem."""
    from remiss.memo.package import file_stem

    return f"{file_stem(data.city, data.reference)}.docx"
