"""The city's own texts: the case's Ärendet (the background) and the commissioner's förslag till
beslut, with the one rule for when they become final."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from remiss.city import signing_place
from remiss.models import Case, CityProposal, User
from remiss.richtext import sanitize
from remiss.workflow.base import LockedError, WorkflowError, _claim_version, _locked, _save
from remiss.workflow.decisions import _clean_points


def city_texts_refusal(case: Case) -> LockedError | None:
    """Why the city's own texts (Ärendet and the förslag till beslut) can no longer change, or None.

    Both are what kommunstyrelsen decides on, so once it has decided (and after the answer has
    gone to the ministry) they are final: editing and restoring alike. The one rule for both
    the workflow's refusals and the pages that show the texts read-only instead of a form.
    """
    if case.status in (Case.Status.DECIDED, Case.Status.ANSWERED):
        return LockedError(
            _("Kommunstyrelsen har beslutat i ärendet. Ärendet och förslaget till beslut kan inte längre ändras.")
        )
    return None


@transaction.atomic
def save_background(case: Case, *, text: str, by: User | None, expected_version: int | None = None) -> Case:
    """Save the memo's Ärendet (the background), with optimistic locking on `Case.version`."""
    case = _locked(Case, case.pk)
    refusal = city_texts_refusal(case)
    if refusal is not None:
        raise refusal
    _claim_version(case, expected_version)
    case.background = sanitize(text)
    return _save(case, by, _("Ärendet sparat"))


@transaction.atomic
def save_city_proposal(
    case: Case,
    *,
    by: User | None,
    expected_version: int | None = None,
    **fields: Any,
) -> CityProposal:
    """Edit the commissioner's förslag till beslut: points, summary, views, place and date."""
    case = _locked(Case, case.pk)
    refusal = city_texts_refusal(case)
    if refusal is not None:
        raise refusal
    allowed = {"decision_points", "summary", "views", "signed_place", "signed_date"}
    unknown = set(fields) - allowed
    if unknown:
        raise WorkflowError(_("Fälten %(f)s ändras inte här.") % {"f": ", ".join(sorted(unknown))})
    proposal, _created = CityProposal.objects.get_or_create(case=case, defaults={"signed_place": signing_place()})
    for name in ("summary", "views"):
        if name in fields:
            fields[name] = sanitize(fields[name])
    if "decision_points" in fields:
        fields["decision_points"] = _clean_points(fields["decision_points"])
    _claim_version(proposal, expected_version)
    for name, value in fields.items():
        setattr(proposal, name, value)
    _save(proposal, by, _("Förslag till beslut sparat"))
    return proposal
