"""People and bodies: users, parties, answering and city-level bodies, politicians and seats."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.expressions import Combinable
from django.utils.translation import gettext_lazy as _

from remiss.dates import long_date
from remiss.models.common import genitive, history


class User(AbstractUser):
    """A person who logs in: the registrar, an officer of one or more bodies, or a politician."""

    class Role(models.TextChoices):
        REGISTRAR = "registrar", _("Registrator")
        OFFICER = "officer", _("Handläggare")
        POLITICIAN = "politician", _("Politiker")
        ADMIN = "admin", _("Administratör")
        OTHER = "other", _("Övrig")

    role = models.CharField(_("roll"), max_length=20, choices=Role.choices, default=Role.OTHER)
    bodies: models.ManyToManyField[Body, models.Model] = models.ManyToManyField(
        "Body",
        blank=True,
        related_name="staff",
        verbose_name=_("arbetar för"),
        help_text=_("De nämnder eller kontor som handläggaren arbetar för."),
    )
    # The city's own id of the person (anställnings- or HSA-id), which the identity provider's
    # claim can be matched against instead of the e-mail address.
    employee_id = models.CharField(
        _("anställnings-id"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Stadens id för personen, t.ex. anställningsnummer; kan användas vid inloggning."),
    )
    # The secret in the address of the user's private calendar feed; made on first use.
    calendar_token = models.CharField(
        _("kalendernyckel"), max_length=64, null=True, blank=True, unique=True, editable=False
    )
    history = history()

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")

    @property
    def is_registrar(self) -> bool:
        return self.role == self.Role.REGISTRAR

    @property
    def is_officer(self) -> bool:
        return self.role == self.Role.OFFICER


class Party(models.Model):
    abbreviation = models.CharField(_("förkortning"), max_length=10, unique=True)
    name = models.CharField(_("namn"), max_length=100, unique=True)
    genitive = models.CharField(_("genitiv"), max_length=100, help_text=_("T.ex. Moderaternas."))
    history = history()

    class Meta:
        verbose_name = _("parti")
        verbose_name_plural = _("partier")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.abbreviation})"


class Body(models.Model):
    """An answering body or a city-level body: it has a name and an administration that writes."""

    class Kind(models.TextChoices):
        OFFICE = "office", _("Kontor")
        FACKNAMND = "facknamnd", _("Facknämnd")
        STADSDELSNAMND = "stadsdelsnamnd", _("Stadsdelsnämnd")
        BORGARRADSBEREDNINGEN = "borgarradsberedningen", _("Borgarrådsberedningen")
        KOMMUNSTYRELSEN = "kommunstyrelsen", _("Kommunstyrelsen")

    name = models.CharField(_("namn"), max_length=150, unique=True)
    name_in_text = models.CharField(
        _("namn i löptext"),
        max_length=150,
        help_text=_("Som namnet skrivs mitt i en mening, t.ex. socialnämnden."),
    )
    kind = models.CharField(_("typ"), max_length=30, choices=Kind.choices)
    administration = models.CharField(
        _("förvaltning"),
        max_length=150,
        help_text=_("T.ex. Socialförvaltningen eller Skarpnäcks stadsdelsförvaltning."),
    )
    # A body that was abolished or reorganised away: it takes no new referrals and seats, and every
    # case it answered keeps it as it was.
    closed_on = models.DateField(
        _("nedlagd den"), null=True, blank=True, help_text=_("Lämna tomt så länge organet finns.")
    )
    history = history()

    class Meta:
        verbose_name = _("organ")
        verbose_name_plural = _("organ")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def makes_decisions(self) -> bool:
        """An office only writes; every other body decides at a meeting."""
        return self.kind != self.Kind.OFFICE

    @property
    def is_city_level(self) -> bool:
        return self.kind in (self.Kind.BORGARRADSBEREDNINGEN, self.Kind.KOMMUNSTYRELSEN)

    def is_open_on(self, day: date) -> bool:
        return self.closed_on is None or day < self.closed_on

    @property
    def administration_genitive(self) -> str:
        return genitive(self.administration)


def derived_name_in_text(name: str, kind: str) -> str:
    """How a body's name reads mid-sentence when nobody wrote it: "Socialnämnden" → "socialnämnden",
    "Stadsledningskontoret" → "stadsledningskontoret". A stadsdelsnämnd's name begins with its
    district ("Skarpnäcks stadsdelsnämnd"), and so does any name whose first word is a genitive
    ("Stockholms stadsarkiv"): proper nouns keep their capital. The organisation import and the
    Organisation section's body form both derive it here."""
    words = name.split()
    if kind == Body.Kind.STADSDELSNAMND or (len(words) > 1 and words[0].endswith("s")):
        return name
    return name[:1].lower() + name[1:]


class Politician(models.Model):
    first_name = models.CharField(_("förnamn"), max_length=100)
    last_name = models.CharField(_("efternamn"), max_length=100)
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="politicians", verbose_name=_("parti"))
    user = models.OneToOneField(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="politician",
        verbose_name=_("användarkonto"),
    )
    history = history()

    class Meta:
        verbose_name = _("politiker")
        verbose_name_plural = _("politiker")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.party.abbreviation})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Term(models.Model):
    """A mandatperiod: the four years an election fills the seats for, e.g. 2023–2026."""

    name = models.CharField(_("namn"), max_length=30, unique=True, help_text=_("T.ex. 2023–2026."))
    starts = models.DateField(_("börjar"))
    ends = models.DateField(_("slutar"))
    history = history()

    class Meta:
        verbose_name = _("mandatperiod")
        verbose_name_plural = _("mandatperioder")
        ordering = ["starts"]
        constraints = [
            models.CheckConstraint(condition=Q(starts__lte=models.F("ends")), name="term_starts_before_ends")
        ]

    def __str__(self) -> str:
        return f"Mandatperiod {self.name}"


def seat_valid_on(day: date | Combinable) -> Q:
    """Seats that hold on `day`: an open end on either side means the seat holds that way. `day` may
    be an expression (`OuterRef("date")`) for seats holding on each row's own day."""
    return (Q(starts__isnull=True) | Q(starts__lte=day)) & (Q(ends__isnull=True) | Q(ends__gte=day))


class Seat(models.Model):
    """A politician's seat in a body, as ledamot (member) or ersättare (substitute), for a term.

    Who may write in a body's decision is decided by the seat that held on the decision's meeting
    day, so a new term's seats change nothing in what earlier terms wrote."""

    class Role(models.TextChoices):
        LEDAMOT = "ledamot", _("Ledamot")
        ERSATTARE = "ersattare", _("Ersättare")

    politician = models.ForeignKey(
        Politician, on_delete=models.CASCADE, related_name="seats", verbose_name=_("politiker")
    )
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="seats", verbose_name=_("organ"))
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    term = models.ForeignKey(
        Term,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="seats",
        verbose_name=_("mandatperiod"),
    )
    starts = models.DateField(_("från"), null=True, blank=True, help_text=_("Tomt: från mandatperiodens början."))
    ends = models.DateField(_("till"), null=True, blank=True, help_text=_("Tomt: tills vidare."))
    history = history()

    class Meta:
        verbose_name = _("plats")
        verbose_name_plural = _("platser")
        constraints = [
            models.UniqueConstraint(fields=["politician", "body", "term"], name="one_seat_per_body_and_term"),
            models.UniqueConstraint(
                fields=["politician", "body"], condition=Q(term__isnull=True), name="one_seat_per_body_without_term"
            ),
            models.CheckConstraint(
                condition=Q(starts__isnull=True) | Q(ends__isnull=True) | Q(starts__lte=models.F("ends")),
                name="seat_starts_before_ends",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.politician} – {self.get_role_display()} i {self.body}"

    def valid_on(self, day: date) -> bool:
        return (self.starts is None or self.starts <= day) and (self.ends is None or day <= self.ends)

    def clean(self) -> None:
        """A closed body takes no new seats: one beginning on or after its closing day (or with no
        beginning at all) is refused. Its earlier seats stay and can still be corrected."""
        body = self.body if self.body_id else None
        if not self._state.adding or body is None or body.closed_on is None:
            return
        begins = self.starts or (self.term.starts if self.term_id and self.term else None)
        if begins is None or begins >= body.closed_on:
            raise ValidationError(
                _("%(body)s är nedlagd från och med %(date)s och kan inte få platser som börjar då eller senare."),
                params={"body": body.name, "date": long_date(body.closed_on)},
                code="body_closed",
            )
