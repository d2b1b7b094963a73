"""The open API: a read-only JSON view of the city's remiss answers, with an OpenAPI schema.

A diarium, an e-archive or anyone else may reuse what the city has published: cases, the
referrals with each body's answer, the bodies' positions on the betänkande's proposals, and the
politicians' statements. Only what is public after justering is shown, never a draft:

- a nämnd's tjänsteutlåtande, position and decision appear once its decision is justered;
- an office (stadsledningskontoret) makes no decision, so its opinion appears once it is ready;
- statements appear only on justered decisions, with only the authors who accepted.

No user accounts, officers or history are exposed; the only people named are the politicians
on published statements. Everything is GET and needs no login (other methods get 405).

The schema is at /api/openapi.json. The interactive docs (/api/docs) use Ninja's Swagger UI
served from its own static files, never a CDN, so they exist only when "ninja" is in
INSTALLED_APPS (which is what lets Django find those files); otherwise there is no docs page.
"""

import datetime as dt
from typing import Any, Literal

from django.conf import settings
from django.db.models import TextChoices
from ninja import Field, NinjaAPI, Path, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.renderers import JSONRenderer

from remiss import queries
from remiss.attribution import full_line
from remiss.models import Body, Case, Position, Proposal, Referral, Statement
from remiss.queries import PublishedReferral
from remiss.richtext import sanitize, to_plain

# Ids are database integers; bounding them keeps a huge number a 422, not a database error.
MAX_ID = 2**31 - 1
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_OFFSET = 1_000_000


def _literal(choices: type[TextChoices]) -> Any:
    """A Literal of a TextChoices' codes, so the schema lists the allowed values."""
    return Literal[tuple(choices.values)]


def _label(choices: type[TextChoices], value: str) -> str:
    """The Swedish label of a code ("justered" → "Justerad")."""
    return str(choices(value).label)


class Pagination(LimitOffsetPagination):
    """limit/offset paging with bounds, so every page is small and every offset a valid one."""

    class Input(Schema):
        limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Antal poster per sida.")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Antal poster att hoppa över.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_PAGE_SIZE, **kwargs)


class UnicodeJSONRenderer(JSONRenderer):
    """Swedish letters as themselves, not \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


def _docs_url() -> str | None:
    return "/docs" if "ninja" in settings.INSTALLED_APPS else None


api = NinjaAPI(
    title="Remisshantering – öppet API",
    version="1",
    description=(
        "Read-only access to the city's consultation answers (remissvar): cases, referrals, "
        "positions per proposal and published political statements. Only what is public after "
        "justering is included; drafts never are. Codes come with their Swedish label."
    ),
    urls_namespace="api",
    docs_url=_docs_url(),
    renderer=UnicodeJSONRenderer(),
)


# --- Schemas ----------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    """A parameter out of range or of the wrong type: Ninja's (pydantic's) list of errors."""

    detail: list[dict[str, Any]]


class BodyOut(Schema):
    id: int
    name: str
    kind: _literal(Body.Kind)  # type: ignore[valid-type]
    kind_label: str
    administration: str = Field(description="The body's administration (förvaltning), which writes its opinion.")

    @staticmethod
    def resolve_kind_label(obj: Body) -> str:
        return _label(Body.Kind, obj.kind)


class BodyRef(Schema):
    id: int
    name: str
    kind: _literal(Body.Kind)  # type: ignore[valid-type]
    kind_label: str

    @staticmethod
    def resolve_kind_label(obj: Body) -> str:
        return _label(Body.Kind, obj.kind)


class CaseOut(Schema):
    id: int
    reference: str = Field(description="The betänkande's designation, e.g. SOU 2022:67.")
    title: str
    sender: str = Field(description="The ministry that sent the remiss.")
    ministry_dnr: str = Field(description="The ministry's registration number (diarienummer).")
    city_dnr: str = Field(description="The city's registration number (diarienummer).")
    received: dt.date
    deadline: dt.date = Field(description="Remisstid: the date the ministry wants the city's answer by.")
    status: _literal(Case.Status)  # type: ignore[valid-type]
    status_label: str

    @staticmethod
    def resolve_status_label(obj: Case) -> str:
        return _label(Case.Status, obj.status)


class ProposalOut(Schema):
    id: int
    number: str
    kind: _literal(Proposal.Kind)  # type: ignore[valid-type]
    kind_label: str
    title: str
    section: str = Field(
        description='The section of the betänkande that treats it, e.g. "8.2"; empty when not recorded.'
    )

    @staticmethod
    def resolve_kind_label(obj: Proposal) -> str:
        return _label(Proposal.Kind, obj.kind)


class CaseDetailOut(CaseOut):
    proposals: list[ProposalOut] = Field(description="The betänkande's numbered proposals and assessments.")

    @staticmethod
    def resolve_proposals(obj: Case) -> list[Proposal]:
        return list(obj.proposals.all())


class OpinionOut(Schema):
    date: dt.date | None = Field(description="The date of the tjänsteutlåtande.")
    html: str = Field(description="The tjänsteutlåtande, sanitised HTML (p, h3, h4, ul, ol, li, strong, em, br).")
    text: str = Field(description="The same as plain text.")


class DecisionOut(Schema):
    id: int
    meeting_date: dt.date | None
    points: list[str] = Field(description="The numbered decision points.")
    added_text_html: str = Field(
        description="The body's own text beyond the administration's proposal, sanitised HTML."
    )
    added_text: str = Field(description="The same as plain text.")
    added_text_after_point: int
    immediate_justering: bool


class ReferralOut(Schema):
    id: int
    body: BodyRef
    deadline: dt.date = Field(description="The body's internal deadline.")
    status: _literal(Referral.Status)  # type: ignore[valid-type]
    status_label: str
    order: int = Field(description="The body's place in the memo.")
    published: bool = Field(
        description="Whether the body's answer is public (justered, or an office's finished opinion)."
    )
    position: str | None = Field(description="The body's position in a sentence or two; null until published.")
    opinion: OpinionOut | None = Field(description="The tjänsteutlåtande; null until published.")
    decision: DecisionOut | None = Field(
        description="The body's justered decision; null for an office or until justered."
    )

    @staticmethod
    def resolve_status_label(obj: PublishedReferral) -> str:
        return _label(Referral.Status, obj.status)

    @staticmethod
    def resolve_position(obj: PublishedReferral) -> str | None:
        return obj.referral.position if obj.published else None

    @staticmethod
    def resolve_opinion(obj: PublishedReferral) -> dict[str, Any] | None:
        opinion = getattr(obj.referral, "opinion", None) if obj.published else None
        if opinion is None:
            return None
        html = sanitize(opinion.text)
        return {"date": opinion.date, "html": html, "text": to_plain(html)}

    @staticmethod
    def resolve_decision(obj: PublishedReferral) -> dict[str, Any] | None:
        decision = obj.public_decision
        if decision is None:
            return None
        html = sanitize(decision.added_text)
        return {
            "id": decision.pk,
            "meeting_date": decision.meeting_date,
            "points": list(decision.points),
            "added_text_html": html,
            "added_text": to_plain(html),
            "added_text_after_point": decision.added_text_after_point,
            "immediate_justering": decision.immediate_justering,
        }


class PositionOut(Schema):
    proposal: ProposalOut
    body: BodyRef
    referral_id: int
    stance: _literal(Position.Stance)  # type: ignore[valid-type]
    stance_label: str
    comment: str

    @staticmethod
    def resolve_body(obj: Position) -> Body:
        return obj.referral.body

    @staticmethod
    def resolve_stance_label(obj: Position) -> str:
        return _label(Position.Stance, obj.stance)


class AuthorOut(Schema):
    name: str
    party: str = Field(description="The party's abbreviation, e.g. M.")
    party_name: str
    and_others: bool = Field(description='"m.fl.": the author speaks for more of their party group.')


class StatementDecisionOut(Schema):
    id: int
    body: BodyRef
    meeting_date: dt.date | None


class StatementOut(Schema):
    id: int
    kind: _literal(Statement.Kind)  # type: ignore[valid-type]
    kind_label: str
    attribution: str = Field(
        description='The attribution line as the memo prints it, e.g. "Särskilt uttalande av ...".'
    )
    decision: StatementDecisionOut
    authors: list[AuthorOut]
    html: str = Field(description="The statement's own text, sanitised HTML; empty for one identical to another.")
    text: str = Field(description="The same as plain text.")
    backed_proposal: str = Field(description="For a reservation: the proposal the member backed (yrkade bifall till).")
    endorses_id: int | None = Field(description="The statement this one backs (ställde sig bakom).")
    identical_to_id: int | None = Field(description="The statement this one is identical to (likalydande med).")
    order: int

    @staticmethod
    def resolve_kind_label(obj: Statement) -> str:
        return _label(Statement.Kind, obj.kind)

    @staticmethod
    def resolve_attribution(obj: Statement) -> str:
        return full_line(obj)

    @staticmethod
    def resolve_authors(obj: Statement) -> list[dict[str, Any]]:
        return [
            {
                "name": a.politician.full_name,
                "party": a.politician.party.abbreviation,
                "party_name": a.politician.party.name,
                "and_others": a.and_others,
            }
            for a in obj.authors.all()
            if a.accepted
        ]

    @staticmethod
    def resolve_html(obj: Statement) -> str:
        return "" if obj.identical_to_id else sanitize(obj.text)

    @staticmethod
    def resolve_text(obj: Statement) -> str:
        return "" if obj.identical_to_id else to_plain(sanitize(obj.text))

    @staticmethod
    def resolve_identical_to_id(obj: Statement) -> int | None:
        # Only point at a statement that is itself published.
        other = obj.identical_to
        return other.pk if other is not None and other.decision.justered else None


# --- Endpoints --------------------------------------------------------------------------------


def _case_id() -> Any:
    return Path(..., ge=1, le=MAX_ID, description="The case's id.")


INVALID = {422: ValidationErrorOut}
NOT_FOUND = {404: ErrorOut, **INVALID}


def _require_case(case_id: int) -> None:
    if not queries.api_case_exists(case_id):
        raise HttpError(404, "Ärendet finns inte.")


@api.get("/cases", response={200: list[CaseOut], **INVALID}, tags=["cases"], summary="List cases")
@paginate(Pagination)
def list_cases(request):
    """Every case the city has registered, newest first."""
    return queries.api_cases()


@api.get("/cases/{case_id}", response={200: CaseDetailOut, **NOT_FOUND}, tags=["cases"], summary="One case")
def get_case(request, case_id: int = _case_id()):
    """One case with the betänkande's proposals and assessments."""
    case = queries.api_case(case_id)
    if case is None:
        raise HttpError(404, "Ärendet finns inte.")
    return case


@api.get(
    "/cases/{case_id}/referrals",
    response={200: list[ReferralOut], **NOT_FOUND},
    tags=["cases"],
    summary="The case's referrals and answers",
)
@paginate(Pagination)
def list_referrals(request, case_id: int = _case_id()):
    """The bodies the case was referred to, in memo order, each with its answer once published."""
    _require_case(case_id)
    return queries.api_referrals(case_id)


@api.get(
    "/cases/{case_id}/positions",
    response={200: list[PositionOut], **NOT_FOUND},
    tags=["cases"],
    summary="Positions per proposal",
)
@paginate(Pagination)
def list_positions(request, case_id: int = _case_id()):
    """Each published body's stance on each proposal (proposals × bodies); a missing pair is a gap."""
    _require_case(case_id)
    return queries.api_positions(case_id)


@api.get(
    "/cases/{case_id}/statements",
    response={200: list[StatementOut], **NOT_FOUND},
    tags=["cases"],
    summary="Published statements",
)
@paginate(Pagination)
def list_statements(request, case_id: int = _case_id()):
    """Särskilda uttalanden, reservationer and ersättaryttranden on the case's justered decisions."""
    _require_case(case_id)
    return queries.api_statements(case_id)


@api.get("/bodies", response={200: list[BodyOut], **INVALID}, tags=["bodies"], summary="List bodies")
@paginate(Pagination)
def list_bodies(request):
    """The answering bodies and the city-level bodies, by name."""
    return queries.api_bodies()


# What remiss/urls.py includes at /api/: `include("remiss.api", namespace="api")`.
urlpatterns, app_name, _namespace = api.urls
