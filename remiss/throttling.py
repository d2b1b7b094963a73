"""Login throttling: django-axes' rule per username and address, and a second rule per address.

django-axes counts failures per group of AXES_LOCKOUT_PARAMETERS and compares the largest count
with one limit (AXES_FAILURE_LIMIT). One limit cannot serve both rules: five failures for one
username from one address is a forgotten password, but five from a shared office address across
usernames are just colleagues' typos. Password spraying, though (a few guesses at each of many
usernames), stays under five for every username. So the settings name two groups,
[["username", "ip_address"], "ip_address"], and this handler weighs each against its own limit:
the pair against AXES_FAILURE_LIMIT, the address against REMISS_AXES_ADDRESS_FAILURE_LIMIT.
Both count failures within AXES_COOLOFF_TIME, and both locks last that long.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class AddressLimitHandler(AxesDatabaseHandler):
    """AxesDatabaseHandler with the address's own limit (see the module docstring)."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        pair, address = self.get_user_attempts(request, credentials)
        failures = _failures(pair)
        if _failures(address) >= settings.REMISS_AXES_ADDRESS_FAILURE_LIMIT:
            # The lockout page tells the person that the address, not their account, is locked.
            request.remiss_address_locked = True
            return max(failures, get_failure_limit(request, credentials))
        return failures

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        """A successful login forgives that username's failures from the address, not everyone's:
        otherwise one valid account would let a sprayer start the address's count over."""
        pair = self.filter_user_attempts(request, credentials)[0]
        count, _ = pair.delete()
        return count
