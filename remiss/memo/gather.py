"""Gather: read one case and turn it into the plain data the memo template renders.

Everything the memo says is decided here, in Python, so the template only lays it out:
the generated sentences ("Ärendet har remitterats till …", "Socialnämnden beslutade vid sitt
sammanträde den 21 mars 2023 följande."), the attribution lines (from `remiss.attribution`),
Swedish dates, and the user texts, sanitised once more. The read (`remiss.memo.sources`) is a
fixed number of queries whatever the number of bodies, and it notes the latest history row of
every record it used, so a stored memo can say exactly which versions it was compiled from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.text import slugify

from remiss import attribution
from remiss.dates import swedish_date
from remiss.memo.sources import load, used_records
from remiss.models import Body, Case, CityProposal, Decision, Opinion, Referral, Statement
from remiss.positions import PositionMatrix, breakable, build_matrix
from remiss.provenance import latest_history_ids
from remiss.richtext import display

RESERVATIONS_HEADING = "Reservationer m.m."
RESERVATIONS_ANCHOR = "reservationer"


_HEADING_TAG = re.compile(r"<(/?)h([3-5])>")


def user_html(value: str | None, *, demote: int = 0) -> str:
    """A stored rich-text field, sanitised again, its headings optionally moved `demote` levels down.

    Texts are stored sanitised; cleaning them again here means a row written around the workflow
    (a migration, the admin, a restore) still cannot bring markup or URLs into the PDF. Demoting
    keeps the heading outline of the tagged PDF in order: an opinion's own subheadings sit below
    the body's heading. Word's private-use bullets become list items, as on the pages.
    """
    cleaned = display(value)
    if demote:
        cleaned = _HEADING_TAG.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + demote, 6)}>", cleaned)
    return cleaned


@dataclass(frozen=True)
class Point:
    number: int
    text: str
    added_html: str = ""  # the body's own text, set under the point it follows


@dataclass(frozen=True)
class StatementView:
    attribution: str  # "Reservation av Jan Jönsson (L) som yrkade bifall till …": the line above its text
    line: str  # the sentence that stands in the body's section
    text_html: str  # "" when the statement has no text of its own
    author_names: tuple[str, ...]


@dataclass(frozen=True)
class CityDecisionView:
    name: str
    anchor: str
    show_heading: bool  # the seed names kommunstyrelsen but lets borgarrådsberedningen's points speak
    points: tuple[Point, ...]
    numbered: bool
    statements: tuple[StatementView, ...]


@dataclass(frozen=True)
class BodySection:
    name: str
    anchor: str
    state: str  # "answered", "declined", "no_answer", "pending"
    notice: str  # the one honest line for a body that has not answered (or not yet decided)
    decline_reason: str  # plain text: why a declining body declined, as its officer or the registrar wrote it
    decision_intro: str
    points: tuple[Point, ...]
    numbered: bool
    statements: tuple[StatementView, ...]
    opinion_intro: str
    opinion_html: str
    proposed_decision_html: str


@dataclass(frozen=True)
class ReservationGroup:
    name: str
    anchor: str
    statements: tuple[StatementView, ...]


@dataclass
class MemoData:
    case_pk: int
    reference: str
    full_title: str
    city: str
    sender_line: str
    deadline_line: str
    city_dnr: str
    document_title: str
    decision_points: tuple[Point, ...]
    decision_points_numbered: bool
    commissioner_line: str
    summary_html: str
    referred_to: str
    views_html: str
    signed_line: str
    signed_name: str
    appendix_title: str  # the memo title; the template adds ", dnr …"
    city_decisions: tuple[CityDecisionView, ...]
    background_html: str
    bodies: tuple[BodySection, ...]
    reservations: tuple[ReservationGroup, ...]
    sources: list[dict[str, object]] = field(default_factory=list)
    # Proposals × bodies, only when at least one answered body has recorded a position.
    matrix: PositionMatrix | None = None

    @property
    def toc(self) -> list[tuple[str, str]]:
        """(label, anchor) for each line of the Innehållsförteckning."""
        matrix = [(self.matrix.heading, self.matrix.anchor)] if self.matrix is not None else []
        return matrix + [(b.name, b.anchor) for b in self.bodies] + [(RESERVATIONS_HEADING, RESERVATIONS_ANCHOR)]


# --- The case (its rows are read by remiss.memo.sources.load) ------------------------------------


def case_for_memo(reference: str) -> Case:
    """The case with this reference (e.g. "SOU 2022:67"); raises Case.DoesNotExist."""
    return Case.objects.get(reference=reference.strip())


# --- Sentences ----------------------------------------------------------------------------------


def referred_to_sentence(referrals: Sequence[Referral]) -> str:
    names = [r.body.name_in_text for r in referrals]
    return f"Ärendet har remitterats till {attribution.join_swedish(names)}." if names else ""


def _points(texts: Iterable[str], added_html: str = "", after: int = 1) -> tuple[Point, ...]:
    texts = [t for t in texts if t and t.strip()]
    if not texts:
        return ()
    # A tillägg said to follow a point that does not exist still belongs to the decision: after the last.
    after = min(max(after, 1), len(texts))
    return tuple(
        Point(number=i, text=t, added_html=added_html if i == after else "") for i, t in enumerate(texts, start=1)
    )


def _statement_view(statement: Statement, *, in_appendix: bool = False) -> StatementView | None:
    authors = attribution.listed_authors(statement)
    if not authors:
        return None  # nobody has put their name to it (yet): nothing to attribute
    own_text = attribution.has_own_text(statement)
    # The whole line, "som yrkade bifall till …" included: a reservation with a text of its own
    # still says which proposal it backed, as on the web pages, in the API and in the .docx.
    full = attribution.full_line(statement)
    if own_text and in_appendix:
        line = f"{full}, enligt följande." if attribution.relation_clause(statement) else f"{full} enligt följande."
    elif own_text:
        line = f"{full}, se {RESERVATIONS_HEADING}"
    else:
        line = f"{full}."
    return StatementView(
        attribution=full,
        line=line,
        # In Reservationer m.m. the text stands under the body's h4: its own h3 becomes h5.
        text_html=user_html(statement.text, demote=2) if own_text else "",
        author_names=tuple(a.politician.full_name for a in authors),
    )


def _statement_views(decision: Decision | None, *, in_appendix: bool = False) -> tuple[StatementView, ...]:
    if decision is None:
        return ()
    views = (_statement_view(s, in_appendix=in_appendix) for s in decision.statements.all())
    return tuple(v for v in views if v is not None)


def _anchor(prefix: str, number: int, name: str) -> str:
    return f"{prefix}-{number}-{slugify(name) or 'organ'}"


def _body_section(number: int, referral: Referral, opinion: Opinion | None, decision: Decision | None) -> BodySection:
    body = referral.body
    status = referral.status
    S = Referral.Status
    notice = ""
    state = "answered"
    if status == S.DECLINED:
        state, notice = "declined", f"{body.name} har avstått från att svara på remissen."
    elif status == S.NO_ANSWER:
        state, notice = "no_answer", f"Inget svar har kommit in från {body.name_in_text}."
    elif status in (S.REFERRED, S.DRAFTING):
        state, notice = "pending", f"Svar från {body.name_in_text} har ännu inte kommit in."
    elif body.makes_decisions and decision is None:
        notice = f"{body.name} har ännu inte fattat beslut i ärendet."

    decision_intro = ""
    points: tuple[Point, ...] = ()
    numbered = False
    statements: tuple[StatementView, ...] = ()
    if state == "answered" and decision is not None:
        when = f" vid sitt sammanträde den {swedish_date(decision.meeting_date)}" if decision.meeting_date else ""
        decision_intro = f"{body.name} beslutade{when} följande."
        points = _points(decision.points, user_html(decision.added_text, demote=1), decision.added_text_after_point)
        numbered = decision.numbered
        statements = _statement_views(decision)

    opinion_intro = opinion_html = proposed_html = ""
    if state == "answered" and opinion is not None and opinion.text.strip():
        dated = f" daterat den {swedish_date(opinion.date)}" if opinion.date else ""
        opinion_intro = f"{body.administration_genitive} tjänsteutlåtande{dated} har i huvudsak följande lydelse."
        opinion_html = user_html(opinion.text, demote=1)
        proposed_html = user_html(opinion.proposed_decision, demote=1)

    return BodySection(
        name=body.name,
        anchor=_anchor("remissinstans", number, body.name),
        state=state,
        notice=notice,
        decline_reason=breakable(referral.decline_reason.strip()) if state == "declined" else "",
        decision_intro=decision_intro,
        points=points,
        numbered=numbered,
        statements=statements,
        opinion_intro=opinion_intro,
        opinion_html=opinion_html,
        proposed_decision_html=proposed_html,
    )


def _city_decisions(decisions: dict[int, Decision]) -> tuple[CityDecisionView, ...]:
    order: dict[str, int] = {Body.Kind.BORGARRADSBEREDNINGEN: 0, Body.Kind.KOMMUNSTYRELSEN: 1}
    city = sorted((d for d in decisions.values() if d.body.kind in order), key=lambda d: order[d.body.kind])
    return tuple(
        CityDecisionView(
            name=d.body.name,
            anchor=_anchor("beslut", i, d.body.name),
            show_heading=d.body.kind == Body.Kind.KOMMUNSTYRELSEN,
            points=_points(d.points),
            numbered=d.numbered,
            statements=_statement_views(d, in_appendix=True),
        )
        for i, d in enumerate(city, start=1)
    )


# --- The whole memo -----------------------------------------------------------------------------


@transaction.atomic(savepoint=False)
def gather(case: Case) -> MemoData:
    """Everything the memo template needs, read in a fixed number of queries.

    The reads run in one transaction, so every caller (the PDF, the .docx, the preview, the
    answer package) gets one consistent state of the case without opening a transaction itself;
    inside a caller's own transaction it adds no savepoint."""
    loaded = load(case)
    case = loaded.case
    proposal = loaded.proposal or CityProposal(case=case)
    referred_bodies = {r.body_id for r in loaded.referrals}

    bodies = tuple(
        _body_section(i, r, loaded.opinions.get(r.pk), loaded.decisions.get(r.body_id))
        for i, r in enumerate(loaded.referrals, start=1)
    )
    reservations = tuple(
        ReservationGroup(name=section.name, anchor=f"{section.anchor}-reservationer", statements=own)
        for section in bodies
        if (own := tuple(s for s in section.statements if s.text_html))
    )
    commissioner = case.commissioner.full_name if case.commissioner else ""
    appendix_title = case.memo_title or case.title
    points = _points(proposal.decision_points)
    # Statements of bodies that were not referred (and are not city level) have no place in the memo.
    decisions = {b: d for b, d in loaded.decisions.items() if b in referred_bodies or d.body.is_city_level}
    loaded.decisions = decisions

    data = MemoData(
        case_pk=case.pk,
        reference=case.reference,
        full_title=case.full_title,
        city=loaded.city,
        sender_line=f"Remiss från {case.sender}" if case.sender else "",
        deadline_line=f"Remisstid den {swedish_date(case.deadline)}",
        city_dnr=case.city_dnr,
        document_title=f"{case.full_title}, dnr {case.city_dnr}",
        decision_points=points,
        decision_points_numbered=len(points) > 1,
        commissioner_line=f"Föredragande borgarrådet {commissioner}" if commissioner else "",
        summary_html=user_html(proposal.summary),
        referred_to=referred_to_sentence(loaded.referrals),
        views_html=user_html(proposal.views),
        signed_line=(
            f"{proposal.signed_place} den {swedish_date(proposal.signed_date)}" if proposal.signed_date else ""
        ),
        signed_name=commissioner,
        appendix_title=appendix_title,
        city_decisions=_city_decisions(decisions),
        background_html=user_html(case.background),
        bodies=bodies,
        reservations=reservations,
        matrix=build_matrix(loaded.proposals, loaded.referrals, loaded.positions),
    )
    data.sources = latest_history_ids(used_records(loaded, data.matrix))
    return data
