"""Statements on a decision (särskilda uttalanden, reservationer, ersättaryttranden) and their
authors: adding, correcting, removing, and the co-authors' invitations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from remiss.attribution import full_line
from remiss.models import MAX_AUTHORS, Decision, Politician, Statement, StatementAuthor, User
from remiss.richtext import sanitize
from remiss.workflow.base import WorkflowError, _claim_version, _delete, _locked, _save, _validated
from remiss.workflow.decisions import _ensure_decision_edit, _locked_decision, ensure_editable


@dataclass(frozen=True)
class AuthorSpec:
    politician: Politician
    and_others: bool = False
    accepted: bool = True


def _check_statement_refs(decision: Decision, endorses: Statement | None, identical_to: Statement | None) -> None:
    if endorses is not None and endorses.decision_id != decision.pk:
        raise WorkflowError(_("Man kan bara ställa sig bakom ett uttalande i samma beslut."))
    if identical_to is not None and identical_to.decision.case_id != decision.case_id:
        raise WorkflowError(_("Ett likalydande uttalande måste höra till samma ärende."))


@transaction.atomic
def add_statement(
    decision: Decision,
    *,
    kind: str,
    authors: Sequence[AuthorSpec],
    text: str = "",
    backed_proposal: str = "",
    endorses: Statement | None = None,
    identical_to: Statement | None = None,
    author_title: str = "",
    by: User | None,
) -> Statement:
    """Attach a statement. The first author is its owner; later ones are co-authors."""
    decision = _locked(Decision, decision.pk)
    ensure_editable(decision)
    _check_authors(authors)
    _check_statement_refs(decision, endorses, identical_to)
    order = (decision.statements.aggregate(m=Max("order"))["m"] or 0) + 1
    statement = Statement(
        decision=decision,
        kind=kind,
        text=sanitize(text),
        backed_proposal=" ".join(backed_proposal.split()),
        endorses=endorses,
        identical_to=identical_to,
        author_title=author_title.strip(),
        order=order,
        created_by=by,
    )
    _validated(statement)
    _save(statement, by, _("Uttalande tillagt"))
    for position, spec in enumerate(authors, start=1):
        author = StatementAuthor(
            statement=statement,
            politician=spec.politician,
            and_others=spec.and_others,
            accepted=spec.accepted,
            order=position,
        )
        _validated(author)
        _save(author, by, _("Författare tillagd") if spec.accepted else _("Medförfattare inbjuden"))
    return statement


@transaction.atomic
def edit_statement(
    statement: Statement,
    *,
    by: User | None,
    expected_version: int | None = None,
    authors: Sequence[AuthorSpec] | None = None,
    **fields: Any,
) -> Statement:
    """Change a statement until its decision is justered or the case answered.

    `fields` are the statement's own (text, kind, backed proposal, endorses, identical_to, title).
    `authors`, when given, is the new ordered list of its authors (the registrar's edit, copying
    the minutes): they are all accepted; authors left out are removed, each removal a history row;
    invitations nobody has answered stay, after them, unless the list names the invitee.
    """
    decision = _locked_decision(Statement.objects.values_list("decision_id", flat=True).get(pk=statement.pk))
    statement = _locked(Statement, statement.pk)  # case, decision, statement: one lock order
    statement.decision = decision
    _ensure_decision_edit(statement.decision, "edit_statement")
    allowed = {"text", "kind", "backed_proposal", "endorses", "identical_to", "author_title"}
    unknown = set(fields) - allowed
    if unknown:
        raise WorkflowError(_("Fälten %(f)s ändras inte här.") % {"f": ", ".join(sorted(unknown))})
    if "text" in fields:
        fields["text"] = sanitize(fields["text"])
    if "backed_proposal" in fields:
        fields["backed_proposal"] = " ".join((fields["backed_proposal"] or "").split())
    if "author_title" in fields:
        fields["author_title"] = (fields["author_title"] or "").strip()
    if authors is not None:
        _check_authors(authors)
    _check_statement_refs(
        statement.decision,
        fields.get("endorses", statement.endorses),
        fields.get("identical_to", statement.identical_to),
    )
    _claim_version(statement, expected_version)
    for name, value in fields.items():
        setattr(statement, name, value)
    _validated(statement)
    _save(statement, by, _("Uttalandet ändrat"))
    if authors is not None:
        _replace_authors(statement, authors, by)
    elif "kind" in fields:
        for author in statement.authors.all():  # the seat rules depend on the kind
            author.statement = statement
            _validated(author)
    return statement


def _check_authors(authors: Sequence[AuthorSpec]) -> None:
    if not authors:
        raise WorkflowError(_("Ett uttalande måste ha minst en författare."))
    if len(authors) > MAX_AUTHORS:
        raise WorkflowError(_("Ett uttalande kan ha högst %(n)d författare.") % {"n": MAX_AUTHORS})
    if len({a.politician.pk for a in authors}) != len(authors):
        raise WorkflowError(_("Samma person kan inte stå två gånger bland författarna."))


def _replace_authors(statement: Statement, authors: Sequence[AuthorSpec], by: User | None) -> None:
    """Make the statement's accepted authors exactly `authors`, in that order (see edit_statement)."""
    existing = {a.politician_id: a for a in statement.authors.select_related("politician")}
    named = {spec.politician.pk for spec in authors}
    for author in existing.values():
        if author.politician_id not in named and author.accepted:
            _delete(author, by, _("Författare borttagen"))
    for position, spec in enumerate(authors, start=1):
        found = existing.get(spec.politician.pk)
        if found is None:
            author = StatementAuthor(statement=statement, politician=spec.politician, accepted=True)
            reason = _("Författare tillagd")
        else:
            author = found
            unchanged = (author.order, author.and_others, author.accepted) == (position, spec.and_others, True)
            reason = "" if unchanged else _("Författare ändrad")
        author.statement = statement  # validated against the statement's kind as it is now
        author.order, author.and_others, author.accepted = position, spec.and_others, True
        _validated(author)
        if reason:
            _save(author, by, reason)
    pending = [a for a in existing.values() if not a.accepted and a.politician_id not in named]
    for position, author in enumerate(sorted(pending, key=lambda a: (a.order, a.pk)), start=len(authors) + 1):
        author.statement = statement
        _validated(author)
        if author.order != position:
            author.order = position
            _save(author, by, _("Författare ändrad"))


@transaction.atomic
def remove_statement(statement: Statement, *, by: User | None, expected_version: int | None = None) -> None:
    """Delete a statement and its authors, until its decision is justered or the case answered.

    Nothing is lost: django-simple-history writes a deletion row for the statement and for each
    author, with the user and the reason. A statement that another one endorses or copies
    (likalydande) cannot go while they point at it.
    """
    decision = _locked_decision(Statement.objects.values_list("decision_id", flat=True).get(pk=statement.pk))
    statement = _locked(Statement, statement.pk)  # case, decision, statement: one lock order
    statement.decision = decision
    _ensure_decision_edit(statement.decision, "remove_statement")
    referring = list(
        Statement.objects.filter(models.Q(endorses=statement) | models.Q(identical_to=statement))
        .select_related("decision__body")
        .prefetch_related("authors__politician__party")
    )
    if referring:
        raise WorkflowError(
            _(
                "Uttalandet kan inte tas bort, eftersom andra uttalanden hänvisar till det: %(list)s. "
                "Ändra eller ta bort dem först."
            )
            % {"list": "; ".join(full_line(s) for s in referring)}
        )
    _claim_version(statement, expected_version)
    reason = _("Uttalandet borttaget")
    for author in statement.authors.all():
        _delete(author, by, reason)
    _delete(statement, by, reason)


@transaction.atomic
def set_and_others(
    statement: Statement,
    *,
    politician: Politician,
    and_others: bool,
    by: User | None,
    expected_version: int | None = None,
) -> StatementAuthor:
    """Set or clear the "m.fl." mark of one accepted author of the statement, under the same
    rule as `edit_statement` (until the decision is justered or the case answered).

    Only that author's row changes, with its own history row. With `expected_version` the
    statement's version is claimed as `edit_statement` does; the politician's edit form saves the
    text first (which claims it) and then calls this in the same transaction, without it.
    """
    decision = _locked_decision(Statement.objects.values_list("decision_id", flat=True).get(pk=statement.pk))
    statement = _locked(Statement, statement.pk)  # case, decision, statement: one lock order
    statement.decision = decision
    _ensure_decision_edit(decision, "edit_statement")
    author = statement.authors.filter(politician=politician, accepted=True).first()
    if author is None:
        raise WorkflowError(_("%(name)s står inte bland uttalandets författare.") % {"name": politician.full_name})
    if expected_version is not None:
        _claim_version(statement, expected_version)
    if author.and_others == and_others:
        return author  # nothing changed: no empty history row
    author.and_others = and_others
    return _save(author, by, _("”m.fl.” tillagt") if and_others else _("”m.fl.” borttaget"))


@transaction.atomic
def invite_coauthor(
    statement: Statement, *, politician: Politician, and_others: bool = False, by: User | None
) -> StatementAuthor:
    statement = _locked(Statement, statement.pk)
    ensure_editable(statement.decision)
    if statement.authors.count() >= MAX_AUTHORS:
        raise WorkflowError(_("Ett uttalande kan ha högst %(n)d författare.") % {"n": MAX_AUTHORS})
    if statement.authors.filter(politician=politician).exists():
        raise WorkflowError(_("%(name)s står redan bland författarna.") % {"name": politician.full_name})
    order = (statement.authors.aggregate(m=Max("order"))["m"] or 0) + 1
    author = StatementAuthor(
        statement=statement, politician=politician, and_others=and_others, accepted=False, order=order
    )
    _validated(author)
    return _save(author, by, _("Medförfattare inbjuden"))


@transaction.atomic
def accept_coauthorship(author: StatementAuthor, *, by: User | None) -> StatementAuthor:
    author = _locked(StatementAuthor, author.pk)
    ensure_editable(author.statement.decision)
    if author.accepted:
        raise WorkflowError(_("Inbjudan är redan accepterad."))
    author.accepted = True
    return _save(author, by, _("Medförfattarskap accepterat"))


@transaction.atomic
def decline_coauthorship(author: StatementAuthor, *, by: User | None) -> None:
    author = _locked(StatementAuthor, author.pk)
    ensure_editable(author.statement.decision)
    if author.accepted:
        raise WorkflowError(_("En accepterad författare kan inte tacka nej i efterhand."))
    _delete(author, by, _("Inbjudan avböjd"))


@transaction.atomic
def edit_own_statement(
    statement: Statement,
    *,
    politician: Politician,
    and_others: bool,
    invitees: Sequence[Politician] = (),
    by: User | None,
    expected_version: int | None = None,
    **fields: Any,
) -> Statement:
    """A politician's edit of their own statement in one transaction: `edit_statement` with the
    statement's own fields (which claims `expected_version`), then `set_and_others` for the
    editing politician's own "m.fl." only, then `invite_coauthor` for each invitee, in order.
    A refusal of any step (a full statement, an invitee already among the authors) leaves the
    text, the mark and every invitation as they were.
    """
    edited = edit_statement(statement, by=by, expected_version=expected_version, **fields)
    # The version was claimed just above, so this step claims none.
    set_and_others(statement, politician=politician, and_others=and_others, by=by)
    for invitee in invitees:
        invite_coauthor(statement, politician=invitee, by=by)
    return edited
