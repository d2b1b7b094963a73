"""The barrier report form of the accessibility statement: open to anyone, logged in or not."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from remiss.forms.common import TOO_LONG, AccessibleForm


class BarrierReportForm(AccessibleForm):
    """A barrier reported from the accessibility statement; open to anyone, logged in or not."""

    description = forms.CharField(
        label=_("Beskriv bristen"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Vad försökte du göra, och vad hindrade dig?"),
        error_messages={"required": _("Beskriv bristen."), "max_length": TOO_LONG},
    )
    page = forms.CharField(
        label=_("Sida eller funktion"),
        max_length=500,
        required=False,
        help_text=_("Till exempel sidans adress eller namn."),
        error_messages={"max_length": TOO_LONG},
    )
    name = forms.CharField(
        label=_("Ditt namn"), max_length=200, required=False, error_messages={"max_length": TOO_LONG}
    )
    email = forms.EmailField(
        label=_("Din e-postadress"),
        max_length=254,
        required=False,
        help_text=_("Om du vill att vi svarar dig."),
        error_messages={"invalid": _("Skriv en giltig e-postadress, till exempel namn@exempel.se.")},
    )
