"""The city-level parts: the commissioner's proposal, compiled memos and their background jobs."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from remiss.models.cases import Case
from remiss.models.common import history, validate_text_length
from remiss.models.people import User


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
        if not isinstance(self.decision_points, list) or not all(
            isinstance(p, str) and p.strip() for p in self.decision_points
        ):
            raise ValidationError({"decision_points": _("Varje beslutspunkt måste vara en text som inte är tom.")})
        try:  # the points together, one per line, are one text like any other
            validate_text_length("\n".join(self.decision_points))
        except ValidationError as error:
            raise ValidationError({"decision_points": error.messages}) from error
        if self.signed_date and self.case_id and self.signed_date > self.case.deadline:
            raise ValidationError({"signed_date": _("Förslaget kan inte undertecknas efter remisstiden.")})


def memo_upload_to(memo: Memo, filename: str) -> str:
    return f"memos/{memo.case_id}/{filename}"


class Memo(models.Model):
    """One compilation of the city's memo: the PDF exactly as it was rendered, never changed after."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="memos", verbose_name=_("ärende"))
    pdf = models.FileField(_("PDF"), upload_to=memo_upload_to)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    pages = models.PositiveIntegerField(_("sidor"), default=0)
    created_at = models.DateTimeField(_("sammanställd"), auto_now_add=True)
    created_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("sammanställd av"),
    )
    # [{"model": "remiss.opinion", "pk": 3, "history_id": 17}, ...]: the exact versions compiled.
    sources = models.JSONField(_("versioner"), default=list)

    class Meta:
        verbose_name = _("sammanställd promemoria")
        verbose_name_plural = _("sammanställda promemorior")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return _("Promemoria %(ref)s, %(when)s") % {"ref": self.case.reference, "when": self.created_at}


class MemoJob(models.Model):
    """A request to compile the memo in the background, and how it went."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("I kö")
        RENDERING = "rendering", _("Sammanställs")
        DONE = "done", _("Klar")
        FAILED = "failed", _("Misslyckades")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="memo_jobs", verbose_name=_("ärende"))
    requested_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("beställd av"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED, editable=False)
    error = models.TextField(_("felorsak"), blank=True)
    memo = models.OneToOneField(
        Memo, null=True, blank=True, on_delete=models.SET_NULL, related_name="job", verbose_name=_("promemoria")
    )
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
