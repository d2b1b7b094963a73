"""The position matrix (proposals × bodies) in the .docx, as the PDF shows it.

A Word table with a caption, the table's own title and description (what a screen reader
announces), a header row that repeats on every page and is marked as the table's header, then
the legend ("Teckenförklaring") and the bodies' comments as a numbered list. Grey-scale only:
the symbols and italics carry the meaning, never colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from remiss.memo.docx_writer import MemoWriter
from remiss.positions import MatrixCell, MatrixRow, PositionMatrix

_GREY = RGBColor(0x44, 0x44, 0x44)


def matrix_table(writer: MemoWriter, matrix: PositionMatrix) -> None:
    """The matrix's caption and table, then its legend and comments."""
    table = _table(writer, matrix)
    _header_row(table, matrix)
    for row, matrix_row in zip(table.rows[1:], matrix.rows, strict=True):
        _proposal_row(row.cells, matrix_row)
    _legend(writer, matrix)
    _comments(writer, matrix)


def _table(writer: MemoWriter, matrix: PositionMatrix) -> Table:
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
    return table


def _cell_text(
    cell: _Cell,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    center: bool = False,
    size: int = 9,
    grey: bool = False,
) -> Paragraph:
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


def _header_row(table: Table, matrix: PositionMatrix) -> None:
    head = table.rows[0]
    # The header row repeats on every page and is the table's header for assistive technology.
    head._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    _cell_text(head.cells[0], "Förslag eller bedömning", bold=True)
    for cell, body in zip(head.cells[1:], matrix.bodies, strict=True):
        _cell_text(cell, body, bold=True, center=True, size=8)


def _proposal_row(cells: Sequence[_Cell], row: MatrixRow) -> None:
    label = _cell_text(cells[0], row.label, bold=True)
    label.add_run().add_break()
    title = label.add_run(f"{row.title} ({row.section})" if row.section else row.title)
    title.font.size = Pt(9)
    for cell, matrix_cell in zip(cells[1:], row.cells, strict=True):
        _position_cell(cell, matrix_cell)


def _position_cell(cell: _Cell, matrix_cell: MatrixCell) -> None:
    """A stance's symbol (with its comment's number), or "avstår" or "saknas" in italics."""
    if matrix_cell.declined:
        _cell_text(cell, matrix_cell.label, italic=True, center=True, size=8)
    elif matrix_cell.missing:
        _cell_text(cell, matrix_cell.label, italic=True, center=True, size=7, grey=True)
    else:
        paragraph = _cell_text(cell, matrix_cell.symbol, bold=True, center=True, size=11)
        if matrix_cell.note:
            note = paragraph.add_run(str(matrix_cell.note))
            note.font.superscript = True
            note.font.size = Pt(8)


def _legend(writer: MemoWriter, matrix: PositionMatrix) -> None:
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


def _comments(writer: MemoWriter, matrix: PositionMatrix) -> None:
    if not matrix.notes:
        return
    writer.heading("Kommentarer", 4)
    num_id = writer.numbering.new_ordered()
    for note in matrix.notes:
        item = writer.list_item(num_id)
        item.add_run(f"{note.body}, {note.proposal.lower()}:").bold = True
        item.add_run(f" {note.text}")
