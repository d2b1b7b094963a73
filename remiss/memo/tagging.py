"""Repairs to the structure tree WeasyPrint 70 writes for a PDF/UA-1 file, done with pikepdf.

WeasyPrint tags what it draws, but three things in its tree break PDF/UA-1 (issue 12):

1. Margin boxes (our running header and "N (M)" page number) get MCIDs and struct elements that
   are never linked into the tree (weasyprint/pdf/tags.py says an Artifact in the tree needs
   PDF 2.0). The elements name /Document as parent while /Document does not list them, and the
   ParentTree maps the MCIDs to them: a reader walking the content reads the header on every
   page, one walking the tree skips it. `_margin_content_as_artifacts` re-marks that content as
   /Artifact (pagination) and drops the elements and their ParentTree entries.
2. List items: a block inside an <li> (our `div.added` under a decision point) becomes a Div
   beside Lbl and LBody, and the part of an <li> that runs onto the next page becomes a second LI
   holding only that Div. `_reshape_list_items` moves such kids into the LBody and joins the
   continued part to the item it continues.
3. TH cells carry no /Scope. `_scope_table_headers` gives each the scope WeasyPrint already used
   for the cells' /Headers (from the HTML scope attribute): /Row if a TD of its row names it.

The XMP metadata (PDF/UA identification) and everything else in the file are left as they are.
"""

from __future__ import annotations

import io
import logging
import re
from itertools import pairwise

import pikepdf

logger = logging.getLogger(__name__)

Element = pikepdf.Dictionary
LIST_ITEM_PARTS = ("/Lbl", "/LBody")


def repair_structure(pdf: bytes) -> bytes:
    """`pdf` (WeasyPrint's tagged output) with the three repairs above."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        root = _dictionary(document.Root.StructTreeRoot)
        elements = list(_walk(root))
        _margin_content_as_artifacts(document, root, {element.objgen for element in elements})
        _reshape_list_items(document, _struct_kids(root)[0], [e for e in elements if e.S == "/LI"])
        _scope_table_headers([e for e in elements if e.S == "/TR"])
        out = io.BytesIO()
        # Unreferenced objects (the margin boxes' elements) are not written.
        document.save(out, deterministic_id=True, fix_metadata_version=False)
        return out.getvalue()


def _dictionary(value: pikepdf.Object) -> Element:
    """`value`, which the structure tree has as a dictionary there (the root, an element's /P)."""
    if not isinstance(value, pikepdf.Dictionary):
        raise TypeError(f"Memo PDF: a dictionary expected in the structure tree, not {type(value).__name__}")
    return value


def _kids(element: Element) -> list:
    kids = element.get("/K")
    return [] if kids is None else list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _struct_kids(element: Element) -> list[Element]:
    return [kid for kid in _kids(element) if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]


def _walk(element: Element):
    """The struct elements below `element`, in document order."""
    for kid in _struct_kids(element):
        yield kid
        yield from _walk(kid)


# --- 1. Margin boxes ---------------------------------------------------------------------------


def _margin_content_as_artifacts(document: pikepdf.Pdf, root: Element, in_tree: set) -> None:
    nums = root.ParentTree.Nums
    page_arrays = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2) if isinstance(nums[i + 1], pikepdf.Array)}
    for page in document.pages:
        parents = page_arrays.get(int(page.obj.get("/StructParents", -1)))
        if parents is None:
            continue
        kept = [mcid for mcid, parent in enumerate(parents) if parent.objgen in in_tree]
        if len(kept) == len(parents):
            continue
        renumber = {old: new for new, old in enumerate(kept)}
        if not _rewrite_marked_content(page, renumber, len(parents)):
            logger.warning(
                "Memo PDF page %d: tagged content not where expected; page left as WeasyPrint tagged it.",
                page.index + 1,
            )
            continue
        moved = {parents[old].objgen: parents[old] for old, new in renumber.items() if old != new}
        _renumber_kids(moved.values(), renumber)
        parents[:] = [parents[old] for old in kept]


# WeasyPrint (pydyf) opens each tagged sequence as "/Span\n<</MCID 3>>\nBDC" and writes every
# string in a content stream in hex (<0041>), so this cannot match inside text. Matching the bytes
# is some ten times faster than pikepdf.parse_content_stream and unparse_content_stream.
MARKED_CONTENT = re.compile(rb"/(\w+)\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")


def _rewrite_marked_content(page: pikepdf.Page, renumber: dict[int, int], expected: int) -> bool:
    """Sequences whose MCID is not in `renumber` become pagination artifacts; the rest renumbered.

    False, and the page unchanged, unless the page's content stream holds all `expected` tagged
    sequences: WeasyPrint draws an element with opacity into a separate form XObject, and a
    WeasyPrint that writes marked content differently would not match. The memo then still
    compiles, tagged as before on that page, and test_memo_pdfua fails.
    """
    found = 0

    def replace(match: re.Match[bytes]) -> bytes:
        nonlocal found
        found += 1
        mcid = int(match.group(2))
        if mcid not in renumber:
            return b"/Artifact <</Type /Pagination>> BDC"
        return b"/%s <</MCID %d>> BDC" % (match.group(1), renumber[mcid])

    contents = page.obj.Contents
    if not isinstance(contents, pikepdf.Stream):
        return False
    data = MARKED_CONTENT.sub(replace, contents.read_bytes())
    if found != expected:
        return False
    contents.write(data)
    return True


def _renumber_kids(elements, renumber: dict[int, int]) -> None:
    for element in elements:
        kids = [renumber.get(int(kid), int(kid)) if isinstance(kid, int) else kid for kid in _kids(element)]
        element.K = pikepdf.Array(kids)


# --- 2. List items -------------------------------------------------------------------------------


def _reshape_list_items(document: pikepdf.Pdf, document_element: Element, items: list[Element]) -> None:
    for item in items:
        _wrap_in_body(document, item)
    for first, rest in _continued_items(document_element):
        _join(first, rest)


def _new_element(document: pikepdf.Pdf, kind: str, parent: Element, page) -> Element:
    element = pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name(kind), P=parent, K=pikepdf.Array())
    if page is not None:
        element.Pg = page
    return document.make_indirect(element)


def _wrap_in_body(document: pikepdf.Pdf, item: Element) -> None:
    """Kids of an LI other than Lbl and LBody go into the LBody before them (or a new one)."""
    kids, body = [], None
    for kid in _kids(item):
        kind = kid.get("/S") if isinstance(kid, pikepdf.Dictionary) else None
        if kind in LIST_ITEM_PARTS or kind is None:
            kids.append(kid)
            body = kid if kind == "/LBody" else None
            continue
        if body is None:
            body = _new_element(document, "/LBody", item, kid.get("/Pg"))
            kids.append(body)
        body.K.append(kid)
        kid.P = body
    item.K = pikepdf.Array(kids)


def _spine(element: Element, *, first: bool) -> list[Element]:
    """From `element` down through its first (or last) struct kid at each level."""
    chain = [element]
    while kids := _struct_kids(chain[-1]):
        chain.append(kids[0] if first else kids[-1])
    return chain


def _page_of(element: Element):
    page = element.get("/Pg")
    return None if page is None else page.objgen


def _continued_items(document_element: Element):
    """(item, rest of it) for each list item broken across pages.

    WeasyPrint builds the tree page by page, so the part of an <li> on the next page is the first
    thing on that page (down the first kids of the top-level element that starts the page), and
    the item it continues is the last thing on the page before (down the last kids), at the same
    depth under the same kinds of element. Only the first part of an item has a Lbl. Only the
    outermost item of a break is joined; a nested item broken at the same place stays two items.
    """
    top = _struct_kids(document_element)
    for before, after in pairwise(top):
        if _page_of(before) == _page_of(after):
            continue  # not the first element of its page
        starts, ends = _spine(after, first=True), _spine(before, first=False)
        for start, end in zip(starts, ends, strict=False):  # down to the shallower of the two
            if start.S != end.S:
                break
            if start.S == "/LI":
                if not any(kid.S == "/Lbl" for kid in _struct_kids(start)):
                    yield end, start
                break


def _join(first: Element, rest: Element) -> None:
    """Move the LBody contents of `rest` into the last LBody of `first`, and drop `rest`."""
    bodies = [kid for kid in _struct_kids(first) if kid.S == "/LBody"]
    if not bodies:
        return
    for part in _struct_kids(rest):
        for kid in _kids(part) if part.S == "/LBody" else [part]:
            bodies[-1].K.append(kid)
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                kid.P = bodies[-1]
    _remove(rest)


def _remove(element: Element) -> None:
    """Take `element` out of its parent; a parent left empty goes too."""
    parent = _dictionary(element.P)
    parent.K = pikepdf.Array(
        [kid for kid in _kids(parent) if not (isinstance(kid, pikepdf.Dictionary) and kid.objgen == element.objgen)]
    )
    if not _kids(parent) and parent.get("/S") not in (None, "/Document"):
        _remove(parent)


# --- 3. Table headers -----------------------------------------------------------------------------


def _scope_table_headers(rows: list[Element]) -> None:
    for row in rows:
        cells = _struct_kids(row)
        named = {header for cell in cells if cell.S == "/TD" for header in _headers(cell)}
        for cell in cells:
            if cell.S == "/TH":
                attributes = cell.get("/A") or pikepdf.Dictionary(O=pikepdf.Name.Table)
                attributes.Scope = pikepdf.Name.Row if str(cell.get("/ID", "")) in named else pikepdf.Name.Column
                cell.A = attributes


def _headers(cell: Element) -> set[str]:
    """The IDs in a cell's /Headers attribute (WeasyPrint writes an array in the cell's /A)."""
    attributes = cell.get("/A")
    headers = attributes.get("/Headers") if isinstance(attributes, pikepdf.Dictionary) else None
    return {str(header) for header in headers} if isinstance(headers, pikepdf.Array) else set()
