"""What every page needs to know about logging in: whether this person may change a password here.

The menu's *Byt lösenord* is shown only to someone who has a password of their own and may use
it: an account that logs in through the city's identity provider has none, and with
REMISS_PASSWORD_LOGIN off only a superuser's password still counts."""

from __future__ import annotations

from django.http import HttpRequest

from remiss.auth import provider


def password_change(request: HttpRequest) -> dict[str, bool]:
    # A page answered before the authentication middleware ran (the 405 and 404 of
    # remiss.middleware) has no user: it offers nothing.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_usable_password():
        return {"may_change_password": False}
    return {"may_change_password": provider.password_login() or user.is_superuser}
