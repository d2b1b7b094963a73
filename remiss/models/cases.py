"""A case, its betänkande's proposals, its referrals, the opinions and positions on them."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from remiss.models.common import history, validate_text_length
from remiss.models.people import Body, Politician, User

# A case's dates lie in this range. A year typed as 0023 would otherwise reach the planning, whose
# working-day arithmetic runs off the calendar's end (OverflowError, a 500 on the case's pages).
EARLIEST_CASE_DATE = date(1900, 1, 1)
LATEST_CASE_DATE = date(2199, 12, 31)


class Case(models.Model):
    """A remissärende: a ministry's report sent to the city for comment."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registrerat")
        REFERRED = "referred", _("Remitterat")
        COMPILING = "compiling", _("Sammanställs")
        DECIDED = "decided", _("Beslutat")
        ANSWERED = "answered", _("Besvarat")

    title = models.CharField(_("titel"), max_length=300)
    reference = models.CharField(_("beteckning"), max_length=50, unique=True, help_text=_("T.ex. SOU 2022:67."))
    sender = models.CharField(_("avsändare"), max_length=150, help_text=_("Departementet som remitterat."))
    ministry_dnr = models.CharField(_("departementets diarienummer"), max_length=50, blank=True)
    city_dnr = models.CharField(_("stadens diarienummer"), max_length=50, unique=True)
    received = models.DateField(_("inkom"))
    deadline = models.DateField(_("remisstid"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED, editable=False
    )
    commissioner = models.ForeignKey(
        Politician,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="presented_cases",
        verbose_name=_("föredragande borgarråd"),
    )
    memo_title = models.CharField(
        _("promemorians titel"),
        max_length=300,
        blank=True,
        help_text=_("Titeln i bilagan, om den skiljer sig från ärendets titel."),
    )
    background = models.TextField(_("ärendet (bakgrund)"), blank=True, validators=[validate_text_length])
    # Optimistic locking for the texts written on the case itself (Ärendet): bumped by
    # workflow._claim_version in the same UPDATE that checks it.
    version = models.PositiveIntegerField(default=1, editable=False)
    history = history()

    class Meta:
        verbose_name = _("remissärende")
        verbose_name_plural = _("remissärenden")
        ordering = ["-received", "reference"]
        # The case list pages in this order: with the index the database reads one page, not all cases.
        indexes = [models.Index(fields=["-received", "reference"], name="case_received_order")]
        constraints = [
            models.CheckConstraint(condition=Q(deadline__gte=F("received")), name="case_deadline_after_received"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.reference})"

    def clean(self) -> None:
        for name in ("received", "deadline"):
            value = getattr(self, name)
            if value and not EARLIEST_CASE_DATE <= value <= LATEST_CASE_DATE:
                raise ValidationError(
                    {
                        name: _("Datumet måste ligga mellan år %(first)d och %(last)d.")
                        % {"first": EARLIEST_CASE_DATE.year, "last": LATEST_CASE_DATE.year}
                    }
                )
        if self.received and self.deadline and self.deadline < self.received:
            raise ValidationError({"deadline": _("Remisstiden kan inte vara före datumet då remissen kom in.")})

    @property
    def full_title(self) -> str:
        return f"{self.title} ({self.reference})"


class Proposal(models.Model):
    """One of the betänkande's numbered proposals (förslag) or assessments (bedömningar)."""

    class Kind(models.TextChoices):
        FORSLAG = "forslag", _("Förslag")
        BEDOMNING = "bedomning", _("Bedömning")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("ärende"))
    number = models.CharField(_("nummer"), max_length=20)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("rubrik"), max_length=300)
    # Where the betänkande treats it ("8.2"), so a reader of the memo can look it up; optional.
    section = models.CharField(
        _("avsnitt"), max_length=30, blank=True, help_text=_("Avsnittet i betänkandet, t.ex. 8.2.")
    )
    summary = models.TextField(_("sammanfattning"), blank=True, validators=[validate_text_length])
    order = models.PositiveIntegerField(_("ordning"), default=0)
    history = history()

    class Meta:
        verbose_name = _("förslag eller bedömning")
        verbose_name_plural = _("förslag och bedömningar")
        ordering = ["case", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "number"], name="proposal_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}: {self.title}"

    @property
    def section_label(self) -> str:
        """'avsnitt 8.2', or '' when no section is recorded: how pages, memo and .docx name it."""
        return _("avsnitt %(section)s") % {"section": self.section} if self.section else ""


class Referral(models.Model):
    """The case referred to one answering body, with that body's internal deadline."""

    class Status(models.TextChoices):
        REFERRED = "referred", _("Remitterad")
        DRAFTING = "drafting", _("Under arbete")
        OPINION_READY = "opinion_ready", _("Tjänsteutlåtande klart")
        DECIDED = "decided", _("Beslutad")
        JUSTERED = "justered", _("Justerad")
        DECLINED = "declined", _("Avstår")
        NO_ANSWER = "no_answer", _("Inget svar")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals", verbose_name=_("ärende"))
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("remissinstans"))
    deadline = models.DateField(_("svarsdatum"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REFERRED, editable=False
    )
    order = models.PositiveIntegerField(_("ordning i promemorian"), default=0)
    officers = models.ManyToManyField(User, blank=True, related_name="referrals", verbose_name=_("handläggare"))
    # On the referral, not the decision, because an office gives a position without deciding.
    position = models.TextField(
        _("ställningstagande"),
        blank=True,
        validators=[validate_text_length],
        help_text=_("En eller två meningar om organets hållning; används i sammanfattningen."),
    )
    # Why the body declines to answer (workflow.decline), for the memo and the status board.
    decline_reason = models.TextField(_("motivering till att avstå"), blank=True, validators=[validate_text_length])
    # Optimistic locking for the body's positions per proposal, as one set: bumped by
    # workflow._claim_version in the same UPDATE that checks it (see workflow.save_positions).
    positions_version = models.PositiveIntegerField(default=1, editable=False)
    history = history()

    class Meta:
        verbose_name = _("remittering")
        verbose_name_plural = _("remitteringar")
        ordering = ["case", "order", "pk"]
        # The officer's lists: one body's referrals in deadline order, a page at a time (a body gets
        # thousands over the years); the case makes the order total, as (case, body) is unique.
        indexes = [models.Index(fields=["body", "deadline", "case"], name="referral_body_deadline")]
        constraints = [
            models.UniqueConstraint(fields=["case", "body"], name="one_referral_per_body"),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} → {self.body}"

    def clean(self) -> None:
        if self.body_id and self.body.is_city_level:
            raise ValidationError(
                {"body": _("Borgarrådsberedningen och kommunstyrelsen remitteras inte; de beslutar i ärendet.")}
            )
        if self.deadline and self.case_id:
            if self.deadline < self.case.received:
                raise ValidationError({"deadline": _("Svarsdatumet kan inte vara före datumet då remissen kom in.")})
            if self.deadline > self.case.deadline:
                raise ValidationError({"deadline": _("Svarsdatumet kan inte vara efter remisstiden.")})

    @property
    def is_answered(self) -> bool:
        if self.body.makes_decisions:
            return self.status in (self.Status.DECIDED, self.Status.JUSTERED)
        return self.status == self.Status.OPINION_READY

    @property
    def is_closed(self) -> bool:
        """No more work is expected: answered, declined or given up."""
        return self.is_answered or self.status in (self.Status.DECLINED, self.Status.NO_ANSWER)


class Opinion(models.Model):
    """The administration's written opinion (tjänsteutlåtande) on the case."""

    referral = models.OneToOneField(
        Referral, on_delete=models.CASCADE, related_name="opinion", verbose_name=_("remittering")
    )
    date = models.DateField(_("daterat"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True, validators=[validate_text_length])
    proposed_decision = models.TextField(_("förslag till beslut"), blank=True, validators=[validate_text_length])
    version = models.PositiveIntegerField(default=1, editable=False)
    history = history()

    class Meta:
        verbose_name = _("tjänsteutlåtande")
        verbose_name_plural = _("tjänsteutlåtanden")

    def __str__(self) -> str:
        return _("Tjänsteutlåtande från %(admin)s") % {"admin": self.referral.body.administration}


class Position(models.Model):
    """A body's stance on one of the betänkande's proposals or assessments."""

    class Stance(models.TextChoices):
        TILLSTYRKER = "tillstyrker", _("Tillstyrker")
        TILLSTYRKER_MED_ANDRINGAR = "tillstyrker_med_andringar", _("Tillstyrker med ändringar")
        AVSTYRKER = "avstyrker", _("Avstyrker")
        INGA_SYNPUNKTER = "inga_synpunkter", _("Inga synpunkter")
        EJ_BEHANDLAT = "ej_behandlat", _("Ej behandlat")

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="positions", verbose_name=_("remittering")
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="positions", verbose_name=_("förslag")
    )
    stance = models.CharField(_("ställningstagande"), max_length=30, choices=Stance.choices)
    comment = models.TextField(_("kommentar"), blank=True, validators=[validate_text_length])
    history = history()

    class Meta:
        verbose_name = _("ställningstagande per förslag")
        verbose_name_plural = _("ställningstaganden per förslag")
        constraints = [
            models.UniqueConstraint(fields=["referral", "proposal"], name="one_position_per_proposal"),
        ]

    def __str__(self) -> str:
        return f"{self.referral.body}: {self.proposal.number} – {self.get_stance_display()}"

    def clean(self) -> None:
        if self.referral_id and self.proposal_id and self.referral.case_id != self.proposal.case_id:
            raise ValidationError(_("Förslaget hör till ett annat ärende än remitteringen."))
