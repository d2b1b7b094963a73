"""The installation's own organisation: its name and the place its decisions are signed.

Both are stored with their history in `CitySettings`, which the first-run page creates and the
Organisation section edits. Everything that names the organisation (the memo, the answer package,
the accessibility statement, the reminders) reads it here, and nowhere else.

Until an administrator has saved the settings, the name is `settings.REMISS_CITY` (the environment
variable installations used before) and the place of signing `FALLBACK_SIGNING_PLACE`, so an
existing installation keeps working, and printing what it printed, until someone sets them up.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Subquery

from remiss.models import CityProposal, CitySettings

# The place of signing before the settings are saved: the model's own default, as before there were settings.
FALLBACK_SIGNING_PLACE: str = CityProposal._meta.get_field("signed_place").get_default()


def current() -> CitySettings | None:
    """The saved settings, or None on an installation nobody has set up yet (one row at most;
    should a race ever have made two, the first saved counts)."""
    return CitySettings.objects.order_by("pk").first()


def is_set_up() -> bool:
    return CitySettings.objects.exists()


def name_or_fallback(saved: str | None) -> str:
    """The saved name, or `settings.REMISS_CITY` when none is saved: for a read that fetched the
    saved name itself (see `city_name_subquery`)."""
    return saved or settings.REMISS_CITY


def city_name() -> str:
    """'Stockholms stad': as the memo, the answer package and the statement name the organisation."""
    saved = current()
    return name_or_fallback(saved.city_name if saved is not None else None)


def signing_place() -> str:
    """'Stockholm': the place a new förslag till beslut is signed at, until the registrar changes it."""
    saved = current()
    return saved.signing_place if saved is not None else FALLBACK_SIGNING_PLACE


def city_name_subquery() -> Subquery:
    """The saved name as a subquery, for a read that takes it in its own query instead of adding
    one (the memo's read: its query count is fixed). NULL when nothing is saved."""
    return Subquery(CitySettings.objects.order_by("pk").values("city_name")[:1])
