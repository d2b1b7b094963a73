"""The memo's Word paragraphs: `MemoWriter`'s building blocks and `HtmlToDocx` for the user texts.

The sanitised HTML of the user texts (p, h3–h6, ul, ol, li, strong, em, br) becomes paragraphs
and runs through `HtmlToDocx`, a small html.parser converter; anything else is read as text. A
<li> without its list (the allowlist keeps one) becomes a bulleted item, as a browser and the
PDF show it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from docx.document import Document as DocxDocument
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from remiss.memo.docx_xml import LIST_INDENT, Numbering, add_bookmark, add_internal_link, set_numbering, xml_text
from remiss.memo.gather import Point, StatementView

# --- The writer ----------------------------------------------------------------------------------


class MemoWriter:
    """Paragraph-level building blocks on one python-docx Document."""

    def __init__(self, document: DocxDocument):
        self.document = document
        self.numbering = Numbering(document)
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
            add_bookmark(paragraph, name, self._bookmark_id)
        return paragraph

    def paragraph(self, text: str = "", *, bold: bool = False, italic: bool = False, indent: int = 0) -> Paragraph:
        paragraph = self.document.add_paragraph()
        if text:
            run = paragraph.add_run(text)
            run.bold = bold or None
            run.italic = italic or None
        if indent:
            paragraph.paragraph_format.left_indent = Pt(indent * LIST_INDENT / 20)
        return paragraph

    def list_item(self, num_id: int, level: int = 0) -> Paragraph:
        paragraph = self.document.add_paragraph(style="List Paragraph")
        set_numbering(paragraph, num_id, level)
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
                add_internal_link(paragraph, label, bookmark)
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
            # A <li> outside any list (the allowlist keeps one) is a bulleted item, as in the PDF.
            num_id = self.lists[-1] if self.lists else writer.numbering.bullets
            paragraph = writer.list_item(num_id, level=min(max(len(self.lists) - 1, 0), 8))
            self.item_started[-1] = True
        elif self.lists:
            # A second paragraph in a list item: indented like the item's text, no marker.
            paragraph = writer.paragraph(indent=self.indent + len(self.lists))
        else:
            paragraph = writer.paragraph(indent=self.indent)
        if self.indent and (self.heading_level is not None or self.lists):
            paragraph.paragraph_format.left_indent = Pt((self.indent + len(self.lists)) * LIST_INDENT / 20)
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
        # Again here, not only in word_safe: a character reference (&#1;) becomes the character only now.
        text = re.sub(r"\s+", " ", xml_text(data))
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
