"""The memo PDF's structure tree (PDF/UA-1), walked with pikepdf: nothing on a page outside the tree,
no orphan elements, running header and page numbers as artifacts, list items and table headers
tagged as PDF/UA wants them.

Text is read per marked-content sequence: WeasyPrint's fonts are Type0/Identity-H with a
ToUnicode CMap of two-byte `bfchar` entries, which `_font_maps` reads.
"""

from __future__ import annotations

import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

import pikepdf
import pytest

from remiss import workflow
from remiss.memo import gather, render_html, render_pdf
from remiss.memo.render import STYLESHEET, static_url
from remiss.memo.store import build_memo
from remiss.models import Case, Position
from remiss.workflow import ReferralSpec
from tests.factories import BodyFactory, CaseFactory, OfficeFactory
from tests.test_memo import DEMO_REFERENCE
from tests.test_positions import _answer, _proposals

TEXT_OPERATORS = {"Tj", "TJ", "'", '"'}
_BFCHAR = re.compile(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]+)>")


def _font_maps(page: pikepdf.Page) -> dict[str, dict[bytes, str]]:
    maps: dict[str, dict[bytes, str]] = {}
    fonts = page.Resources.get("/Font") or {}
    for name, font in fonts.items():
        cmap = font.get("/ToUnicode")
        pairs = _BFCHAR.findall(cmap.read_bytes()) if cmap is not None else []
        maps[str(name)] = {
            bytes.fromhex(code.decode()): bytes.fromhex(text.decode()).decode("utf-16-be") for code, text in pairs
        }
    return maps


def _decode(operands, mapping: dict[bytes, str]) -> str:
    strings = (
        [operands[-1]]
        if not isinstance(operands[-1], pikepdf.Array)
        else [s for s in operands[-1] if isinstance(s, pikepdf.String)]
    )
    out = []
    for string in strings:
        raw = bytes(string)
        out.extend(mapping.get(raw[i : i + 2], "\ufffd") for i in range(0, len(raw), 2))
    return "".join(out)


@dataclass
class PageContent:
    """One page's content stream, read as marked-content sequences."""

    mcid_text: dict[int, str] = field(default_factory=lambda: defaultdict(str))
    mcid_count: Counter = field(default_factory=Counter)
    artifact_text: str = ""
    untagged_text: str = ""  # drawn outside any MCID or Artifact sequence
    untagged_sequences: list[str] = field(default_factory=list)  # BDC/BMC neither MCID nor Artifact

    def open(self, tag: str, mcid: int | None) -> None:
        if mcid is not None:
            self.mcid_count[mcid] += 1
        elif tag != "/Artifact":
            self.untagged_sequences.append(tag)

    def add_text(self, text: str, stack: list[tuple[str, int | None]]) -> None:
        """`text` drawn inside the open sequences `stack`: an artifact wins over an MCID around it."""
        mcid = next((m for _t, m in reversed(stack) if m is not None), None)
        if any(tag == "/Artifact" for tag, _m in stack):
            self.artifact_text += text
        elif mcid is not None:
            self.mcid_text[mcid] += text
        else:
            self.untagged_text += text


def _mcid(operands, op: str) -> int | None:
    properties = operands[1] if op == "BDC" else None
    return int(properties["/MCID"]) if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties else None


def _read_page(page: pikepdf.Page) -> PageContent:
    content, fonts = PageContent(), _font_maps(page)
    stack: list[tuple[str, int | None]] = []  # (tag, mcid) of the open sequences
    font: dict[bytes, str] = {}
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op in ("BDC", "BMC"):
            stack.append((str(operands[0]), _mcid(operands, op)))
            content.open(*stack[-1])
        elif op == "EMC":
            stack.pop()
        elif op == "Tf":
            font = fonts.get(str(operands[0]), {})
        elif op in TEXT_OPERATORS:
            content.add_text(_decode(operands, font), stack)
    return content


@dataclass
class Tree:
    pdf: pikepdf.Pdf
    elements: list[tuple[pikepdf.Dictionary, pikepdf.Dictionary]]  # (element, parent it was found under)
    pages: list[PageContent]
    page_index: dict[tuple[int, int], int]

    def kids(self, element: pikepdf.Dictionary) -> list:
        k = element.get("/K")
        return [] if k is None else list(k) if isinstance(k, pikepdf.Array) else [k]

    def struct_kids(self, element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
        return [k for k in self.kids(element) if isinstance(k, pikepdf.Dictionary) and "/S" in k]

    def kind(self, element: pikepdf.Dictionary) -> str:
        return str(element.S)

    def mcids(self, element: pikepdf.Dictionary) -> list[tuple[int, int]]:
        """(page index, mcid) of the marked content `element` holds directly."""
        found = []
        for kid in self.kids(element):
            if isinstance(kid, int):
                found.append((self.page_index[element.Pg.objgen], int(kid)))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                page = kid.get("/Pg", element.get("/Pg"))
                found.append((self.page_index[page.objgen], int(kid.MCID)))
        return found

    def text(self, element: pikepdf.Dictionary) -> str:
        own = "".join(self.pages[p].mcid_text.get(m, "") for p, m in self.mcids(element))
        return own + "".join(self.text(kid) for kid in self.struct_kids(element))


def read_tree(pdf_bytes: bytes) -> Tree:
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    root = pdf.Root.StructTreeRoot
    elements: list[tuple[pikepdf.Dictionary, pikepdf.Dictionary]] = []
    tree = Tree(
        pdf,
        elements,
        [_read_page(page) for page in pdf.pages],
        {page.obj.objgen: i for i, page in enumerate(pdf.pages)},
    )
    todo = [(kid, root) for kid in reversed(tree.struct_kids(root))]
    while todo:  # depth first, in document order
        element, parent = todo.pop()
        elements.append((element, parent))
        todo.extend((kid, element) for kid in reversed(tree.struct_kids(element)))
    return tree


# --- The checks, one per fault of issue 12 (items 6 and 7) ---------------------------------------


def orphans(tree: Tree) -> list[str]:
    """Struct elements whose /P does not list them, or that no parent's /K reaches."""
    problems = [
        f"{tree.kind(e)} names a /P that is not where it is listed"
        for e, parent in tree.elements
        if e.P.objgen != parent.objgen
    ]
    reached = {e.objgen for e, _p in tree.elements}
    for obj in tree.pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/StructElem" and obj.objgen not in reached:
            problems.append(f"{obj.S} (object {obj.objgen[0]}) is not in the tree")
    return problems


def content_outside_tree(tree: Tree) -> list[str]:
    """Marked content not referenced exactly once by the tree, or text in no sequence at all."""
    referenced = Counter(ref for e, _p in tree.elements for ref in tree.mcids(e))
    problems = []
    for index, page in enumerate(tree.pages, start=1):
        for mcid, count in page.mcid_count.items():
            if count != 1:
                problems.append(f"page {index}: MCID {mcid} marks {count} sequences")
            times = referenced[(index - 1, mcid)]
            if times != 1:
                text = page.mcid_text.get(mcid, "")[:40]
                problems.append(f"page {index}: MCID {mcid} ({text!r}) is referenced {times} times")
        if page.untagged_text.strip():
            problems.append(f"page {index}: text outside marked content: {page.untagged_text[:60]!r}")
        problems.extend(f"page {index}: {tag} sequence without MCID" for tag in page.untagged_sequences)
    problems.extend(
        f"{(p + 1, m)} is referenced but not on its page" for p, m in referenced if m not in tree.pages[p].mcid_count
    )
    return problems


def running_header_not_artifact(tree: Tree, *, dnr: str) -> list[str]:
    problems = []
    for index, page in enumerate(tree.pages, start=1):
        label = f"{index} ({len(tree.pages)})"
        if f"Dnr {dnr}" not in page.artifact_text or label not in page.artifact_text:
            problems.append(f"page {index}: running header or {label!r} is not drawn as an artifact")
        tagged = "".join(page.mcid_text.values())
        if f"Dnr {dnr}" in tagged or re.search(rf"(?<![\d.]){re.escape(label)}", tagged):
            problems.append(f"page {index}: running header or page number is in the structure tree")
    return problems


def list_items_misshaped(tree: Tree) -> list[str]:
    """LI holds only Lbl and LBody; an L only LI, L and Caption (ISO 32000-1, 14.8.4.3.3)."""
    problems = []
    for element, _parent in tree.elements:
        kinds = [tree.kind(k) for k in tree.struct_kids(element)]
        if tree.kind(element) == "/LI" and (set(kinds) - {"/Lbl", "/LBody"} or not kinds):
            problems.append(f"LI holding {kinds}: {tree.text(element)[:50]!r}")
        if tree.kind(element) == "/L" and set(kinds) - {"/LI", "/L", "/Caption"}:
            problems.append(f"L holding {kinds}: {tree.text(element)[:50]!r}")
    return problems


def empty_elements(tree: Tree) -> list[str]:
    """Spans and list elements with no kids, and Spans that hold nothing but white space where
    no text belongs. (An empty Div, from an empty text field, is allowed, and so is an empty TD.)"""
    problems = []
    for element, parent in tree.elements:
        if not tree.kids(element) and tree.kind(element) in ("/Span", "/L", "/LI", "/Lbl", "/LBody"):
            problems.append(f"empty {tree.kind(element)} in {tree.kind(parent)}")
        elif (
            tree.kind(element) == "/Span"
            and not tree.text(element).strip()
            and tree.kind(parent)
            not in ("/P", "/Span", "/LBody", "/Lbl", "/Link", "/TD", "/TH", "/H1", "/H2", "/H3", "/H4", "/Caption")
        ):
            problems.append(f"white-space Span in {tree.kind(parent)}")
    return problems


def headers_without_scope(tree: Tree) -> list[str]:
    problems = []
    for element, _parent in tree.elements:
        if tree.kind(element) == "/TH":
            attributes = element.get("/A")
            if not (
                isinstance(attributes, pikepdf.Dictionary)
                and attributes.get("/O") == "/Table"
                and attributes.get("/Scope") in ("/Row", "/Column", "/Both")
            ):
                problems.append(f"TH without /Scope: {tree.text(element)[:40]!r}")
    return problems


# --- The memos ------------------------------------------------------------------------------------


_DEMO: dict[str, tuple[Tree, Case]] = {}


@pytest.fixture
def demo(demo_db, db) -> tuple[Tree, Case]:
    """The demo memo, compiled once per module. Function-scoped on top of `db` because the
    module-scoped `demo_db` finds no tables when it is the session's first use of the database."""
    if "demo" not in _DEMO:
        case = Case.objects.get(reference=DEMO_REFERENCE)
        _DEMO["demo"] = (read_tree(build_memo(case).pdf), case)
    return _DEMO["demo"]


def test_demo_has_no_orphan_elements(demo) -> None:
    tree, _case = demo
    assert orphans(tree) == []


def test_demo_has_no_content_outside_the_tree(demo) -> None:
    tree, _case = demo
    assert content_outside_tree(tree) == []


def test_demo_running_header_and_page_numbers_are_artifacts(demo) -> None:
    tree, case = demo
    assert running_header_not_artifact(tree, dnr=case.city_dnr) == []


def test_demo_lists_and_spans_are_well_formed(demo) -> None:
    tree, _case = demo
    assert list_items_misshaped(tree) == []
    assert empty_elements(tree) == []


def _matrix_case(registrar) -> Case:
    case = CaseFactory()
    proposals = _proposals(case, registrar)
    bodies = [OfficeFactory(), BodyFactory(), BodyFactory()]
    office, kultur, _idrott = workflow.refer(
        case, bodies=[ReferralSpec(b, date(2030, 4, 1)) for b in bodies], by=registrar
    )
    _answer(
        office,
        registrar,
        {
            proposals["B1"]: (Position.Stance.TILLSTYRKER, ""),
            proposals["F4"]: (Position.Stance.AVSTYRKER, "Behövs inte."),
        },
    )
    _answer(kultur, registrar, {proposals["F1"]: (Position.Stance.TILLSTYRKER_MED_ANDRINGAR, "")})
    return case


def test_matrix_headers_have_scope_and_legend_has_no_empty_spans(db, registrar) -> None:
    case = _matrix_case(registrar)
    tree = read_tree(render_pdf(render_html(gather(case))).pdf)
    headers = [e for e, _p in tree.elements if tree.kind(e) == "/TH"]
    assert len(headers) == 4 + 6  # the matrix is there: Förslag + 3 bodies, 6 proposals
    assert headers_without_scope(tree) == []
    parents = {e.objgen: p for e, p in tree.elements}
    in_head = [parents[parents[e.objgen].objgen].S == "/THead" for e in headers]
    assert [str(e.A.Scope) for e in headers] == ["/Column" if head else "/Row" for head in in_head]
    assert in_head.count(True) == 4
    assert empty_elements(tree) == []
    assert list_items_misshaped(tree) == []
    assert orphans(tree) == [] and content_outside_tree(tree) == []
    assert running_header_not_artifact(tree, dnr=case.city_dnr) == []


# A decision point whose added text runs from page 1 onto page 2: the <li> breaks across the page.
PARAGRAPH = "<p>" + " ".join(["Förvaltningen delar utredningens bedömning i denna del."] * 12) + "</p>"
BROKEN_ITEM = f"""<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Prov</title>
<link rel="stylesheet" href="{static_url(STYLESHEET)}"></head><body class="no-hyphenate">
<div class="running-header"><span class="city">Stockholms stad</span><span class="running-title">Prov</span>
<span class="running-dnr">Dnr KS 2030/1</span></div>
<h1>Prov</h1>{PARAGRAPH * 4}
<ol class="points"><li>Första punkten.<div class="added text">{PARAGRAPH * 5}</div></li><li>Andra punkten.</li></ol>
{PARAGRAPH}</body></html>"""


def test_list_item_broken_across_pages_stays_one_item() -> None:
    rendered = render_pdf(BROKEN_ITEM)
    tree = read_tree(rendered.pdf)
    assert rendered.pages >= 2
    items = [e for e, _p in tree.elements if tree.kind(e) == "/LI"]
    assert len(items) == 2
    assert "Första punkten" in tree.text(items[0]) and "Andra punkten" in tree.text(items[1])
    first_pages = {tree.page_index[k.Pg.objgen] for k in tree.struct_kids(tree.struct_kids(items[0])[1])}
    assert first_pages == {0, 1}  # the first item's body holds its parts on both pages
    assert list_items_misshaped(tree) == []
    assert orphans(tree) == [] and content_outside_tree(tree) == []
    assert running_header_not_artifact(tree, dnr="KS 2030/1") == []


def test_page_with_content_in_a_form_xobject_is_left_as_tagged_and_the_memo_still_compiles(caplog) -> None:
    """Text with opacity is drawn in a form XObject, outside the page's content stream: the repair
    leaves that page as WeasyPrint tagged it instead of failing the compilation."""
    html = BROKEN_ITEM.replace("<h1>Prov</h1>", '<h1>Prov</h1><p style="opacity: 0.5">Halvgenomskinlig.</p>')
    with caplog.at_level("WARNING", logger="remiss.memo.tagging"):
        rendered = render_pdf(html)
    assert "page 1: tagged content not where expected" in caplog.text
    tree = read_tree(rendered.pdf)
    problems = running_header_not_artifact(tree, dnr="KS 2030/1")
    assert len(problems) == 2 and all(p.startswith("page 1: ") for p in problems)  # the other pages are repaired
