"""Forms: they validate input and nothing else. Saving goes through `remiss.workflow`.

`AccessibleForm` ties each field's error and help text to the input with aria-describedby
and marks invalid inputs, so screen readers announce what is wrong where.
"""
from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from remiss.models import MAX_TEXT_LENGTH


class AccessibleMixin:
    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            bound = self[name]  # type: ignore[index]
            described = []
            if field.help_text:
                described.append(f"{bound.auto_id}_helptext")
            if bound.errors:
                described.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)


class AccessibleForm(AccessibleMixin, forms.Form):
    pass


class AccessibleModelForm(AccessibleMixin, forms.ModelForm):
    pass


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class RichTextField(forms.CharField):
    """HTML from the editor (or plain text without JavaScript); sanitised by the workflow."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 14, "data-richtext": "1"}))
        kwargs.setdefault("max_length", MAX_TEXT_LENGTH)
        kwargs.setdefault("error_messages", {
            "max_length": _("Texten är för lång: högst %(limit_value)d tecken är tillåtna (den har %(show_value)d)."),
        })
        super().__init__(*args, **kwargs)


def validate_upload_size(upload) -> None:
    if upload is not None and upload.size > settings.REMISS_MAX_UPLOAD_BYTES:
        raise forms.ValidationError(
            _("Filen är för stor: högst %(max)s MB är tillåtet."),
            params={"max": settings.REMISS_MAX_UPLOAD_BYTES // (1024 * 1024)},
        )
