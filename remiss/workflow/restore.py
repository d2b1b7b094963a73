"""Restoring an earlier version of a text: a new version with the old words, nothing deleted."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from remiss.dates import long_datetime
from remiss.models import Case, CityProposal, Decision, Opinion, Referral, Statement, User
from remiss.richtext import sanitize
from remiss.workflow.base import (
    ConflictError,
    LockedError,
    M,
    WorkflowError,
    _claim_version,
    _locked,
    _save,
    _validated,
)
from remiss.workflow.city import city_texts_refusal
from remiss.workflow.decisions import _check_meeting, _clean_points, decision_edit_refusal
from remiss.workflow.moves import _move_referral
from remiss.workflow.statements import _check_statement_refs

# The fields (attnames) a restore copies back from the old history row; everything else stays.
RESTORED_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Opinion: ("text", "proposed_decision", "date"),
    Decision: ("points", "added_text", "added_text_after_point", "meeting_date", "immediate_justering"),
    Statement: ("text", "backed_proposal", "endorses_id", "identical_to_id", "author_title"),
    CityProposal: ("decision_points", "summary", "views", "signed_place", "signed_date"),
    Case: ("background",),
}


def restore_refusal(obj: models.Model) -> LockedError | None:
    """Why this text cannot be changed back now (it is final), or None. Reads `obj` as given;
    `restore_text` asks again on the locked rows, and the history page asks to hide its buttons."""
    if isinstance(obj, Opinion):
        referral = obj.referral
        if referral.status not in (Referral.Status.REFERRED, Referral.Status.DRAFTING):
            return LockedError(
                _("Tjänsteutlåtandet kan inte ändras när remitteringen har statusen ”%(status)s”.")
                % {"status": referral.get_status_display()}
            )
    elif isinstance(obj, Decision):  # the same rule as editing: DECISION_EDIT_TABLE
        return decision_edit_refusal(obj, "edit_decision")
    elif isinstance(obj, Statement):
        return decision_edit_refusal(obj.decision, "edit_statement")
    elif isinstance(obj, (CityProposal, Case)):
        return city_texts_refusal(obj if isinstance(obj, Case) else obj.case)
    return None


def _restored_values(current: models.Model, values: dict[str, Any]) -> dict[str, Any]:
    """The old values cleaned as a save would clean them, and checked against the rules of now."""
    if isinstance(current, Opinion):
        values["text"] = sanitize(values["text"])
        values["proposed_decision"] = sanitize(values["proposed_decision"])
    elif isinstance(current, Decision):
        values["points"] = _clean_points(values["points"] or [])
        if not values["points"] and not current.body.is_city_level:
            raise WorkflowError(_("Den versionen har inga beslutspunkter och kan inte återställas."))
        values["added_text"] = sanitize(values["added_text"])
        _check_meeting(current.case, values["meeting_date"])
    elif isinstance(current, Statement):
        values["text"] = sanitize(values["text"])
        values["backed_proposal"] = " ".join((values["backed_proposal"] or "").split())
        refs: dict[str, Statement | None] = {}
        for name in ("endorses_id", "identical_to_id"):
            pk = values[name]
            refs[name] = Statement.objects.select_related("decision").filter(pk=pk).first() if pk else None
            if pk and refs[name] is None:
                raise WorkflowError(_("Uttalandet som versionen hänvisar till finns inte längre."))
        _check_statement_refs(current.decision, refs["endorses_id"], refs["identical_to_id"])
    elif isinstance(current, CityProposal):
        values["decision_points"] = _clean_points(values["decision_points"] or [])
        values["summary"] = sanitize(values["summary"])
        values["views"] = sanitize(values["views"])
    elif isinstance(current, Case):
        values["background"] = sanitize(values["background"])
    return values


@transaction.atomic
def restore_text(obj: M, history_id: int, *, by: User | None, expected_version: int | None = None) -> M:
    """Make an earlier version of a text current again: an opinion, a decision, a statement, the
    city's förslag till beslut or the case's Ärendet.

    The old row's text fields are copied into the object, which is saved through `_save` with the
    reason "Återställd till version från <date>": a new history row; nothing is deleted. Refused
    with LockedError when the text is final (see `restore_refusal`), and with WorkflowError when
    the version is not one of this text's or says what the text says now. Optimistic locking as
    for any save: `expected_version` is the version counter the person saw (for the case's
    Ärendet, `Case.version`). A mismatch is a ConflictError.
    """
    names, old = _old_version(obj, history_id)
    current = _locked_for_restore(obj)
    refusal = restore_refusal(current)
    if refusal is not None:
        raise refusal
    values = _restored_values(current, {name: getattr(old, name) for name in names})
    if all(getattr(current, name) == value for name, value in values.items()):
        raise WorkflowError(_("Den versionen är likadan som den nuvarande; det finns inget att återställa."))
    _claim_restore(current, expected_version)
    if isinstance(current, Opinion) and current.referral.status == Referral.Status.REFERRED:
        _move_referral(current.referral, "start_drafting", by, _("Arbetet med tjänsteutlåtandet påbörjat"))
    for name, value in values.items():
        setattr(current, name, value)
    if isinstance(current, Statement):
        _validated(current)
    reason = _("Återställd till version från %(when)s") % {"when": long_datetime(old.history_date)}
    return _save(current, by, reason)


def _old_version(obj: models.Model, history_id: int) -> tuple[tuple[str, ...], Any]:
    """The fields a restore copies, and the history row to copy them from (one of `obj`'s own)."""
    names = RESTORED_FIELDS.get(type(obj))
    if names is None:
        raise WorkflowError(_("Den här sortens text kan inte återställas."))
    # `history` is django-simple-history's manager, added to each model at run time.
    old = type(obj).history.filter(id=obj.pk, history_id=history_id).first()  # type: ignore[attr-defined]
    if old is None:
        raise WorkflowError(_("Versionen finns inte bland den här textens versioner."))
    return names, old


def _locked_for_restore(obj: M) -> M:
    """The text re-read under lock, with the row whose status decides whether it is final (an
    opinion's referral, a förslag till beslut's case) locked too, so neither can move meanwhile."""
    current = _locked(type(obj), obj.pk)
    if isinstance(current, Opinion):
        current.referral = _locked(Referral, current.referral_id)
    elif isinstance(current, CityProposal):
        current.case = _locked(Case, current.case_id)
    return current


def _claim_restore(current: models.Model, expected_version: int | None) -> None:
    """`_claim_version`, with a conflict message that speaks of the history page the person used."""
    try:
        _claim_version(current, expected_version)
    except ConflictError as error:
        stale = _("Texten har ändrats sedan du öppnade historiken. Se den nya versionen överst och välj igen.")
        raise ConflictError(stale, current=error.current) from error
