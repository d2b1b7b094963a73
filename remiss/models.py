"""The remiss domain: cases, answering bodies, opinions, decisions, statements and memos.

Models hold data, constraints, `__str__` and small derived properties. Every state change goes
through `remiss.workflow`; rules that span rows (seats, justering locks) are checked in
`clean()` and again by the workflow before it saves.
"""
from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# Longest text a person may write into one rich-text field (characters of HTML).
MAX_TEXT_LENGTH = 200_000
# Most authors one statement may name.
MAX_AUTHORS = 30


def history() -> HistoricalRecords:
    """Every edited model keeps its versions; the reason column holds the workflow's reason."""
    return HistoricalRecords(inherit=False)


def validate_text_length(value: str) -> None:
    if value and len(value) > MAX_TEXT_LENGTH:
        raise ValidationError(
            _("Texten är för lång: högst %(max)d tecken är tillåtna, texten har %(n)d."),
            params={"max": MAX_TEXT_LENGTH, "n": len(value)},
            code="too_long",
        )


class User(AbstractUser):
    """A person who logs in: the registrar, an officer of one or more bodies, or a politician."""

    class Role(models.TextChoices):
        REGISTRAR = "registrar", _("Registrator")
        OFFICER = "officer", _("Handläggare")
        POLITICIAN = "politician", _("Politiker")
        OTHER = "other", _("Övrig")

    role = models.CharField(_("roll"), max_length=20, choices=Role.choices, default=Role.OTHER)
    bodies = models.ManyToManyField(
        "Body", blank=True, related_name="staff", verbose_name=_("arbetar för"),
        help_text=_("De nämnder eller kontor som handläggaren arbetar för."),
    )
    # The secret in the address of the user's private calendar feed; made on first use.
    calendar_token = models.CharField(_("kalendernyckel"), max_length=64, null=True, blank=True, unique=True, editable=False)
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
        _("namn i löptext"), max_length=150, help_text=_("Som namnet skrivs mitt i en mening, t.ex. socialnämnden."),
    )
    kind = models.CharField(_("typ"), max_length=30, choices=Kind.choices)
    administration = models.CharField(
        _("förvaltning"), max_length=150, help_text=_("T.ex. Socialförvaltningen eller Skarpnäcks stadsdelsförvaltning."),
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

    @property
    def administration_genitive(self) -> str:
        return genitive(self.administration)


def genitive(name: str) -> str:
    """Swedish genitive: add -s unless the word already ends in s, x or z."""
    return name if name[-1:].lower() in ("s", "x", "z") else f"{name}s"


class Politician(models.Model):
    first_name = models.CharField(_("förnamn"), max_length=100)
    last_name = models.CharField(_("efternamn"), max_length=100)
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="politicians", verbose_name=_("parti"))
    user = models.OneToOneField(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="politician",
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


class Seat(models.Model):
    """A politician's seat in a body, as ledamot (member) or ersättare (substitute)."""

    class Role(models.TextChoices):
        LEDAMOT = "ledamot", _("Ledamot")
        ERSATTARE = "ersattare", _("Ersättare")

    politician = models.ForeignKey(Politician, on_delete=models.CASCADE, related_name="seats", verbose_name=_("politiker"))
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="seats", verbose_name=_("organ"))
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    history = history()

    class Meta:
        verbose_name = _("plats")
        verbose_name_plural = _("platser")
        constraints = [
            models.UniqueConstraint(fields=["politician", "body"], name="one_seat_per_body"),
        ]

    def __str__(self) -> str:
        return f"{self.politician} – {self.get_role_display()} i {self.body}"


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
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED, editable=False)
    commissioner = models.ForeignKey(
        Politician, null=True, blank=True, on_delete=models.PROTECT, related_name="presented_cases",
        verbose_name=_("föredragande borgarråd"),
    )
    memo_title = models.CharField(
        _("promemorians titel"), max_length=300, blank=True,
        help_text=_("Titeln i bilagan, om den skiljer sig från ärendets titel."),
    )
    background = models.TextField(_("ärendet (bakgrund)"), blank=True, validators=[validate_text_length])
    history = history()

    class Meta:
        verbose_name = _("remissärende")
        verbose_name_plural = _("remissärenden")
        ordering = ["-received", "reference"]
        constraints = [
            models.CheckConstraint(condition=Q(deadline__gte=F("received")), name="case_deadline_after_received"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.reference})"

    def clean(self) -> None:
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
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REFERRED, editable=False)
    order = models.PositiveIntegerField(_("ordning i promemorian"), default=0)
    officers = models.ManyToManyField(User, blank=True, related_name="referrals", verbose_name=_("handläggare"))
    # On the referral, not the decision, because an office gives a position without deciding.
    position = models.TextField(
        _("ställningstagande"), blank=True, validators=[validate_text_length],
        help_text=_("En eller två meningar om organets hållning; används i sammanfattningen."),
    )
    history = history()

    class Meta:
        verbose_name = _("remittering")
        verbose_name_plural = _("remitteringar")
        ordering = ["case", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "body"], name="one_referral_per_body"),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} → {self.body}"

    def clean(self) -> None:
        if self.body_id and self.body.is_city_level:
            raise ValidationError({"body": _("Borgarrådsberedningen och kommunstyrelsen remitteras inte; de beslutar i ärendet.")})
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

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="opinion", verbose_name=_("remittering"))
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


class Decision(models.Model):
    """A body's decision on the case: an answering nämnd's, borgarrådsberedningen's or kommunstyrelsen's."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("ärende"))
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("organ"))
    meeting_date = models.DateField(_("sammanträdesdatum"), null=True, blank=True)
    points = models.JSONField(_("beslutspunkter"), default=list, blank=True)
    added_text = models.TextField(
        _("därutöver anföra"), blank=True, validators=[validate_text_length],
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
        constraints = [
            models.UniqueConstraint(fields=["case", "body"], name="one_decision_per_body"),
            models.CheckConstraint(condition=Q(added_text_after_point__gte=1), name="decision_added_text_point_positive"),
        ]

    def __str__(self) -> str:
        return _("%(body)s beslut i %(ref)s") % {"body": genitive(self.body.name), "ref": self.case.reference}

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if not isinstance(self.points, list) or not all(isinstance(p, str) and p.strip() for p in self.points):
            errors.setdefault("points", []).append(_("Varje beslutspunkt måste vara en text som inte är tom."))
        if self.body_id and self.body.kind == Body.Kind.OFFICE:
            errors.setdefault("body", []).append(_("Ett kontor fattar inga beslut; det lämnar bara ett tjänsteutlåtande."))
        if self.meeting_date and self.case_id and self.meeting_date > self.case.deadline:
            errors.setdefault("meeting_date", []).append(_("Sammanträdet kan inte ligga efter remisstiden."))
        if errors:
            raise ValidationError(errors)

    @property
    def numbered(self) -> bool:
        """A single decision is written without a number, as in the minutes."""
        return len(self.points) > 1


class Statement(models.Model):
    """A politician's statement attached to a decision."""

    class Kind(models.TextChoices):
        SARSKILT_UTTALANDE = "sarskilt_uttalande", _("Särskilt uttalande")
        RESERVATION = "reservation", _("Reservation")
        ERSATTARYTTRANDE = "ersattaryttrande", _("Ersättaryttrande")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="statements", verbose_name=_("beslut"))
    kind = models.CharField(_("typ"), max_length=30, choices=Kind.choices)
    author_title = models.CharField(_("titel före namnen"), max_length=50, blank=True, help_text=_("T.ex. borgarråden."))
    text = models.TextField(_("text"), blank=True, validators=[validate_text_length])
    backed_proposal = models.CharField(
        _("yrkade bifall till"), max_length=300, blank=True,
        help_text=_("För en reservation: det förslag reservanten yrkade bifall till."),
    )
    endorses = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="endorsements",
        verbose_name=_("ställde sig bakom"),
    )
    identical_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="identical_copies",
        verbose_name=_("likalydande med"),
    )
    order = models.PositiveIntegerField(_("ordning"), default=0)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("skapad av"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = history()

    class Meta:
        verbose_name = _("politiskt uttalande")
        verbose_name_plural = _("politiska uttalanden")
        ordering = ["decision", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="reservation") | Q(backed_proposal=""), name="only_reservation_backs_proposal",
            ),
            models.CheckConstraint(
                condition=Q(kind="reservation") | ~Q(text="") | Q(endorses__isnull=False) | Q(identical_to__isnull=False),
                name="statement_has_content",
            ),
            models.CheckConstraint(
                condition=Q(endorses__isnull=True) | ~Q(endorses=F("id")), name="statement_not_endorsing_itself",
            ),
            models.CheckConstraint(
                condition=Q(identical_to__isnull=True) | ~Q(identical_to=F("id")), name="statement_not_identical_to_itself",
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
        if self.endorses_id and self.decision_id and self.endorses.decision_id != self.decision_id:
            errors.setdefault("endorses", []).append(_("Man kan bara ställa sig bakom ett uttalande i samma beslut."))
        if self.identical_to_id and self.decision_id and self.identical_to.decision.case_id != self.decision.case_id:
            errors.setdefault("identical_to", []).append(_("Ett likalydande uttalande måste höra till samma ärende."))
        if self.decision_id and self.decision.justered:
            errors.setdefault("__all__", []).append(_("Beslutet är justerat; dess uttalanden kan inte längre ändras."))
        if errors:
            raise ValidationError(errors)

    @property
    def accepted_authors(self) -> list["StatementAuthor"]:
        return [a for a in self.authors.all() if a.accepted]


class StatementAuthor(models.Model):
    """One author of a statement. A co-author is listed only after accepting the invitation."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="authors", verbose_name=_("uttalande"))
    politician = models.ForeignKey(Politician, on_delete=models.PROTECT, related_name="authorships", verbose_name=_("politiker"))
    and_others = models.BooleanField(_("m.fl."), default=False, help_text=_("Skrivs \"m.fl.\" efter namnet: och fler i samma partigrupp."))
    accepted = models.BooleanField(_("accepterat"), default=True)
    order = models.PositiveIntegerField(_("ordning"), default=0)
    history = history()

    class Meta:
        verbose_name = _("författare")
        verbose_name_plural = _("författare")
        ordering = ["statement", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "politician"], name="author_once_per_statement"),
        ]

    def __str__(self) -> str:
        return str(self.politician)

    def clean(self) -> None:
        """The process's rule: who may make which kind of statement in a body."""
        if not (self.statement_id and self.politician_id):
            return
        statement = self.statement
        body = statement.decision.body
        seat = Seat.objects.filter(politician_id=self.politician_id, body=body).first()
        if seat is None:
            raise ValidationError(
                _("%(name)s har ingen plats i %(body)s och kan inte stå bakom ett uttalande där."),
                params={"name": self.politician.full_name, "body": body.name_in_text}, code="no_seat",
            )
        if statement.kind == Statement.Kind.ERSATTARYTTRANDE and seat.role != Seat.Role.ERSATTARE:
            raise ValidationError(
                _("%(name)s är inte ersättare i %(body)s; ett ersättaryttrande lämnas bara av ersättare."),
                params={"name": self.politician.full_name, "body": body.name_in_text}, code="not_ersattare",
            )
        if statement.kind != Statement.Kind.ERSATTARYTTRANDE and seat.role != Seat.Role.LEDAMOT:
            raise ValidationError(
                _("%(name)s är ersättare i %(body)s; en ersättare lämnar ett ersättaryttrande."),
                params={"name": self.politician.full_name, "body": body.name_in_text}, code="not_ledamot",
            )


class CityProposal(models.Model):
    """The presenting commissioner's förslag till beslut: the city-level texts of the memo."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="city_proposal", verbose_name=_("ärende"))
    decision_points = models.JSONField(_("beslutspunkter"), default=list, blank=True)
    summary = models.TextField(_("sammanfattning av ärendet"), blank=True, validators=[validate_text_length])
    views = models.TextField(_("föredragande borgarrådets synpunkter"), blank=True, validators=[validate_text_length])
    signed_place = models.CharField(_("ort"), max_length=100, default="Stockholm")
    signed_date = models.DateField(_("datum"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = history()

    class Meta:
        verbose_name = _("förslag till beslut")
        verbose_name_plural = _("förslag till beslut")

    def __str__(self) -> str:
        return _("Förslag till beslut i %(ref)s") % {"ref": self.case.reference}

    def clean(self) -> None:
        if not isinstance(self.decision_points, list) or not all(isinstance(p, str) and p.strip() for p in self.decision_points):
            raise ValidationError({"decision_points": _("Varje beslutspunkt måste vara en text som inte är tom.")})
        if self.signed_date and self.case_id and self.signed_date > self.case.deadline:
            raise ValidationError({"signed_date": _("Förslaget kan inte undertecknas efter remisstiden.")})


def memo_upload_to(memo: "Memo", filename: str) -> str:
    return f"memos/{memo.case_id}/{filename}"


class Memo(models.Model):
    """One compilation of the city's memo: the PDF exactly as it was rendered, never changed after."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="memos", verbose_name=_("ärende"))
    pdf = models.FileField(_("PDF"), upload_to=memo_upload_to)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    pages = models.PositiveIntegerField(_("sidor"), default=0)
    created_at = models.DateTimeField(_("sammanställd"), auto_now_add=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("sammanställd av"),
    )
    # [{"model": "remiss.opinion", "pk": 3, "history_id": 17}, ...]: the exact versions compiled.
    sources = models.JSONField(_("versioner"), default=list)

    class Meta:
        verbose_name = _("sammanställd promemoria")
        verbose_name_plural = _("sammanställda promemorior")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return _("Promemoria %(ref)s, %(when)s") % {"ref": self.case.reference, "when": self.created_at}


class Position(models.Model):
    """A body's stance on one of the betänkande's proposals or assessments."""

    class Stance(models.TextChoices):
        TILLSTYRKER = "tillstyrker", _("Tillstyrker")
        TILLSTYRKER_MED_ANDRINGAR = "tillstyrker_med_andringar", _("Tillstyrker med ändringar")
        AVSTYRKER = "avstyrker", _("Avstyrker")
        INGA_SYNPUNKTER = "inga_synpunkter", _("Inga synpunkter")
        EJ_BEHANDLAT = "ej_behandlat", _("Ej behandlat")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="positions", verbose_name=_("remittering"))
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="positions", verbose_name=_("förslag"))
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


class Meeting(models.Model):
    """A date in a body's meeting calendar (sammanträde)."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("organ"))
    date = models.DateField(_("datum"))
    history = history()

    class Meta:
        verbose_name = _("sammanträde")
        verbose_name_plural = _("sammanträden")
        ordering = ["body", "date"]
        constraints = [models.UniqueConstraint(fields=["body", "date"], name="one_meeting_per_body_and_day")]

    def __str__(self) -> str:
        return f"{self.body} {self.date:%Y-%m-%d}"


class ReminderLog(models.Model):
    """One reminder sent, so that running the reminder command again sends nothing twice."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("mottagare"))
    key = models.CharField(_("nyckel"), max_length=200, help_text=_("Vad påminnelsen gällde, t.ex. referral:12:due:2023-03-31."))
    sent_at = models.DateTimeField(_("skickad"), auto_now_add=True)

    class Meta:
        verbose_name = _("skickad påminnelse")
        verbose_name_plural = _("skickade påminnelser")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="reminder_once_per_user_and_key")]

    def __str__(self) -> str:
        return f"{self.user} – {self.key}"


class MemoJob(models.Model):
    """A request to compile the memo in the background, and how it went."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("I kö")
        RENDERING = "rendering", _("Sammanställs")
        DONE = "done", _("Klar")
        FAILED = "failed", _("Misslyckades")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="memo_jobs", verbose_name=_("ärende"))
    requested_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("beställd av"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED, editable=False)
    error = models.TextField(_("felorsak"), blank=True)
    memo = models.OneToOneField(Memo, null=True, blank=True, on_delete=models.SET_NULL, related_name="job", verbose_name=_("promemoria"))
    task_id = models.CharField(_("uppgifts-id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("beställd"), auto_now_add=True)
    started_at = models.DateTimeField(_("startad"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)

    class Meta:
        verbose_name = _("sammanställningsjobb")
        verbose_name_plural = _("sammanställningsjobb")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.get_status_display()}"
