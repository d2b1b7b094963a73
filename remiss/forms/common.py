"""What every form shares: accessible error wiring, the version field of optimistic locking, the
rich-text field, the date input, decision points, upload size and the politician choice.

`AccessibleForm` ties each field's error and help text to the input with aria-describedby
and marks invalid inputs, so screen readers announce what is wrong where.
"""

from __future__ import annotations

import re
from typing import TypeVar

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from remiss.dates import long_date
from remiss.ids import IdChoiceField
from remiss.models import Case, Politician, validate_text_length
from remiss.richtext import sanitize, to_plain
from remiss.richtext_input import Posted, RichTextarea, rich_text_html


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


F = TypeVar("F", bound=forms.Field)


def field_of(form: forms.BaseForm, name: str, kind: type[F]) -> F:
    """The form's own copy of its declared field `name`, as the field's class, for what a form sets
    per instance (a queryset, choices): `form.fields` holds every field as a plain `Field`."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


# No saved row has this version: counters start at 1 and only grow (see workflow._claim_version).
NO_VERSION = 0
# The largest version counter a database integer column holds; anything above cannot be a version.
MAX_VERSION = 2**31 - 1


class VersionField(forms.IntegerField):
    """The version counter of the text the page showed, in a hidden input (optimistic locking).

    A missing or malformed number is no error the person could fix (they never see the field),
    and it must never mean "the latest": it cleans to NO_VERSION, which matches no saved row, so
    the workflow refuses the save as a conflict and the page comes back with the saved version
    beside what was typed. Saving again then overwrites knowingly, as after any conflict.
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            number = super().to_python(value)
        except forms.ValidationError:
            return NO_VERSION
        if number is None or not 1 <= number <= MAX_VERSION:
            return NO_VERSION
        return number


class VersionForm(AccessibleForm):
    """Only the version the page was read at: for a confirmation, or beside a set of row forms."""

    version = VersionField()


TOO_LONG = _("Texten är för lång: högst %(limit_value)d tecken är tillåtna (den har %(show_value)d).")


class RichTextField(forms.CharField):
    """Rich text: plain text without JavaScript, HTML from the editor; cleaned to HTML to store.

    The limit counts the characters the person sees, not the editor's markup (validate_text_length),
    so the field has no max_length: that would count markup, and its maxlength attribute would let
    a browser without JavaScript cut a long paste silently."""

    widget = RichTextarea
    default_validators = [validate_text_length]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

    def clean(self, value):
        text = super().clean(value)  # required, length and NUL characters, on what was posted
        if not text or not isinstance(value, Posted):
            return rich_text_html(text)
        stripped = Posted(text)
        stripped.is_html, stripped.shown_html = value.is_html, value.shown_html
        return rich_text_html(stripped)


def points_field(**kwargs) -> forms.CharField:
    """Decision points, one per line: together one text, with the same limit as every text."""
    kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
    return forms.CharField(validators=[validate_text_length], **kwargs)


_POINT_NUMBER = re.compile(r"^\s*\d+\s*[.)]\s*")


def lines_to_points(value: str) -> list[str]:
    """One decision point per line; blank lines and typed numbers ('1. ') are dropped."""
    points = []
    for line in (value or "").splitlines():
        line = " ".join(_POINT_NUMBER.sub("", line).split())
        if line:
            points.append(line)
    return points


def readable_size(n: int) -> str:
    """Bytes as a person reads them, in Swedish: '10 MB', '1,5 MB', '512 kB', '100 byte'."""
    if n < 1024:
        return f"{n} byte"
    value, unit = (n / (1024 * 1024), "MB") if n >= 1024 * 1024 else (n / 1024, "kB")
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",") + f" {unit}"


def validate_upload_size(upload) -> None:
    limit = settings.REMISS_MAX_UPLOAD_BYTES
    if upload is not None and upload.size > limit:
        raise forms.ValidationError(
            _("Filen är för stor: högst %(max)s är tillåtet, filen är %(size)s."),
            params={"max": readable_size(limit), "size": readable_size(upload.size)},
            code="too_big",
        )


def tie_error(form: forms.Form, name: str | None, message: str) -> None:
    """Add an error after validation (a workflow refusal), tied to its field as `AccessibleMixin` does."""
    form.add_error(name, message)
    if name and name in form.fields:
        bound = form[name]
        widget = form.fields[name].widget
        widget.attrs["aria-invalid"] = "true"
        described = [d for d in widget.attrs.get("aria-describedby", "").split() if d]
        if f"{bound.auto_id}_error" not in described:
            described.append(f"{bound.auto_id}_error")
        widget.attrs["aria-describedby"] = " ".join(described)


def has_words(html: str | None) -> bool:
    """True when a rich-text value has words once sanitised (the editor may send '<p><br></p>')."""
    return bool(to_plain(sanitize(html or "")).strip())


class PoliticianChoiceField(IdChoiceField):
    """A politician by name and party: the presenting commissioner, a city statement's authors."""

    def label_from_instance(self, obj: Politician) -> str:
        return f"{obj.full_name} ({obj.party.abbreviation})"


class DecisionForm(AccessibleForm):
    """A body's decision as a form records it: its meeting lies within the case's remisstid and it
    has at least one decision point. The nämnd's own form and the registrar's city decisions alike."""

    case: Case

    def clean_meeting_date(self):
        meeting = self.cleaned_data.get("meeting_date")
        if meeting and meeting > self.case.deadline:
            raise forms.ValidationError(
                _("Sammanträdet kan inte ligga efter remisstiden (%(d)s).") % {"d": long_date(self.case.deadline)}
            )
        return meeting

    def clean_points(self):
        points = lines_to_points(self.cleaned_data.get("points", ""))
        if not points:
            raise forms.ValidationError(_("Skriv minst en beslutspunkt."))
        return points
