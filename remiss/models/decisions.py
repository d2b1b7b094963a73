"""Decisions of the bodies and the politicians' statements attached to them."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import DateField, F, Q, Value
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from remiss.dates import long_date
from remiss.models.cases import Case
from remiss.models.common import genitive, history, validate_text_length
from remiss.models.people import Body, Politician, Seat, User, seat_valid_on


class Decision(models.Model):
    """A body's decision on the case: an answering nämnd's, borgarrådsberedningen's or kommunstyrelsen's."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("ärende"))
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("organ"))
    meeting_date = models.DateField(_("sammanträdesdatum"), null=True, blank=True)
    points = models.JSONField(_("beslutspunkter"), default=list, blank=True)
    added_text = models.TextField(
        _("därutöver anföra"),
        blank=True,
        validators=[validate_text_length],
        help_text=_("Nämndens egen text utöver förvaltningens förslag."),
    )
    added_text_after_point = models.PositiveSmallIntegerField(_("tillägget står efter punkt"), default=1)
    immediate_justering = models.BooleanField(_("justeras omedelbart"), default=False)
    justered = models.BooleanField(_("justerad"), default=False, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = history()

    class Meta:
        verbose_name = _("beslut")
        verbose_name_plural = _("beslut")
        # The politician's open decisions: a few unjustered ones among each body's thousands.
        indexes = [models.Index(fields=["body", "justered"], name="decision_body_justered")]
        constraints = [
            models.UniqueConstraint(fields=["case", "body"], name="one_decision_per_body"),
            models.CheckConstraint(
                condition=Q(added_text_after_point__gte=1), name="decision_added_text_point_positive"
            ),
        ]

    def __str__(self) -> str:
        return _("%(body)s beslut i %(ref)s") % {"body": genitive(self.body.name), "ref": self.case.reference}

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if not isinstance(self.points, list) or not all(isinstance(p, str) and p.strip() for p in self.points):
            errors.setdefault("points", []).append(_("Varje beslutspunkt måste vara en text som inte är tom."))
        else:
            try:  # the points together, one per line, are one text like any other
                validate_text_length("\n".join(self.points))
            except ValidationError as error:
                errors.setdefault("points", []).extend(error.messages)
        if self.body_id and self.body.kind == Body.Kind.OFFICE:
            errors.setdefault("body", []).append(
                _("Ett kontor fattar inga beslut; det lämnar bara ett tjänsteutlåtande.")
            )
        if self.meeting_date and self.case_id and self.meeting_date > self.case.deadline:
            errors.setdefault("meeting_date", []).append(_("Sammanträdet kan inte ligga efter remisstiden."))
        if errors:
            raise ValidationError(errors)

    @property
    def numbered(self) -> bool:
        """A single decision is written without a number, as in the minutes."""
        return len(self.points) > 1

    def seat_day(self, today: date | None = None) -> date:
        """The day whose seats decide who may write in this decision: its meeting date.

        Without one, today, but never after the case's remisstid: the meeting cannot be later (see
        `clean`), so an old decision recorded without its date (the demo's city decisions) keeps the
        seats of its own term after a new term begins. `seat_day_sql` is the same rule in SQL.
        """
        if self.meeting_date is not None:
            return self.meeting_date
        return min(today or timezone.localdate(), self.case.deadline)


def seat_day_sql(today: date, prefix: str = "") -> Coalesce:
    """`Decision.seat_day` as an expression on a query of decisions (`prefix` reaches them by relation)."""
    return Coalesce(
        F(f"{prefix}meeting_date"),
        Least(Value(today, output_field=DateField()), F(f"{prefix}case__deadline")),
        output_field=DateField(),
    )


def seat_held_on(politician_id: int, body_id: int, day: date) -> Seat | None:
    """The politician's seat in the body that holds on `day`. Should two terms' seats overlap (one
    left open-ended), the one that began last holds."""
    return (
        Seat.objects.filter(seat_valid_on(day), politician_id=politician_id, body_id=body_id)
        .select_related("term", "body")
        .order_by(F("starts").desc(nulls_last=True), "-pk")
        .first()
    )


class Statement(models.Model):
    """A politician's statement attached to a decision."""

    class Kind(models.TextChoices):
        SARSKILT_UTTALANDE = "sarskilt_uttalande", _("Särskilt uttalande")
        RESERVATION = "reservation", _("Reservation")
        ERSATTARYTTRANDE = "ersattaryttrande", _("Ersättaryttrande")

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="statements", verbose_name=_("beslut")
    )
    kind = models.CharField(_("typ"), max_length=30, choices=Kind.choices)
    author_title = models.CharField(
        _("titel före namnen"), max_length=50, blank=True, help_text=_("T.ex. borgarråden.")
    )
    text = models.TextField(_("text"), blank=True, validators=[validate_text_length])
    backed_proposal = models.CharField(
        _("yrkade bifall till"),
        max_length=300,
        blank=True,
        help_text=_("För en reservation: det förslag reservanten yrkade bifall till."),
    )
    endorses = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="endorsements",
        verbose_name=_("ställde sig bakom"),
    )
    identical_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="identical_copies",
        verbose_name=_("likalydande med"),
    )
    order = models.PositiveIntegerField(_("ordning"), default=0)
    created_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("skapad av"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = history()

    class Meta:
        verbose_name = _("politiskt uttalande")
        verbose_name_plural = _("politiska uttalanden")
        ordering = ["decision", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="reservation") | Q(backed_proposal=""),
                name="only_reservation_backs_proposal",
            ),
            models.CheckConstraint(
                condition=Q(kind="reservation")
                | ~Q(text="")
                | Q(endorses__isnull=False)
                | Q(identical_to__isnull=False),
                name="statement_has_content",
            ),
            models.CheckConstraint(
                condition=Q(endorses__isnull=True) | ~Q(endorses=F("id")),
                name="statement_not_endorsing_itself",
            ),
            models.CheckConstraint(
                condition=Q(identical_to__isnull=True) | ~Q(identical_to=F("id")),
                name="statement_not_identical_to_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.decision.body})"

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.kind != self.Kind.RESERVATION and self.backed_proposal:
            errors.setdefault("backed_proposal", []).append(_("Bara en reservation kan yrka bifall till ett förslag."))
        if self.kind != self.Kind.RESERVATION and not (self.text.strip() or self.endorses_id or self.identical_to_id):
            errors.setdefault("text", []).append(
                _("Skriv en text, eller ange vilket uttalande det ställer sig bakom eller är likalydande med.")
            )
        if self.pk and self.endorses_id == self.pk:
            errors.setdefault("endorses", []).append(_("Ett uttalande kan inte ställa sig bakom sig självt."))
        if self.pk and self.identical_to_id == self.pk:
            errors.setdefault("identical_to", []).append(_("Ett uttalande kan inte vara likalydande med sig självt."))
        if self.endorses is not None and self.decision_id and self.endorses.decision_id != self.decision_id:
            errors.setdefault("endorses", []).append(_("Man kan bara ställa sig bakom ett uttalande i samma beslut."))
        if (
            self.identical_to is not None
            and self.decision_id
            and self.identical_to.decision.case_id != self.decision.case_id
        ):
            errors.setdefault("identical_to", []).append(_("Ett likalydande uttalande måste höra till samma ärende."))
        if self.decision_id and self.decision.justered:
            errors.setdefault("__all__", []).append(_("Beslutet är justerat; dess uttalanden kan inte längre ändras."))
        if errors:
            raise ValidationError(errors)

    @property
    def accepted_authors(self) -> list[StatementAuthor]:
        return [a for a in self.authors.all() if a.accepted]


class StatementAuthor(models.Model):
    """One author of a statement. A co-author is listed only after accepting the invitation."""

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="authors", verbose_name=_("uttalande")
    )
    politician = models.ForeignKey(
        Politician, on_delete=models.PROTECT, related_name="authorships", verbose_name=_("politiker")
    )
    and_others = models.BooleanField(
        _("m.fl."), default=False, help_text=_('Skrivs "m.fl." efter namnet: och fler i samma partigrupp.')
    )
    accepted = models.BooleanField(_("accepterat"), default=True)
    order = models.PositiveIntegerField(_("ordning"), default=0)
    history = history()

    class Meta:
        verbose_name = _("författare")
        verbose_name_plural = _("författare")
        ordering = ["statement", "order", "pk"]
        # A politician's own statements, newest first, a page at a time.
        indexes = [models.Index(fields=["politician", "accepted", "-statement"], name="author_politician_statements")]
        constraints = [
            models.UniqueConstraint(fields=["statement", "politician"], name="author_once_per_statement"),
        ]

    def __str__(self) -> str:
        return str(self.politician)

    def clean(self) -> None:
        """The process's rule: who may make which kind of statement in a body. The seat that counts
        is the one held on the decision's meeting date (`Decision.seat_day`), so the seats of a later
        term change nothing in an earlier term's decisions."""
        if not (self.statement_id and self.politician_id):
            return
        statement = self.statement
        body = statement.decision.body
        day = statement.decision.seat_day()
        seat = seat_held_on(self.politician_id, body.pk, day)
        if seat is None and not Seat.objects.filter(politician_id=self.politician_id, body=body).exists():
            raise ValidationError(
                _("%(name)s har ingen plats i %(body)s och kan inte stå bakom ett uttalande där."),
                params={"name": self.politician.full_name, "body": body.name_in_text},
                code="no_seat",
            )
        if seat is None:
            raise ValidationError(
                _(
                    "%(name)s hade ingen plats i %(body)s den %(date)s "
                    "och kan inte stå bakom ett uttalande i det beslutet."
                ),
                params={"name": self.politician.full_name, "body": body.name_in_text, "date": long_date(day)},
                code="no_seat_on_day",
            )
        if statement.kind == Statement.Kind.ERSATTARYTTRANDE and seat.role != Seat.Role.ERSATTARE:
            raise ValidationError(
                _("%(name)s är inte ersättare i %(body)s; ett ersättaryttrande lämnas bara av ersättare."),
                params={"name": self.politician.full_name, "body": body.name_in_text},
                code="not_ersattare",
            )
        if statement.kind != Statement.Kind.ERSATTARYTTRANDE and seat.role != Seat.Role.LEDAMOT:
            raise ValidationError(
                _("%(name)s är ersättare i %(body)s; en ersättare lämnar ett ersättaryttrande."),
                params={"name": self.politician.full_name, "body": body.name_in_text},
                code="not_ledamot",
            )
