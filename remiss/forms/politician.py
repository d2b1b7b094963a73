"""The politician's forms: their own statement on a decision, and the co-authors they invite."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from remiss.attribution import full_line
from remiss.forms.common import AccessibleForm, RichTextField, VersionField, has_words
from remiss.ids import IdChoiceField, IdMultipleChoiceField
from remiss.models import Decision, Politician, Seat, Statement, seat_valid_on


class SeatedPoliticiansField(IdMultipleChoiceField):
    """Politicians with a seat in one body on one day, labelled with party and seat ('ledamot', 'ersättare')."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *args, **kwargs):
        self.roles: dict[int, str] = {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Politician) -> str:
        role = self.roles.get(obj.pk)
        label = f"{obj.full_name} ({obj.party.abbreviation})"
        return f"{label}, {Seat.Role(role).label.lower()}" if role else label


class SameCaseStatementField(IdChoiceField):
    def label_from_instance(self, obj: Statement) -> str:
        return f"{obj.decision.body.name}: {full_line(obj)}"


class PoliticianStatementForm(AccessibleForm):
    """A politician's own statement on a decision, with co-authors to invite.

    `kind` validates against every kind, but offers only those the seat allows: a kind the seat
    may not make reaches the workflow, which refuses it with the model's Swedish message.
    """

    kind = forms.ChoiceField(
        label=_("Typ av uttalande"),
        choices=Statement.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj vilken typ av uttalande det är.")},
    )
    text = RichTextField(
        label=_("Text"),
        required=False,
        help_text=_("Kan lämnas tom för en reservation på en rad, eller när uttalandet är likalydande med ett annat."),
    )
    backed_proposal = forms.CharField(
        label=_("Yrkade bifall till"),
        max_length=300,
        required=False,
        help_text=_(
            "Bara för en reservation: det förslag du yrkade bifall till, t.ex. ”förvaltningens förslag till beslut”."
        ),
    )
    and_others = forms.BooleanField(label=_("m.fl.: jag skriver för fler i min partigrupp"), required=False)
    identical_to = SameCaseStatementField(
        label=_("Likalydande med"),
        queryset=Statement.objects.none(),
        required=False,
        empty_label=_("Inte likalydande"),
        help_text=_("Ett likalydande uttalande står bara som en hänvisning till det andra."),
    )
    coauthors = SeatedPoliticiansField(
        label=_("Bjud in medförfattare"),
        queryset=Politician.objects.none(),
        required=False,
        help_text=_("De står med först när de har accepterat inbjudan."),
    )
    version = VersionField()

    editing = False

    def __init__(
        self,
        *args,
        decision: Decision,
        politician: Politician,
        allowed_kinds: list[str],
        statement: Statement | None = None,
        **kwargs,
    ):
        self.decision, self.politician, self.statement = decision, politician, statement
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        kind.widget.choices = [(k, label) for k, label in Statement.Kind.choices if k in allowed_kinds]
        if len(allowed_kinds) == 1 and not self.is_bound:
            self.initial.setdefault("kind", allowed_kinds[0])
        coauthors = cast(SeatedPoliticiansField, self.fields["coauthors"])
        exclude = [politician.pk]
        if statement is not None:
            exclude += [a.politician_id for a in statement.authors.all()]
        # Co-authors must have held a seat on the meeting date: the seats of that day, not today's.
        seats = Seat.objects.filter(seat_valid_on(decision.seat_day()), body_id=decision.body_id)
        coauthors.queryset = (
            Politician.objects.filter(pk__in=seats.values("politician_id"))
            .exclude(pk__in=exclude)
            .select_related("party")
            .order_by("last_name", "first_name")
        )
        coauthors.roles = dict(seats.values_list("politician_id", "role"))
        others = Statement.objects.filter(decision__case_id=decision.case_id)
        if statement is not None:
            others = others.exclude(pk=statement.pk)
        cast(SameCaseStatementField, self.fields["identical_to"]).queryset = (
            others.select_related("decision__body")
            .prefetch_related(
                "authors__politician__party",
            )
            .order_by("decision__body__name", "order", "pk")
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind = data.get("kind") or (self.statement.kind if self.statement is not None else None)
        if kind and kind != Statement.Kind.RESERVATION:
            if (data.get("backed_proposal") or "").strip():
                self.add_error("backed_proposal", _("Bara en reservation kan yrka bifall till ett förslag."))
            has_reference = data.get("identical_to") or (self.statement is not None and self.statement.endorses_id)
            if "text" not in self.errors and not has_words(data.get("text")) and not has_reference:
                self.add_error(
                    "text",
                    _("Skriv en text, eller ange vilket uttalande det ställer sig bakom eller är likalydande med."),
                )
        return data


class PoliticianStatementEditForm(PoliticianStatementForm):
    """Editing one's own statement: its kind and first author stay; more co-authors may be invited."""

    editing = True

    def __init__(self, *args, statement: Statement, **kwargs):
        super().__init__(*args, statement=statement, allowed_kinds=[statement.kind], **kwargs)
        del self.fields["kind"]
        # "m.fl." is each author's own mark: the form shows and sets the editing politician's.
        own = next((a for a in statement.authors.all() if a.politician_id == self.politician.pk), None)
        if own is not None and not self.is_bound:
            self.initial.setdefault("and_others", own.and_others)
        self.fields["and_others"].help_text = _("Gäller bara ditt namn i raden; varje medförfattare väljer själv.")
        if statement.kind != Statement.Kind.RESERVATION:
            del self.fields["backed_proposal"]
        self.fields["coauthors"].label = _("Bjud in fler medförfattare")

    @classmethod
    def initial_for(cls, statement: Statement) -> dict:
        return {
            "text": statement.text,
            "backed_proposal": statement.backed_proposal,
            "identical_to": statement.identical_to_id,
            "version": statement.version,
        }
