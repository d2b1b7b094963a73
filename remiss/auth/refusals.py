"""Why a login through the city's identity provider was refused: a Swedish page for each case.

The backend and the provider module raise these; the callback view turns each into its page
(templates/remiss/auth/refused.html) with the status given here, so no answer of the provider and
no tampered address ever becomes a 500.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.utils.translation import gettext as _


def contact() -> str:
    return settings.REMISS_LOGIN_CONTACT


class LoginRefused(Exception):
    """A login that did not go through. `title` and `message` are what the person reads."""

    status: ClassVar[int] = 400
    # A person who can do something about it (try again) gets the link back to the login page.
    try_again: ClassVar[bool] = True

    def __init__(self, message: str, *, title: str = ""):
        super().__init__(message)
        self.message = message
        self.title = title or _("Inloggningen misslyckades")


class UnknownPerson(LoginRefused):
    """Logged in at the provider, but no user in remiss has the claim's value: no user is made."""

    status: ClassVar[int] = 403
    try_again: ClassVar[bool] = False


class NotAllowed(LoginRefused):
    """A user in remiss, but one who may not log in (deactivated, or matched twice)."""

    status: ClassVar[int] = 403
    try_again: ClassVar[bool] = False


class ProviderUnavailable(LoginRefused):
    """The provider did not answer, or answered with an error of its own."""

    status: ClassVar[int] = 503


def unknown_person(described: str) -> UnknownPerson:
    return UnknownPerson(
        _(
            "Du loggade in med stadens konto som %(who)s, men det finns ingen användare med de uppgifterna "
            "i remisshanteringen. Inget konto har skapats. Kontakta %(contact)s för att få tillgång."
        )
        % {"who": described, "contact": contact()},
        title=_("Du finns inte i remiss"),
    )


def inactive() -> NotAllowed:
    return NotAllowed(
        _("Ditt konto i remisshanteringen är avstängt. Kontakta %(contact)s om du ska ha tillgång.")
        % {"contact": contact()},
        title=_("Kontot är avstängt"),
    )


def ambiguous(described: str) -> NotAllowed:
    return NotAllowed(
        _(
            "Flera användare i remisshanteringen har samma uppgifter som ditt konto (%(who)s), så det går "
            "inte att avgöra vem du är. Kontakta %(contact)s."
        )
        % {"who": described, "contact": contact()},
    )


def misconfigured() -> NotAllowed:
    return NotAllowed(
        _(
            "Inloggningen med stadens konto är felinställd och kunde inte slutföras. Kontakta %(contact)s "
            "och berätta när det hände."
        )
        % {"contact": contact()},
    )


def groups_missing() -> NotAllowed:
    return NotAllowed(
        _(
            "Stadens inloggningstjänst skickade inte med dina grupper, så din behörighet i remiss kan inte "
            "avgöras. Kontakta %(contact)s."
        )
        % {"contact": contact()},
    )


def not_verified() -> LoginRefused:
    return LoginRefused(
        _(
            "Svaret från stadens inloggningstjänst hörde inte till den här inloggningen eller kunde inte "
            "kontrolleras, så det godtogs inte. Börja om inloggningen."
        )
    )


def code_refused() -> LoginRefused:
    return LoginRefused(
        _(
            "Inloggningen hann gå ut eller har redan använts, så stadens inloggningstjänst godtog den inte. "
            "Börja om inloggningen."
        )
    )


def cancelled() -> LoginRefused:
    return LoginRefused(_("Inloggningen avbröts eller nekades hos stadens inloggningstjänst."))


def incomplete() -> LoginRefused:
    return LoginRefused(
        _("Inloggningen kunde inte slutföras, till exempel för att den påbörjades i en annan webbläsare. Börja om.")
    )


def unavailable() -> ProviderUnavailable:
    return ProviderUnavailable(
        _("Stadens inloggningstjänst svarar inte just nu. Försök igen om en stund."),
        title=_("Inloggningstjänsten svarar inte"),
    )
