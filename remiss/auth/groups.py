"""Role and bodies from the provider's group claim, when REMISS_OIDC_GROUP_MAP is set.

The mapping is JSON: group → {"role": ..., "bodies": [body names]}, both optional, e.g.

    {"remiss-registratorer": {"role": "registrar"},
     "soc-handlaggare": {"role": "officer", "bodies": ["Socialnämnden"]}}

With a mapping, the provider is the source of truth at every login: the role is that of the first
group in the mapping's order that the person belongs to and that names a role ("other" when none
does), and the bodies are those of all their mapped groups, so leaving a group in the city's
directory takes the rights away at the next login. Groups not in the mapping are ignored. A
superuser stays a superuser (that is kept in remiss). Without a mapping (the default) roles and
bodies are kept in remiss and the claim is not read.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from remiss import workflow
from remiss.auth import refusals
from remiss.models import Body, User

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Grants:
    role: str
    bodies: frozenset[str]


def grants_for(groups: Iterable[str], mapping: Mapping[str, Mapping[str, Any]]) -> Grants:
    member = set(groups)
    matched = [grant for group, grant in mapping.items() if group in member]
    role = next((grant["role"] for grant in matched if "role" in grant), User.Role.OTHER.value)
    return Grants(role=role, bodies=frozenset(name for grant in matched for name in grant.get("bodies", [])))


def groups_of(claims: Mapping[str, Any], claim: str) -> list[str]:
    """The person's groups; refuses when the provider left them out because there were too many
    (Microsoft Entra ID's "groups overage": `_claim_names` points elsewhere instead)."""
    value = claims.get(claim)
    if value is None and claim in (claims.get("_claim_names") or {}):
        raise refusals.groups_missing()
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        log.error("The group claim %r is neither a list nor a string: %r", claim, type(value).__name__)
        raise refusals.misconfigured()
    return [str(group) for group in value]


def apply_groups(user: User, claims: Mapping[str, Any]) -> User:
    """Set the user's role and bodies from their groups (when a mapping is configured)."""
    mapping: dict[str, dict[str, Any]] = settings.REMISS_OIDC_GROUP_MAP
    if not mapping:
        return user
    grants = grants_for(groups_of(claims, settings.REMISS_OIDC_GROUPS_CLAIM), mapping)
    bodies = list(Body.objects.filter(name__in=grants.bodies).order_by("name"))
    missing = sorted(grants.bodies - {body.name for body in bodies})
    if missing:
        log.error("REMISS_OIDC_GROUP_MAP names bodies that do not exist in remiss: %s", ", ".join(missing))
        raise refusals.misconfigured()
    return workflow.apply_login_grants(user, role=grants.role, bodies=bodies)
