"""Reads for the pages: each one a fixed number of queries, however many cases or bodies.

Views call these instead of walking relations in templates, so a page with fifty bodies costs
what a page with five does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, TextChoices, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from remiss.attribution import full_line
from remiss.dates import date_labels
from remiss.models import (
    Body,
    Case,
    Decision,
    Memo,
    Politician,
    Position,
    Referral,
    Seat,
    Statement,
    StatementAuthor,
    User,
)
from remiss.provenance import current_of as current_of
from remiss.provenance import history_row as history_row
from remiss.richtext import sanitize
from remiss.statement_reads import authors_prefetch, statements_with_attribution
from remiss.workflow import EVENT_LABELS, allowed_events, decision_edit_refusal

_R = Referral.Status


# --- Display values for pages with many rows --------------------------------------------------
# The dashboards show up to a few hundred rows. In Django's template engine a `{% url %}`, a
# `|date` or a `get_FOO_display` costs tens of microseconds per row, more than the row's SQL, so
# the rows below carry these values ready-made: each URL pattern reversed once per page, each
# date (`remiss.dates.date_labels`) and each choice label formatted once per distinct value.

# No primary key reaches this; it marks where the row's own pk goes in a reversed URL.
_PK_MARKER = 987654321987


def _pk_urls(name: str, *args: object) -> Callable[[int], str]:
    """`reverse(name, args=[*args, pk])` for many pks at the cost of one reverse. The pk must be
    the URL's last argument, with the `int` converter (so it appears as its plain digits)."""
    prefix, marker, suffix = reverse(name, args=[*args, _PK_MARKER]).rpartition(str(_PK_MARKER))
    assert marker, name
    return lambda pk: f"{prefix}{pk}{suffix}"


def _choice_labels(choices: type[TextChoices]) -> dict[str, str]:
    """{value: label} in the active language: `get_FOO_display` once per choice, not per row."""
    return {value: str(label) for value, label in choices.choices}


# --- The registrar: case list and status board ------------------------------------------------


def _answered_q(prefix: str = "") -> Q:
    """A referral that has answered: a nämnd's decision, or an office's finished opinion."""
    return Q(**{f"{prefix}status__in": [_R.DECIDED, _R.JUSTERED]}) | (
        Q(**{f"{prefix}status": _R.OPINION_READY}) & Q(**{f"{prefix}body__kind": Body.Kind.OFFICE})
    )


def _open_q(prefix: str = "") -> Q:
    """A referral still expected to answer (the opposite of `Referral.is_closed`)."""
    return Q(**{f"{prefix}status__in": [_R.REFERRED, _R.DRAFTING]}) | (
        Q(**{f"{prefix}status": _R.OPINION_READY}) & ~Q(**{f"{prefix}body__kind": Body.Kind.OFFICE})
    )


def registrar_case_list(today: date | None = None) -> QuerySet[Case]:
    """Every case with its referral counts: `referral_total`, `referral_answered`, `referral_overdue`."""
    today = today or timezone.localdate()
    return Case.objects.annotate(
        referral_total=Count("referrals", distinct=True),
        referral_answered=Count("referrals", filter=_answered_q("referrals__"), distinct=True),
        referral_overdue=Count(
            "referrals",
            filter=_open_q("referrals__") & Q(referrals__deadline__lt=today),
            distinct=True,
        ),
    ).order_by("-received", "reference")


def registrar_case_page(number: str | int | None, per_page: int, today: date | None = None) -> Page:
    """One page of the case list; its `object_list` holds the cases annotated as in `registrar_case_list`.

    The page's cases are chosen first, on the case table alone (it walks the `case_received_order`
    index and stops after the page), and only those are counted. Counting inside the paged query
    would make the database count the referrals of all 10,000 cases before it could sort them.
    """
    paginator = Paginator(Case.objects.order_by("-received", "reference").values_list("pk", flat=True), per_page)
    page = paginator.get_page(number)
    ids = list(page.object_list)
    counted = {case.pk: case for case in registrar_case_list(today).filter(pk__in=ids)}
    page.object_list = [counted[pk] for pk in ids]
    return page


@dataclass
class BoardRow:
    """One referred body on the status board, with its display values ready."""

    referral: Referral
    decision: Decision | None  # annotated with `statement_count`
    overdue: bool
    answer: str  # "answered", "declined", "no_answer" or "pending"
    events: list[str]  # workflow events the registrar may trigger here
    actions: list[tuple[str, str]]  # (event, Swedish label) for each button
    url: str  # the referral's page
    event_url: str  # where its buttons post
    status_label: str
    deadline_label: str  # the referral's deadline, "31 mars 2030"
    decision_date_label: str  # the decision's meeting date, "" when it has none


# Referral moves the registrar makes; the officer's own moves are on the officer's pages.
REGISTRAR_REFERRAL_EVENTS = ("mark_no_answer", "decline")


@dataclass
class StatusBoard:
    case: Case
    rows: list[BoardRow]
    city_decisions: list[Decision]
    memos: list[Memo]
    today: date
    by_answer: dict[str, list[BoardRow]] = field(default_factory=dict)

    @property
    def answered_count(self) -> int:
        return len(self.by_answer.get("answered", []))

    @property
    def overdue_count(self) -> int:
        return sum(1 for r in self.rows if r.overdue)


def _statements_prefetch() -> Prefetch:
    """A decision's statements with everything their attribution lines name, in a fixed number of queries."""
    return Prefetch("statements", queryset=statements_with_attribution())


@dataclass(frozen=True)
class StatementRow:
    """One statement as the registrar's decision pages show it."""

    statement: Statement  # with its authors prefetched
    line: str  # the attribution line, "Särskilt uttalande av Jan Jönsson (L)"
    html: str  # the sanitised text; "" for a statement identical to another, which has no text of its own
    pending_authors: tuple[StatementAuthor, ...]  # invited co-authors who have not answered

    @property
    def pk(self) -> int:
        return self.statement.pk


@dataclass(frozen=True)
class DecisionRow:
    """A decision with its statements ready for display. The templates read the decision's own
    fields through it, as they did from the decision."""

    decision: Decision  # with its body and case
    statement_list: tuple[StatementRow, ...]
    # What the page offers; the workflow asks again on saving. Only city decisions are edited on
    # the registrar's pages, so a nämnd's decision offers none of it.
    editable: bool = False
    statements_editable: bool = False
    statements_removable: bool = False

    @property
    def pk(self) -> int:
        return self.decision.pk

    @property
    def body(self) -> Body:
        return self.decision.body

    @property
    def body_id(self) -> int:
        return self.decision.body_id

    @property
    def case_id(self) -> int:
        return self.decision.case_id

    @property
    def meeting_date(self) -> date | None:
        return self.decision.meeting_date

    @property
    def justered(self) -> bool:
        return self.decision.justered

    @property
    def immediate_justering(self) -> bool:
        return self.decision.immediate_justering

    @property
    def points(self) -> list[str]:
        return self.decision.points

    @property
    def added_text(self) -> str:
        return self.decision.added_text


def statement_rows(decision: Decision) -> tuple[StatementRow, ...]:
    """The decision's prefetched statements (`_statements_prefetch`) with their lines and texts."""
    return tuple(
        StatementRow(
            statement,
            line=full_line(statement),
            html=sanitize(statement.text) if not statement.identical_to_id else "",
            pending_authors=tuple(a for a in statement.authors.all() if not a.accepted),
        )
        for statement in decision.statements.all()
    )


def _edit_flags(decision: Decision) -> dict[str, bool]:
    """What the city decisions page offers for `decision` (its case read already)."""
    return {
        "editable": decision_edit_refusal(decision, "edit_decision") is None,
        "statements_editable": decision_edit_refusal(decision, "edit_statement") is None,
        "statements_removable": decision_edit_refusal(decision, "remove_statement") is None,
    }


def answer_of(referral: Referral) -> str:
    if referral.is_answered:
        return "answered"
    if referral.status == _R.DECLINED:
        return "declined"
    if referral.status == _R.NO_ANSWER:
        return "no_answer"
    return "pending"


def status_board(case_pk: int, today: date | None = None) -> StatusBoard:
    """The case, every referral in memo order with its decision and state, the city's decisions.

    The board shows how many statements each decision has, not the statements, so it counts them
    in SQL rather than reading them with their authors."""
    today = today or timezone.localdate()
    case = (
        Case.objects.select_related("commissioner__party", "city_proposal")
        .annotate(proposal_count=Count("proposals"))
        .get(pk=case_pk)
    )
    referrals = list(Referral.objects.filter(case=case).select_related("body").order_by("order", "pk"))
    decisions = list(
        Decision.objects.filter(case=case).select_related("body").annotate(statement_count=Count("statements"))
    )
    by_body = {d.body_id: d for d in decisions}
    referral_url = _pk_urls("case_referral", case.pk)
    event_url = _pk_urls("case_referral_event", case.pk)
    status_labels = _choice_labels(Referral.Status)
    dates = date_labels()
    # The buttons depend only on the status and the kind of body: worked out once for each pair.
    buttons: dict[tuple[str, bool], tuple[list[str], list[tuple[str, str]]]] = {}
    rows = []
    for referral in referrals:
        referral.case = case  # the case is already read; don't read it again per row
        key = (referral.status, referral.body.makes_decisions)
        if key not in buttons:
            events = [e for e in allowed_events(referral) if e in REGISTRAR_REFERRAL_EVENTS]
            buttons[key] = (events, [(e, str(EVENT_LABELS[e])) for e in events])
        events, actions = buttons[key]
        decision = by_body.get(referral.body_id)
        rows.append(
            BoardRow(
                referral=referral,
                decision=decision,
                overdue=not referral.is_closed and referral.deadline < today,
                answer=answer_of(referral),
                events=events,
                actions=actions,
                url=referral_url(referral.pk),
                event_url=event_url(referral.pk),
                status_label=status_labels[referral.status],
                deadline_label=dates(referral.deadline),
                decision_date_label=dates(decision.meeting_date) if decision else "",
            )
        )
    by_answer: dict[str, list[BoardRow]] = {"answered": [], "declined": [], "no_answer": [], "pending": []}
    for row in rows:
        by_answer[row.answer].append(row)
    city = sorted(
        (d for d in decisions if d.body.is_city_level), key=lambda d: d.body.kind != Body.Kind.BORGARRADSBEREDNINGEN
    )
    memos = list(Memo.objects.filter(case=case).select_related("created_by")[:5])
    return StatusBoard(case=case, rows=rows, city_decisions=city, memos=memos, today=today, by_answer=by_answer)


def city_decision_rows(case: Case) -> list[DecisionRow]:
    """Borgarrådsberedningen's and kommunstyrelsen's decisions with their statements, in that
    order, each with what the registrar may do with it now."""
    decisions = (
        Decision.objects.filter(case=case, body__kind__in=[Body.Kind.BORGARRADSBEREDNINGEN, Body.Kind.KOMMUNSTYRELSEN])
        .select_related("body")
        .prefetch_related(_statements_prefetch())
    )
    rows = []
    for decision in sorted(decisions, key=lambda d: d.body.kind != Body.Kind.BORGARRADSBEREDNINGEN):
        decision.case = case  # read already; the edit rules read its status
        rows.append(DecisionRow(decision, statement_rows(decision), **_edit_flags(decision)))
    return rows


def city_decisions(case: Case) -> list[Decision]:
    """The decisions of `city_decision_rows`, each carrying its `statement_list`.

    Only until `views.registrar.case_city_decisions` renders `city_decision_rows` (which carry
    the page's flags too) instead of setting its flags on these decisions; then this goes."""
    rows = city_decision_rows(case)
    for row in rows:
        row.decision.statement_list = row.statement_list  # type: ignore[attr-defined]
    return [row.decision for row in rows]


def referral_for_registrar(case_pk: int, referral_pk: int) -> tuple[Referral, DecisionRow | None]:
    """One referral with its opinion, and its body's decision with the statements."""
    referral = (
        Referral.objects.select_related("case", "body", "opinion")
        .prefetch_related("officers")
        .get(
            pk=referral_pk,
            case_id=case_pk,
        )
    )
    decision = (
        Decision.objects.filter(case_id=case_pk, body_id=referral.body_id)
        .select_related("body")
        .prefetch_related(_statements_prefetch())
        .first()
    )
    if decision is None:
        return referral, None
    decision.case = referral.case
    return referral, DecisionRow(decision, statement_rows(decision))


def memo_history(case: Case) -> QuerySet[Memo]:
    return Memo.objects.filter(case=case).select_related("created_by")


# --- The officer's and the politician's pages -------------------------------------------------


@dataclass
class OfficerRow:
    referral: Referral
    overdue: bool
    assigned: bool  # the officer is one of the referral's named handläggare
    url: str  # the referral's page
    status_label: str
    deadline_label: str  # the referral's deadline, "31 mars 2030"
    case_deadline_label: str  # the case's remisstid


def officer_referrals(
    user: User,
    today: date | None = None,
    *,
    body_ids: list[int] | None = None,
    open_page: str | int | None = None,
    closed_page: str | int | None = None,
    per_page: int = 25,
) -> tuple[Page, Page]:
    """(open, closed) pages of the referrals of the bodies the officer works for; each page's
    `object_list` holds `OfficerRow`s. Open ones nearest deadline first, closed ones latest first.
    A body answers thousands of referrals over the years, so neither list is ever read whole:
    the split is made in SQL (`_open_q`, the opposite of `Referral.is_closed`), "assigned" is an
    EXISTS on the page's rows, and the order uses the referral's own columns only, so that the
    `referral_body_deadline` index gives it without sorting every referral the body ever had.
    `body_ids` are the user's bodies when the caller has read them already; they go in as values,
    not as a subquery, so that for one body the database walks that index in order."""
    today = today or timezone.localdate()
    if body_ids is None:
        body_ids = list(user.bodies.values_list("pk", flat=True))
    referrals = (
        Referral.objects.filter(body_id__in=body_ids)
        .select_related("case", "body")
        .annotate(
            assigned=Exists(Referral.officers.through.objects.filter(referral_id=OuterRef("pk"), user_id=user.pk))
        )
    )
    open_rows = Paginator(
        referrals.filter(_open_q()).order_by("deadline", "case_id", "body_id"),
        per_page,
    ).get_page(open_page)
    closed_rows = Paginator(
        referrals.exclude(_open_q()).order_by("-deadline", "-case_id", "body_id"),
        per_page,
    ).get_page(closed_page)
    url = _pk_urls("officer_referral")
    status_labels = _choice_labels(Referral.Status)
    dates = date_labels()

    def row(referral: Referral, overdue: bool) -> OfficerRow:
        return OfficerRow(
            referral,
            overdue=overdue,
            assigned=referral.assigned,
            url=url(referral.pk),
            status_label=status_labels[referral.status],
            deadline_label=dates(referral.deadline),
            case_deadline_label=dates(referral.case.deadline),
        )

    open_rows.object_list = [row(r, overdue=r.deadline < today) for r in open_rows.object_list]
    closed_rows.object_list = [row(r, overdue=False) for r in closed_rows.object_list]
    return open_rows, closed_rows


def referral_for_officer(referral_pk: int) -> tuple[Referral, Decision | None]:
    """One referral with its case, body, opinion and proposals, and the body's decision if any."""
    referral = (
        Referral.objects.select_related("case", "body", "opinion")
        .prefetch_related("case__proposals")
        .get(pk=referral_pk)
    )
    decision = (
        Decision.objects.filter(case_id=referral.case_id, body_id=referral.body_id).select_related("body").first()
    )
    if decision is not None:
        decision.case = referral.case
    return referral, decision


@dataclass
class OpenDecisionRow:
    """One open decision under a seat, with its display values ready."""

    decision: Decision  # with its case
    url: str  # the politician's page of the decision
    meeting_label: str  # "31 mars 2030", "" when no meeting date is set
    deadline_label: str  # the case's remisstid


@dataclass
class SeatOverview:
    seat: Seat
    open_decisions: list[OpenDecisionRow]  # at most OPEN_DECISIONS_PER_SEAT, nearest remisstid first
    open_total: int = 0
    role_label: str = ""  # the seat's role, "Ledamot" or "Ersättare"


@dataclass
class PoliticianOverview:
    politician: Politician
    seats: list[SeatOverview]
    invitations: list[StatementAuthor]
    statements: Page  # of Statement, the newest first


# A seat shows this many of its open decisions; the rest wait until the first are justered.
OPEN_DECISIONS_PER_SEAT = 5


def politician_overview(
    politician: Politician, *, statements_page: str | int | None = None, per_page: int = 25
) -> PoliticianOverview:
    """Seats with their open (not justered) decisions, pending invitations and a page of own statements.

    A politician may sit in many nämnder for many years, so nothing here grows without bound: each
    seat lists its OPEN_DECISIONS_PER_SEAT nearest decisions (one query for all seats, numbered
    per body with ROW_NUMBER) with the total beside them, and the statements come a page at a time.
    """
    seats = list(Seat.objects.filter(politician=politician).select_related("body").order_by("body__name"))
    open_decisions = Decision.objects.filter(body__in=[s.body_id for s in seats], justered=False)
    totals = dict(open_decisions.order_by().values_list("body_id").annotate(n=Count("pk")))
    decisions = (
        open_decisions.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("body_id")],
                order_by=[F("case__deadline").asc(), F("case__reference").asc()],
            )
        )
        .filter(rank__lte=OPEN_DECISIONS_PER_SEAT)
        .select_related("case")
        .order_by("case__deadline", "case__reference")
    )
    url = _pk_urls("politician_decision")
    dates = date_labels()
    by_body: dict[int, list[OpenDecisionRow]] = {}
    for decision in decisions:
        by_body.setdefault(decision.body_id, []).append(
            OpenDecisionRow(
                decision,
                url=url(decision.pk),
                meeting_label=dates(decision.meeting_date),
                deadline_label=dates(decision.case.deadline),
            )
        )
    role_labels = _choice_labels(Seat.Role)
    invitations = list(
        StatementAuthor.objects.filter(politician=politician, accepted=False, statement__decision__justered=False)
        .select_related("statement__decision__case", "statement__decision__body")
        .prefetch_related(
            authors_prefetch("statement__"),
            authors_prefetch("statement__endorses__"),
            authors_prefetch("statement__identical_to__"),
        )
        .select_related("statement__endorses", "statement__identical_to__decision__body")
        .order_by("statement__decision__case__deadline", "pk")
    )
    # The page is chosen on the author table alone, newest statement first, along the
    # `author_politician_statements` index; only the page's statements are then read in full.
    statements = Paginator(
        StatementAuthor.objects.filter(politician=politician, accepted=True)
        .order_by("-statement_id")
        .values_list("statement_id", flat=True),
        per_page,
    ).get_page(statements_page)
    ids = list(statements.object_list)
    by_pk = {s.pk: s for s in statements_with_attribution().filter(pk__in=ids)}
    statements.object_list = [by_pk[pk] for pk in ids]
    return PoliticianOverview(
        politician=politician,
        seats=[
            SeatOverview(
                seat=s,
                open_decisions=by_body.get(s.body_id, []),
                open_total=totals.get(s.body_id, 0),
                role_label=role_labels[s.role],
            )
            for s in seats
        ],
        invitations=invitations,
        statements=statements,
    )


def decision_for_politician(decision_pk: int) -> Decision:
    """A decision with its case, body and statements ready for attribution lines."""
    return (
        Decision.objects.select_related("case", "body")
        .prefetch_related(Prefetch("statements", queryset=statements_with_attribution()))
        .get(pk=decision_pk)
    )


# --- The open API (remiss/api.py): only what is public after justering ------------------------


def _justered_decision_exists(prefix: str = "") -> Exists:
    """A justered decision by the same body in the same case as the referral at `prefix`."""
    return Exists(
        Decision.objects.filter(
            case_id=OuterRef(f"{prefix}case_id"),
            body_id=OuterRef(f"{prefix}body_id"),
            justered=True,
        )
    )


def published_referral_q(prefix: str = "") -> Q:
    """A referral whose answer is public: a nämnd's justered decision, or an office's finished opinion.

    A nämnd's opinion stays internal until its decision is justered; an office makes no decision,
    so its finished tjänsteutlåtande is its answer.
    """
    office_ready = Q(**{f"{prefix}status": _R.OPINION_READY, f"{prefix}body__kind": Body.Kind.OFFICE})
    justered = (
        Q(**{f"{prefix}status": _R.JUSTERED})
        & ~Q(**{f"{prefix}body__kind": Body.Kind.OFFICE})
        & Q(_justered_decision_exists(prefix))
    )
    return office_ready | justered


def api_cases() -> QuerySet[Case]:
    """Every registered case, newest first; the reference is unique, so the order is total."""
    return Case.objects.order_by("-received", "reference", "pk")


def api_case(case_pk: int) -> Case | None:
    """One case with the betänkande's proposals, or None."""
    return Case.objects.prefetch_related("proposals").filter(pk=case_pk).first()


def api_case_exists(case_pk: int) -> bool:
    return Case.objects.filter(pk=case_pk).exists()


@dataclass(frozen=True)
class PublishedReferral:
    """One referral as the open API shows it: whether its answer is public, and its justered decision."""

    referral: Referral  # with its body and opinion
    published: bool  # whether its opinion, position and decision may be shown
    public_decision: Decision | None  # its justered decision, None for an office or until published

    @property
    def id(self) -> int:
        return self.referral.pk

    @property
    def body(self) -> Body:
        return self.referral.body

    @property
    def deadline(self) -> date:
        return self.referral.deadline

    @property
    def status(self) -> str:
        return self.referral.status

    @property
    def order(self) -> int:
        return self.referral.order


def _published(referral: Referral, decision: Decision | None) -> PublishedReferral:
    if referral.body.makes_decisions:
        published = referral.status == _R.JUSTERED and decision is not None
    else:
        published = referral.status == _R.OPINION_READY
    return PublishedReferral(referral, published, decision if published else None)


def api_referrals(case_pk: int) -> list[PublishedReferral]:
    """The case's referrals in memo order, each with whether its answer is published and its
    justered decision. Two queries."""
    referrals = Referral.objects.filter(case_id=case_pk).select_related("body", "opinion").order_by("order", "pk")
    decisions = {d.body_id: d for d in Decision.objects.filter(case_id=case_pk, justered=True)}
    return [_published(r, decisions.get(r.body_id) if r.body.makes_decisions else None) for r in referrals]


def api_positions(case_pk: int) -> QuerySet[Position]:
    """Stances on the proposals, only for referrals whose answer is published: proposals in the
    betänkande's order, then bodies in memo order."""
    return (
        Position.objects.filter(referral__case_id=case_pk)
        .filter(published_referral_q("referral__"))
        .select_related("proposal", "referral__body")
        .order_by("proposal__order", "proposal__pk", "referral__order", "referral__pk", "pk")
    )


def _accepted_authors() -> QuerySet[StatementAuthor]:
    return StatementAuthor.objects.filter(accepted=True).select_related("politician__party")


def api_statements(case_pk: int) -> QuerySet[Statement]:
    """Statements on the case's justered decisions, with only accepted authors, ready for
    `remiss.attribution.full_line`: borgarrådsberedningen's and kommunstyrelsen's first (as in the
    memo's appendix), then each body's in memo order."""
    referral_order = Referral.objects.filter(
        case_id=OuterRef("decision__case_id"),
        body_id=OuterRef("decision__body_id"),
    ).values("order")[:1]
    return (
        Statement.objects.filter(decision__case_id=case_pk, decision__justered=True)
        .select_related("decision__body", "endorses", "identical_to__decision__body")
        .prefetch_related(
            Prefetch("authors", queryset=_accepted_authors()),
            Prefetch("endorses__authors", queryset=_accepted_authors()),
            Prefetch("identical_to__authors", queryset=_accepted_authors()),
        )
        .annotate(referral_order=Subquery(referral_order))
        .order_by(
            F("referral_order").asc(nulls_first=True),
            "decision__body__kind",
            "decision__body__name",
            "decision_id",
            "order",
            "pk",
        )
    )


def api_bodies() -> QuerySet[Body]:
    return Body.objects.order_by("name", "pk")


# --- History: every version of a text, what a nämnd changed, what a memo contains -------------

# The history pages read history rows through `remiss.provenance`; `history_row` and
# `current_of` are named here too, so that a view reads everything from one place.


def referral_with_decision(referral_pk: int) -> tuple[Referral, Decision | None]:
    """A referral with its case, body and opinion, and its body's decision (for "Vad nämnden ändrade")."""
    referral = Referral.objects.select_related("case", "body", "opinion").get(pk=referral_pk)
    decision = (
        Decision.objects.filter(case_id=referral.case_id, body_id=referral.body_id).select_related("body").first()
    )
    if decision is not None:
        decision.case = referral.case
    return referral, decision


def referral_pk_of_decision(decision_pk: int) -> int | None:
    """The referral that a nämnd's decision answers (None for a city-level decision or none at all)."""
    return (
        Referral.objects.filter(
            case__decisions__pk=decision_pk,
            body__decisions__pk=decision_pk,
        )
        .values_list("pk", flat=True)
        .first()
    )


def memo_for_versions(memo_pk: int) -> Memo:
    return Memo.objects.select_related("case", "created_by").get(pk=memo_pk)
