"""The .docx's XML below python-docx's reach, and what every text needs before it goes in.

Fields (PAGE, NUMPAGES), bookmarks and internal links, the multi-level list definitions, and the
cleaning of text: XML cannot hold most C0 control characters (a vertical tab pasted from Word,
say), which are invisible anyway, so `word_safe` drops them from every string of the memo data
before anything is written; and Word keeps at most 255 characters in a core property, so
`core_property` cuts a longer one with "…" (metadata only: the document keeps the whole text).
"""

from __future__ import annotations

import dataclasses
import re

from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.text.paragraph import Paragraph

# One list level's indent, in twentieths of a point (360 = 0.25 in ≈ 6.35 mm).
LIST_INDENT = 360
# Word's limit for a core property (title, subject, keywords …).
_CORE_PROPERTY_MAX = 255
# What XML 1.0 cannot hold: C0 controls but tab, line feed and carriage return; U+FFFE/U+FFFF;
# lone surrogates. lxml refuses them, so python-docx would raise on the first one.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def word_safe(value):
    """`value` (MemoData and everything in it) with `xml_text` applied to every string."""
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, tuple):
        return tuple(word_safe(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(
            value, **{f.name: word_safe(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        )
    return value


def core_property(text: str) -> str:
    """`text` within Word's 255 characters; cut with "…" when longer (metadata only)."""
    if len(text) <= _CORE_PROPERTY_MAX:
        return text
    return text[: _CORE_PROPERTY_MAX - 1].rstrip() + "…"


# --- Low-level helpers: fields, bookmarks, links, numbering ----------------------------------------


def add_field(paragraph: Paragraph, instruction: str, placeholder: str = "1") -> None:
    """A complex field (PAGE, NUMPAGES, …) with a placeholder result until Word lays out the page."""

    def run_with(child: BaseOxmlElement) -> None:
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


def add_bookmark(paragraph: Paragraph, name: str, bookmark_id: int) -> None:
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


def add_internal_link(paragraph: Paragraph, text: str, anchor: str) -> None:
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


class Numbering:
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
            ind.set(qn("w:left"), str(LIST_INDENT * (level + 1)))
            ind.set(qn("w:hanging"), str(LIST_INDENT))
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


def set_numbering(paragraph: Paragraph, num_id: int, level: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    numpr = OxmlElement("w:numPr")
    ilvl = OxmlElement("w:ilvl")
    ilvl.set(qn("w:val"), str(level))
    num = OxmlElement("w:numId")
    num.set(qn("w:val"), str(num_id))
    numpr.append(ilvl)
    numpr.append(num)
    ppr.append(numpr)
