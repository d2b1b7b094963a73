"""Who may see and restore a text's versions: the rules of `remiss.access`, applied per kind of text."""

from __future__ import annotations

from django.db import models

from remiss import access
from remiss.history.kinds import DECISION, OPINION, STATEMENT_TEXT, TextKind, kind_for_model
from remiss.models import Case, Decision, Opinion, Statement, User


def case_of(obj: models.Model) -> Case:
    if isinstance(obj, Case):
        return obj
    if isinstance(obj, Opinion):
        return obj.referral.case
    if isinstance(obj, Statement):
        return obj.decision.case
    return obj.case  # type: ignore[attr-defined]


def _city_text_visible(user: User, case: Case) -> bool:
    if access.is_registrar(user):
        return True
    return user.is_authenticated and case.status in (Case.Status.DECIDED, Case.Status.ANSWERED)


def can_view_body_decision(user: User, body_id: int, decision: Decision | None = None) -> bool:
    """A body's decision: its officers, the registrar, and the politicians `access.can_view_statements`
    lets see it (a seat held on its meeting date, of any term, or a statement of theirs in it).
    Without a decision yet (the förvaltning's proposal alone), the politicians seated there today."""
    if access.is_registrar(user) or access.works_for(user, body_id):
        return True
    if decision is not None:
        return access.can_view_statements(user, decision)
    return access.seat_in(user, body_id) is not None


def can_view_decision(user: User, decision: Decision) -> bool:
    return can_view_body_decision(user, decision.body_id, decision)


def can_view_statement(user: User, statement: Statement) -> bool:
    """Its authors, the members of the body, the officers of the body and the registrar."""
    return can_view_decision(user, statement.decision) or statement.authors.filter(politician__user_id=user.pk).exists()


def can_view(user: User, kind: TextKind, obj: models.Model) -> bool:
    if not user.is_authenticated:
        return False
    if kind is OPINION:
        return access.can_view_opinion(user, obj.referral)  # type: ignore[attr-defined]
    if kind is DECISION:
        return can_view_decision(user, obj)  # type: ignore[arg-type]
    if kind is STATEMENT_TEXT:
        return can_view_statement(user, obj)  # type: ignore[arg-type]
    return _city_text_visible(user, case_of(obj))


def can_restore(user: User, kind: TextKind, obj: models.Model) -> bool:
    """Whoever may edit the text may restore it: the same people, the same rules."""
    if not user.is_authenticated:
        return False
    if kind is OPINION:
        return access.can_edit_opinion(user, obj.referral)  # type: ignore[attr-defined]
    if kind is DECISION:
        return access.can_act_on_decision(user, obj) or (  # type: ignore[arg-type]
            obj.body.is_city_level and access.is_registrar(user)  # type: ignore[attr-defined]
        )
    if kind is STATEMENT_TEXT:
        return access.is_statement_author(user, obj) or (  # type: ignore[arg-type]
            obj.decision.body.is_city_level and access.is_registrar(user)  # type: ignore[attr-defined]
        )
    return access.is_registrar(user)


def can_view_row(user: User, model: type[models.Model], obj: models.Model | None) -> bool:
    """One history row of any model: as its text when it is one, else (names, parties, bodies) the registrar."""
    kind = kind_for_model(model)
    if kind is not None and obj is not None:
        return can_view(user, kind, obj)
    return access.is_registrar(user)
