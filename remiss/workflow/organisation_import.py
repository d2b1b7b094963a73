"""The organisation import's one state change: save a checked file's plan, all of it or nothing.

The plan is made again inside the transaction (`remiss.organisation.plan_import`), against the
database as it is at that moment, so what is saved is what the rows say now, even when someone
changed a body in the admin between the preview and the confirmation. A plan with any error saves
nothing. Records are saved in bulk, model by model in dependency order, and every created or
changed record gets its history row with the import's reason ("Import av organisation: <file>")
and the importing user, through django-simple-history's bulk helpers.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from remiss.models import User
from remiss.organisation import ImportFile, Plan, plan_import
from remiss.organisation.context import MODEL_ORDER, Writes
from remiss.workflow.base import WorkflowError, history_reason

BATCH_SIZE = 500


class ImportRefused(WorkflowError):
    """The file has errors, so nothing was imported; `plan` holds them, row by row."""

    def __init__(self, plan: Plan):
        rows = len(plan.error_rows) + len(plan.sheet_errors)
        super().__init__(
            ngettext(
                "Filen har fel på %(n)d rad eller blad. Inget har importerats; rätta felet och försök igen.",
                "Filen har fel på %(n)d rader eller blad. Inget har importerats; rätta felen och försök igen.",
                rows,
            )
            % {"n": rows}
        )
        self.plan = plan


def import_reason(filename: str) -> str:
    return history_reason(_("Import av organisation: %(file)s") % {"file": filename})


def import_organisation(imported: ImportFile, *, by: User | None, ends_previous_on: date | None = None) -> Plan:
    """Save what `imported` says; returns the plan it followed. ImportRefused when a row has an error,
    WorkflowError when a concurrent save got in the way; either way nothing is saved."""
    try:
        with transaction.atomic():
            plan = plan_import(imported, ends_previous_on=ends_previous_on)
            if plan.has_errors:
                raise ImportRefused(plan)
            _write(plan.writes, by, import_reason(imported.filename))
    except IntegrityError as error:
        # Only another save of the same records at the same moment gets here: the plan checked every
        # key against the database inside this transaction.
        raise WorkflowError(
            _("Någon annan ändrade organisationen samtidigt. Inget har importerats; försök igen.")
        ) from error
    return plan


def _write(writes: Writes, by: User | None, reason: str) -> None:
    history = {"default_user": by, "default_change_reason": reason, "batch_size": BATCH_SIZE}
    for model in MODEL_ORDER:
        if writes.created[model]:
            bulk_create_with_history(writes.created[model], model, **history)
        if writes.updated[model]:
            # A user whose only change is their bodies has no field to update, but gets a history row.
            fields = sorted(writes.fields[model])
            bulk_update_with_history(list(writes.updated[model].values()), model, fields, **history)
        if model is User:
            _write_user_bodies(writes)


def _write_user_bodies(writes: Writes) -> None:
    through = User.bodies.through
    if writes.removed_user_bodies:
        through._default_manager.filter(pk__in=writes.removed_user_bodies).delete()
    added = [through(user_id=user.pk, body_id=body.pk) for user, bodies in writes.user_bodies for body in bodies]
    if added:
        through._default_manager.bulk_create(added, batch_size=BATCH_SIZE)
