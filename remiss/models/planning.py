"""Meeting calendars and the log of reminders sent."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from remiss.models.common import history
from remiss.models.people import Body, User


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
    key = models.CharField(
        _("nyckel"), max_length=200, help_text=_("Vad påminnelsen gällde, t.ex. referral:12:due:2023-03-31.")
    )
    sent_at = models.DateTimeField(_("skickad"), auto_now_add=True)

    class Meta:
        verbose_name = _("skickad påminnelse")
        verbose_name_plural = _("skickade påminnelser")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="reminder_once_per_user_and_key")]

    def __str__(self) -> str:
        return f"{self.user} – {self.key}"
