"""What every page needs to know about logging in: whether this person may change a password here.

The menu's *Byt lösenord* is shown only to someone who has a password of their own and may use
it: an account that logs in through the city's identity provider has none, and with
REMISS_PASSWORD_LOGIN off only a superuser's password still counts."""

from __future__ import annotations

from django.http import HttpRequest

from remiss.auth import provider


def password_change(request: HttpRequest) -> dict[str, bool]:
    user = request.user
    usable = user.is_authenticated and user.has_usable_password()
    return {"may_change_password": bool(usable and (provider.password_login() or user.is_superuser))}
