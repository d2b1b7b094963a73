"""The registrar's forms for referring a case and for one referral: the bodies and their
deadlines, a new deadline, the handläggare; and the reason a body declines with.

A closed body (`Body.closed_on`) is not offered for a new referral, and one closing later must
answer before it closes; its earlier referrals are untouched."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any, cast

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from remiss.dates import long_date
from remiss.forms.common import TOO_LONG, AccessibleForm, DateInput
from remiss.ids import IdMultipleChoiceField, valid_id
from remiss.models import Body, Case, Referral, User
from remiss.workflow import ReferralSpec


def default_referral_deadline(case: Case, body: Body) -> date:
    """Four weeks before the remisstid for a nämnd, two for an office; never before the case came in."""
    proposed = case.deadline - timedelta(weeks=4 if body.makes_decisions else 2)
    if proposed < case.received:
        proposed = case.received + (case.deadline - case.received) / 2
    return proposed


def check_referral_deadline(case: Case, deadline: date) -> str | None:
    """The Swedish message when an internal deadline falls outside the case's dates, else None."""
    if deadline < case.received:
        return _("Svarsdatumet (%(d)s) kan inte vara före datumet då remissen kom in (%(received)s).") % {
            "d": long_date(deadline),
            "received": long_date(case.received),
        }
    if deadline > case.deadline:
        return _("Svarsdatumet (%(d)s) kan inte vara efter remisstiden (%(deadline)s).") % {
            "d": long_date(deadline),
            "deadline": long_date(case.deadline),
        }
    return None


class ReferralChoiceForm(AccessibleForm):
    """One body on the refer page: chosen or not, and its internal deadline. Its place in the memo
    is the ReferForm's `order`."""

    chosen = forms.BooleanField(required=False)
    deadline = forms.DateField(required=False, widget=DateInput())

    def __init__(self, *args, case: Case, body: Body, **kwargs):
        self.case, self.body = case, body
        super().__init__(*args, **kwargs)
        self.fields["chosen"].label = body.name
        self.fields["deadline"].label = _("Svarsdatum för %(body)s") % {"body": body.name_in_text}

    @property
    def ticked(self) -> bool:
        """Whether the box was ticked, read before (and whatever) validation says."""
        return bool(self["chosen"].value())

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not data.get("chosen"):
            return data
        deadline = data.get("deadline")
        if deadline is None:
            if "deadline" not in self.errors:
                self.add_error("deadline", _("Ange ett svarsdatum för %(body)s.") % {"body": self.body.name_in_text})
        else:
            message = check_referral_deadline(self.case, deadline) or _closing_before(self.body, deadline)
            if message:
                self.add_error("deadline", message)
        return data


def _closing_before(body: Body, deadline: date) -> str | None:
    """A body about to close cannot be asked to answer on or after its closing day."""
    if body.closed_on is not None and deadline >= body.closed_on:
        return _("%(body)s läggs ned den %(closed)s; svarsdatumet måste ligga före det.") % {
            "body": body.name,
            "closed": long_date(body.closed_on),
        }
    return None


def closed_body_message(body: Body) -> str:
    return _("%(body)s är nedlagd sedan %(closed)s och kan inte få nya remisser.") % {
        "body": body.name,
        "closed": long_date(body.closed_on),
    }


CHOSEN_KEY = re.compile(r"^b(\d{1,12})-chosen$")


def posted_closed_bodies(data, today: date) -> list[Body]:
    """Closed bodies whose box a post ticks anyway (the page offers none): each gets refused by name."""
    ids = [int(m.group(1)) for key, value in (data or {}).items() if (m := CHOSEN_KEY.match(key)) and value]
    if not ids:
        return []
    return list(Body.objects.filter(pk__in=ids, closed_on__lte=today).order_by("name"))


ORDER_MOVE = re.compile(r"^(up|down)-(\d{1,12})$")


class ReferForm:
    """All the bodies the case can still be referred to, one `ReferralChoiceForm` each, and the
    order the chosen ones take in the memo.

    The order is the order of choosing: `order` holds the chosen bodies' ids, comma-separated, as
    refer-order.js keeps it while boxes are ticked and as the "Flytta upp/ned" buttons change it.
    A chosen body it does not name (ticked without JavaScript) follows in the register's order,
    so a post without `order` is still complete; ids of unknown or unticked bodies are ignored.
    """

    def __init__(self, data=None, *, case: Case, bodies: list[Body]):
        self.case = case
        self.is_bound = data is not None
        today = timezone.localdate()
        # A closed body keeps its old referrals but is offered for no new one; ticking it anyway
        # (a stale page, a crafted post) is refused with its name, never silently dropped.
        bodies = [body for body in bodies if body.is_open_on(today)]
        self.closed_chosen = posted_closed_bodies(data, today) if self.is_bound else []
        self.rows = [
            ReferralChoiceForm(
                data,
                case=case,
                body=body,
                prefix=f"b{body.pk}",
                initial={"deadline": default_referral_deadline(case, body)},
            )
            for body in bodies
        ]
        self.non_field_errors: list[str] = []
        self.order = self._chosen_order(str((data or {}).get("order", "")))
        move = ORDER_MOVE.match(str((data or {}).get("move", "")))
        if move:
            self._move(int(move.group(2)), -1 if move.group(1) == "up" else 1)

    def _chosen_order(self, posted: str) -> list[int]:
        """Body ids of the ticked rows: first as `posted` orders them, then the rest in register order."""
        ticked = {row.body.pk for row in self.rows if row.ticked}
        order: list[int] = []
        for part in posted.split(","):
            pk = int(part) if part.strip().isdigit() and len(part.strip()) <= 12 else None
            if pk in ticked and pk not in order:
                order.append(pk)
        return order + [row.body.pk for row in self.rows if row.body.pk in ticked and row.body.pk not in order]

    def _move(self, pk: int, step: int) -> None:
        if pk not in self.order:
            return
        at = self.order.index(pk)
        to = min(max(at + step, 0), len(self.order) - 1)
        self.order[at], self.order[to] = self.order[to], self.order[at]

    @property
    def order_value(self) -> str:
        return ",".join(str(pk) for pk in self.order)

    @property
    def ordered_rows(self) -> list[ReferralChoiceForm]:
        """The ticked rows in memo order (for the page's list of chosen bodies)."""
        by_pk = {row.body.pk: row for row in self.rows}
        return [by_pk[pk] for pk in self.order]

    def is_valid(self) -> bool:
        valid = all([row.is_valid() for row in self.rows])
        for message in map(closed_body_message, self.closed_chosen):
            if message not in self.non_field_errors:
                self.non_field_errors.append(message)
        if valid and not self.closed_chosen and not self.chosen_rows():
            self.non_field_errors.append(str(_("Välj minst en remissinstans.")))
        return valid and not self.non_field_errors

    @property
    def errors(self) -> bool:
        return bool(self.non_field_errors or any(row.errors for row in self.rows))

    def chosen_rows(self) -> list[ReferralChoiceForm]:
        return [row for row in self.ordered_rows if row.cleaned_data.get("chosen")]

    def specs(self) -> list[ReferralSpec]:
        return [ReferralSpec(row.body, row.cleaned_data["deadline"]) for row in self.chosen_rows()]


class ReferralDeadlineForm(AccessibleForm):
    deadline = forms.DateField(
        label=_("Nytt svarsdatum"), widget=DateInput(), error_messages={"required": _("Ange ett svarsdatum.")}
    )

    def __init__(self, *args, referral: Referral, **kwargs):
        self.referral = referral
        kwargs.setdefault("initial", {"deadline": referral.deadline})
        super().__init__(*args, **kwargs)

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        message = check_referral_deadline(self.referral.case, deadline)
        if message:
            raise forms.ValidationError(message)
        return deadline


class OfficersField(IdMultipleChoiceField):
    """The referral's handläggare: checkboxes, one per officer of the body, labelled by name."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *args, **kwargs):
        self.body: Body | None = None
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name() or obj.username
        return name if obj.is_active else _("%(name)s (inaktiverad)") % {"name": name}

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except forms.ValidationError as error:
            if error.code != "invalid_choice":
                raise
            ids = [v for v in value if valid_id(v)]
            strangers = User.objects.filter(pk__in=ids).exclude(pk__in=cast(QuerySet[User], self.queryset).values("pk"))
            names = ", ".join(u.get_full_name() or u.username for u in strangers)
            if names and self.body is not None:
                raise forms.ValidationError(
                    _("%(names)s är inte handläggare för %(body)s och kan inte tilldelas den här remitteringen."),
                    params={"names": names, "body": self.body.name_in_text},
                    code="invalid_choice",
                ) from error
            raise forms.ValidationError(_("Välj bland handläggarna i listan."), code="invalid_choice") from error


class ReferralOfficersForm(AccessibleForm):
    """Choose the handläggare of one referral among the officers who work for its body."""

    officers = OfficersField(
        label=_("Handläggare"),
        queryset=User.objects.none(),
        required=False,
        help_text=_(
            "De som skriver tjänsteutlåtandet. Bara handläggare som arbetar för remissinstansen kan väljas. "
            "Utan vald handläggare går påminnelserna till alla instansens handläggare."
        ),
    )

    def __init__(self, *args, referral: Referral, **kwargs):
        self.referral = referral
        assigned = [o.pk for o in referral.officers.all()]
        kwargs.setdefault("initial", {"officers": assigned})
        super().__init__(*args, **kwargs)
        field = cast(OfficersField, self.fields["officers"])
        field.body = referral.body
        # The body's active officers, and whoever is assigned now (so that they show, ticked).
        field.queryset = (
            User.objects.filter(Q(role=User.Role.OFFICER, bodies=referral.body, is_active=True) | Q(pk__in=assigned))
            .distinct()
            .order_by("first_name", "last_name", "username")
        )


class DeclineForm(AccessibleForm):
    """The optional reason a body declines to answer with (`workflow.decline`): the registrar's
    and the officer's confirmation pages both ask for it."""

    reason = forms.CharField(
        label=_("Motivering (valfri)"),
        required=False,
        max_length=2000,
        error_messages={"max_length": TOO_LONG},
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Till exempel att ärendet inte berör verksamheten. Motiveringen står i promemorian och på statustavlan."
        ),
    )
