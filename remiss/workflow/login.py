"""What a login through the city's identity provider may change: the role and bodies its groups grant.

`remiss.auth.groups` reads the groups and decides the grants; the save is here, like every other
change, so it is locked, compared and recorded with a reason in the user's history."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from remiss.models import Body, User
from remiss.workflow.base import _attribute


@transaction.atomic
def apply_login_grants(user: User, *, role: str, bodies: Sequence[Body]) -> User:
    """Set `user`'s role and bodies to what their groups grant; writes nothing when nothing changed.

    Only the role column is saved (not the whole user through `_save`): an imported account has no
    usable password, which full validation of the user would refuse."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.role == role and set(locked.bodies.values_list("pk", flat=True)) == {b.pk for b in bodies}:
        return user
    locked.role = role
    names = ", ".join(body.name for body in bodies) or _("inga")
    _attribute(
        locked,
        locked,
        _("Roll (%(role)s) och organ (%(bodies)s) från stadens grupper vid inloggningen")
        % {"role": locked.get_role_display(), "bodies": names},
    )
    locked.save(update_fields=["role"])
    locked.bodies.set(bodies)
    user.role = locked.role
    return user
