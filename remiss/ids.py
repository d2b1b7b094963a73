"""Ids from outside (a form's choice, a URL's <int:…>) that the database can actually compare.

SQLite stores integers in 64 bits, and its driver raises OverflowError for a larger Python int
in any query parameter. Django guards a plain `pk=` lookup against that, but not `pk__in` (which
every multiple-choice field runs) nor a foreign key's `case_id=`: an id of twenty digits was a
500. PostgreSQL's bigint has the same bound and answers such a query with no rows. So every id
that comes from outside is checked here, once, before it reaches a query: a form gets a Swedish
error, a URL a 404.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_ID = 2**63 - 1  # the largest integer both SQLite and PostgreSQL's bigint hold
_DIGITS = re.compile(r"[0-9]{1,19}")  # ASCII only: int() would also read "١" (Arabic-Indic one) as 1

INVALID_CHOICE = _("Välj ett giltigt alternativ i listan.")


def valid_id(value: Any) -> bool:
    """True for a positive integer, or its plain ASCII digits, that fits the database's ids."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        number = int(value)
    else:
        return False
    return 1 <= number <= MAX_ID


def out_of_range(values: Any) -> bool:
    """True when any of `values` (URL keyword arguments, say) is an int no id can be."""
    return any(isinstance(v, int) and not isinstance(v, bool) and not 1 <= v <= MAX_ID for v in values)


class IdChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that refuses, with a form error, a value that cannot be an id."""

    default_error_messages = {"invalid_choice": INVALID_CHOICE}

    def to_python(self, value):
        model = self.queryset.model if self.queryset is not None else None
        if value in self.empty_values or (model and isinstance(value, model)) or self.to_field_name:
            return super().to_python(value)
        if not valid_id(value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses, with a form error, any value that cannot be an id."""

    default_error_messages = {"invalid_choice": INVALID_CHOICE, "invalid_pk_value": INVALID_CHOICE}

    def _check_values(self, value):
        for one in value if not self.to_field_name else ():
            if not valid_id(one):
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super()._check_values(value)  # type: ignore[misc]  # Django's own hook; django-stubs omits it
