"""What the service says about itself: the accessibility statement and the barriers people report."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from remiss.models.common import history, validate_text_length


class AccessibilityStatement(models.Model):
    """The tillgänglighetsredogörelse (DOS-lagen, 12 §): one per installation, edited by an administrator.

    Only the parts that differ between organisations are stored: the organisation's own account of
    how accessible the service is and what is known to fall short. The statutory parts (how to
    report a barrier, the right to complain to Digg) are in the page's template, so no edit can
    drop them. Until an administrator saves a statement, the page shows the default text.
    """

    organisation = models.CharField(
        _("organisation"), max_length=200, help_text=_("Den som står bakom tjänsten, t.ex. Stockholms stad.")
    )
    text = models.TextField(_("redogörelse"), validators=[validate_text_length])
    contact_email = models.EmailField(
        _("e-post för synpunkter"),
        blank=True,
        help_text=_("Anmälningar om brister skickas hit. Tom: de skickas till administratörerna (ADMINS)."),
    )
    assessed_on = models.DateField(_("senast bedömd"))
    updated_at = models.DateTimeField(_("senast ändrad"), auto_now=True)
    history = history()

    class Meta:
        verbose_name = _("tillgänglighetsredogörelse")
        verbose_name_plural = _("tillgänglighetsredogörelse")

    def __str__(self) -> str:
        return str(_("Tillgänglighetsredogörelse"))


class BarrierReport(models.Model):
    """A barrier someone reported from the statement's page; kept so none is lost if mail fails."""

    description = models.TextField(_("beskrivning"))
    page = models.CharField(_("sida"), max_length=500, blank=True)
    name = models.CharField(_("namn"), max_length=200, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    created_at = models.DateTimeField(_("inkommen"), auto_now_add=True)
    handled = models.BooleanField(_("hanterad"), default=False)
    history = history()

    class Meta:
        verbose_name = _("anmäld tillgänglighetsbrist")
        verbose_name_plural = _("anmälda tillgänglighetsbrister")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return _("Tillgänglighetsbrist: %(start)s") % {"start": self.description[:60]}


class CitySettings(models.Model):
    """The installation's own organisation: its name and the place its decisions are signed.

    One row per installation, made on the first-run page and edited there later; kept in the
    database with its history rather than in the environment, so a change is dated and signed
    like any other text. Until the row exists, the first-run page is all an administrator sees."""

    city_name = models.CharField(
        _("organisationens namn"), max_length=200, help_text=_("Som det står i promemorian, t.ex. Stockholms stad.")
    )
    signing_place = models.CharField(
        _("ort för undertecknande"), max_length=100, help_text=_("Orten i förslag till beslut, t.ex. Stockholm.")
    )
    history = history()

    class Meta:
        verbose_name = _("organisationens inställningar")
        verbose_name_plural = _("organisationens inställningar")

    def __str__(self) -> str:
        return self.city_name
