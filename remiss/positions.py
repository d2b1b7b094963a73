"""Positions per proposal: each body's stance on each of the betänkande's proposals and assessments.

Three readers share this module:
- the memo's position matrix (proposals × bodies in referral order), built by `build_matrix`
  from rows `remiss.memo.gather` has already read, so the memo costs no query per body;
- the registrar's summary draft (`draft_summary_with_stances`): per body, its position sentence
  followed by a generated sentence of its stances ("Socialnämnden tillstyrker förslag 1 och 3
  och avstyrker förslag 5.");
- the officer's positions form, in `remiss.positions_form`.

Only answered referrals' positions reach the memo and the summary: what a body has recorded
while still drafting is its own business until its opinion is ready (as in `remiss.access`).
The memo's texts are always Swedish, as in `remiss.memo.gather`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.text import capfirst

from remiss.attribution import join_swedish
from remiss.models import Case, Position, Proposal, Referral

_S = Position.Stance
_R = Referral.Status

# What a cell shows: text, never colour alone, so the matrix reads the same in grey-scale print.
STANCE_SYMBOLS: dict[str, str] = {
    _S.TILLSTYRKER: "T",
    _S.TILLSTYRKER_MED_ANDRINGAR: "T*",
    _S.AVSTYRKER: "A",
    _S.INGA_SYNPUNKTER: "–",
    _S.EJ_BEHANDLAT: "Ej",
}
# The memo is Swedish whatever the reader's language: these are not translated.
STANCE_LABELS_SV: dict[str, str] = {
    _S.TILLSTYRKER: "Tillstyrker",
    _S.TILLSTYRKER_MED_ANDRINGAR: "Tillstyrker med ändringar",
    _S.AVSTYRKER: "Avstyrker",
    _S.INGA_SYNPUNKTER: "Inga synpunkter",
    _S.EJ_BEHANDLAT: "Ej behandlat",
}
MISSING_LABEL = "saknas"
MISSING_EXPLANATION = "Tom ruta: inget ställningstagande registrerat (saknas)"
# A body that declined to answer has no stances, but that is its answer, not a gap.
DECLINED_LABEL = "avstår"
DECLINED_EXPLANATION = "Remissinstansen har avstått från att svara"
KIND_LABELS_SV: dict[str, str] = {Proposal.Kind.FORSLAG: "Förslag", Proposal.Kind.BEDOMNING: "Bedömning"}

MATRIX_HEADING = "Ställningstaganden per förslag"
MATRIX_ANCHOR = "stallningstaganden"
# With more bodies than this the matrix gets a landscape page of its own in the PDF.
PORTRAIT_MAX_BODIES = 7

# Referral statuses whose positions are final enough to publish in the memo and the summary.
ANSWERED_STATUSES: frozenset[str] = frozenset({_R.OPINION_READY, _R.DECIDED, _R.JUSTERED})
# Statuses in which positions can no longer change (workflow.save_positions refuses them).
CLOSED_STATUSES: frozenset[str] = frozenset({_R.JUSTERED, _R.DECLINED, _R.NO_ANSWER})


_LONG_WORD = re.compile(r"\S{31,}")


def breakable(text: str, every: int = 30) -> str:
    """`text` with a zero-width space every `every` characters of any longer run of non-spaces.

    The text stays the same to the eye; the PDF renderer can then break a pasted address or a
    run of characters at a line end, instead of spending minutes fitting one enormous word.
    """
    return _LONG_WORD.sub(
        lambda m: "\u200b".join(m.group(0)[i : i + every] for i in range(0, len(m.group(0)), every)), text
    )


def proposal_label(proposal: Proposal) -> str:
    """'Förslag 5', 'Bedömning 2'."""
    return f"{KIND_LABELS_SV.get(proposal.kind, proposal.kind)} {proposal.number}"


def publishes_positions(referral: Referral) -> bool:
    """True when the referral's positions belong in the memo: the body has answered (or is about to)."""
    return referral.status in ANSWERED_STATUSES


def positions_locked(referral: Referral) -> bool:
    return referral.status in CLOSED_STATUSES


# --- The matrix ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixCell:
    stance: str  # "" when the body has no position on the proposal: a gap
    symbol: str  # "T", "T*", "A", "–", "Ej"; "" for a gap
    label: str  # "Tillstyrker" … or "saknas"
    note: int | None = None  # number of the body's comment in the notes under the matrix
    declined: bool = False  # the body declined to answer: the cell reads "avstår"

    @property
    def missing(self) -> bool:
        return not self.stance and not self.declined


@dataclass(frozen=True)
class MatrixRow:
    label: str  # "Förslag 1"
    title: str
    cells: tuple[MatrixCell, ...]  # one per body, in the matrix's body order
    section: str = ""  # "avsnitt 8.2", where the betänkande treats it; "" when not recorded


@dataclass(frozen=True)
class MatrixNote:
    number: int
    body: str
    proposal: str  # "Förslag 5"
    text: str


@dataclass(frozen=True)
class LegendEntry:
    symbol: str
    label: str


@dataclass(frozen=True)
class PositionMatrix:
    bodies: tuple[str, ...]  # column headings, in referral order
    rows: tuple[MatrixRow, ...]
    notes: tuple[MatrixNote, ...]
    heading: str = MATRIX_HEADING
    anchor: str = MATRIX_ANCHOR

    @property
    def legend(self) -> tuple[LegendEntry, ...]:
        return tuple(LegendEntry(STANCE_SYMBOLS[s], STANCE_LABELS_SV[s]) for s in _S.values)

    @property
    def missing_explanation(self) -> str:
        return MISSING_EXPLANATION

    @property
    def declined_explanation(self) -> str:
        """The legend's line for "avstår", or "" when no body in the matrix declined."""
        declined = any(cell.declined for row in self.rows for cell in row.cells)
        return DECLINED_EXPLANATION if declined else ""

    @property
    def caption(self) -> str:
        return (
            "Remissinstansernas ställningstaganden till betänkandets förslag och bedömningar, "
            "en rad per förslag och en kolumn per remissinstans."
        )

    @property
    def landscape(self) -> bool:
        return len(self.bodies) > PORTRAIT_MAX_BODIES

    @property
    def gap_count(self) -> int:
        return sum(1 for row in self.rows for cell in row.cells if cell.missing)


def build_matrix(
    proposals: Sequence[Proposal],
    referrals: Sequence[Referral],
    positions: Iterable[Position],
) -> PositionMatrix | None:
    """The matrix of `proposals` (rows, in their order) × `referrals` (columns, in the given order).

    Reads nothing from the database: `referrals` need their `body` loaded. Only positions of
    answered referrals count; without any such position there is no matrix (None). A body that
    declined to answer reads "avstår" in every cell of its column.
    """
    published = {r.pk for r in referrals if publishes_positions(r)}
    by_key: dict[tuple[int, int], Position] = {
        (p.proposal_id, p.referral_id): p for p in positions if p.referral_id in published
    }
    if not proposals or not by_key:
        return None
    notes: list[MatrixNote] = []
    rows: list[MatrixRow] = []
    for proposal in proposals:
        cells: list[MatrixCell] = []
        for referral in referrals:
            position = by_key.get((proposal.pk, referral.pk))
            if referral.status == _R.DECLINED:
                cells.append(MatrixCell(stance="", symbol=DECLINED_LABEL, label=DECLINED_LABEL, declined=True))
                continue
            if position is None:
                cells.append(MatrixCell(stance="", symbol="", label=MISSING_LABEL))
                continue
            note = None
            comment = breakable(" ".join(position.comment.split()))
            if comment:
                note = len(notes) + 1
                notes.append(MatrixNote(note, referral.body.name, proposal_label(proposal), comment))
            cells.append(
                MatrixCell(
                    stance=position.stance,
                    symbol=STANCE_SYMBOLS.get(position.stance, "?"),
                    label=STANCE_LABELS_SV.get(position.stance, position.stance),
                    note=note,
                )
            )
        rows.append(
            MatrixRow(
                label=proposal_label(proposal),
                title=breakable(proposal.title),
                cells=tuple(cells),
                section=proposal.section_label,
            )
        )
    return PositionMatrix(bodies=tuple(r.body.name for r in referrals), rows=tuple(rows), notes=tuple(notes))


def load_positions(case: Case) -> tuple[list[Proposal], list[Position]]:
    """The case's proposals in order and all its positions: two queries."""
    proposals = list(Proposal.objects.filter(case=case).order_by("order", "pk"))
    positions = list(Position.objects.filter(referral__case=case).order_by("pk"))
    return proposals, positions


def matrix_for_case(case: Case) -> PositionMatrix | None:
    """The matrix read fresh (three queries); the memo builds it from what `gather` read instead."""
    referrals = list(Referral.objects.filter(case=case).select_related("body").order_by("order", "pk"))
    proposals, positions = load_positions(case)
    return build_matrix(proposals, referrals, positions)


# --- The summary draft --------------------------------------------------------------------------

# The verb phrase of each stance that goes into the sentence; "ej behandlat" says nothing.
_CLAUSES: tuple[tuple[str, str], ...] = (
    (_S.TILLSTYRKER, "tillstyrker {}"),
    (_S.TILLSTYRKER_MED_ANDRINGAR, "tillstyrker {} med ändringar"),
    (_S.AVSTYRKER, "avstyrker {}"),
    (_S.INGA_SYNPUNKTER, "har inga synpunkter på {}"),
)


def _numbers_phrase(proposals: Sequence[Proposal]) -> str:
    """'förslag 1 och 3', 'bedömning 2', 'bedömningarna 1 och 4 samt förslag 2'."""
    parts = []
    for kind in (Proposal.Kind.BEDOMNING, Proposal.Kind.FORSLAG):
        numbers = [p.number for p in proposals if p.kind == kind]
        if not numbers:
            continue
        noun = "förslag" if kind == Proposal.Kind.FORSLAG else _bedomning_noun(len(numbers))
        parts.append(f"{noun} {join_swedish(numbers)}")
    return " samt ".join(parts)


def _bedomning_noun(count: int) -> str:
    return "bedömning" if count == 1 else "bedömningarna"


def stance_sentence(subject: str, positions: Iterable[Position], proposals: dict[int, Proposal]) -> str:
    """'Socialnämnden tillstyrker förslag 1 och 3 och avstyrker förslag 5.', or '' without stances.

    `proposals` maps pk to proposal (in the order they should be named); positions on proposals
    not in it are ignored.
    """
    order = {pk: i for i, pk in enumerate(proposals)}
    by_stance: dict[str, list[Proposal]] = {}
    for position in sorted((p for p in positions if p.proposal_id in proposals), key=lambda p: order[p.proposal_id]):
        by_stance.setdefault(position.stance, []).append(proposals[position.proposal_id])
    clauses = [
        template.format(_numbers_phrase(by_stance[stance])) for stance, template in _CLAUSES if by_stance.get(stance)
    ]
    if not clauses:
        return ""
    return f"{subject} {join_swedish(clauses)}."


def unanswered_sentences(referrals: Sequence[Referral]) -> list[str]:
    """'Kulturnämnden och idrottsnämnden har avstått från att svara.' and 'Inget svar har kommit in
    från Farsta stadsdelsnämnd.': the bodies that declined and those marked as not answering, in
    the given order (no sentence for a group without bodies)."""
    declined = [r.body.name_in_text for r in referrals if r.status == _R.DECLINED]
    silent = [r.body.name_in_text for r in referrals if r.status == _R.NO_ANSWER]
    sentences = []
    if declined:
        sentences.append(f"{capfirst(join_swedish(declined))} har avstått från att svara.")
    if silent:
        sentences.append(f"Inget svar har kommit in från {join_swedish(silent)}.")
    return sentences


def draft_summary_with_stances(case: Case) -> str:
    """The summary's body paragraphs: per answering body, in memo order, its position sentence
    followed by a sentence of its stances per proposal; then one paragraph naming the bodies
    that declined and those that did not answer. HTML paragraphs, ready for the editor.

    It is only a draft, the city proposal page's starting text for an empty summary: the
    registrar writes the introduction and edits the rest.
    """
    referrals = list(Referral.objects.filter(case=case).select_related("body").order_by("order", "pk"))
    proposal_list, positions = load_positions(case)
    proposals = {p.pk: p for p in proposal_list}
    by_referral: dict[int, list[Position]] = {}
    for position in positions:
        by_referral.setdefault(position.referral_id, []).append(position)
    paragraphs = []
    for referral in referrals:
        sentences = [" ".join(referral.position.split())]
        if publishes_positions(referral):
            sentences.append(stance_sentence(referral.body.name, by_referral.get(referral.pk, []), proposals))
        text = " ".join(s for s in sentences if s)
        if text:
            paragraphs.append(f"<p>{html.escape(text, quote=False)}</p>")
    closing = " ".join(unanswered_sentences(referrals))
    if closing:
        paragraphs.append(f"<p>{html.escape(closing, quote=False)}</p>")
    return "".join(paragraphs)
