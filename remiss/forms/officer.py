"""The officer's forms: the tjänsteutlåtande (opinion) and an answering nämnd's decision."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from remiss.forms.common import (
    AccessibleForm,
    DateInput,
    DecisionForm,
    RichTextField,
    VersionField,
    has_words,
    points_field,
)
from remiss.models import Case, Decision, Referral
from remiss.richtext_input import RichTextarea


class OpinionForm(AccessibleForm):
    """The tjänsteutlåtande: date, text and förslag till beslut. Drafts may be incomplete."""

    date = forms.DateField(
        label=_("Daterat"),
        required=False,
        widget=DateInput(),
        help_text=_("Tjänsteutlåtandets datum. Krävs innan det markeras som klart."),
    )
    text = RichTextField(
        label=_("Tjänsteutlåtandets text"),
        required=False,
        help_text=_("Du kan klistra in från Word: stycken, rubriker, fet och kursiv stil och listor behålls."),
    )
    proposed_decision = RichTextField(
        label=_("Förvaltningens förslag till beslut"),
        required=False,
        widget=RichTextarea(attrs={"rows": 6}),
    )
    position = forms.CharField(
        label=_("Ställningstagande"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("En eller två meningar om kontorets hållning, till sammanfattningen i promemorian."),
    )
    version = VersionField()

    def __init__(self, *args, with_position: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_position:  # a nämnd gives its position with its decision
            del self.fields["position"]


class NamndDecisionForm(DecisionForm):
    """An answering nämnd's decision on its administration's opinion."""

    meeting_date = forms.DateField(
        label=_("Sammanträdesdatum"),
        widget=DateInput(),
        error_messages={"required": _("Ange sammanträdets datum.")},
    )
    points = points_field(
        label=_("Beslutspunkter"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("En beslutspunkt per rad, utan nummer; numren sätts automatiskt."),
        error_messages={"required": _("Skriv minst en beslutspunkt.")},
    )
    added_text = RichTextField(
        label=_("Därutöver anföra"),
        required=False,
        widget=RichTextarea(attrs={"rows": 8}),
        help_text=_("Nämndens egen text, när nämnden ”därutöver anför” något utöver förvaltningens förslag."),
    )
    added_text_after_point = forms.IntegerField(
        label=_("Tillägget står efter punkt"),
        min_value=1,
        max_value=99,
        initial=1,
        widget=forms.NumberInput(attrs={"class": "narrow"}),
        error_messages={"required": _("Ange efter vilken beslutspunkt tillägget står.")},
    )
    immediate_justering = forms.BooleanField(label=_("Beslutet justeras omedelbart"), required=False)
    position = forms.CharField(
        label=_("Ställningstagande"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "En eller två meningar om nämndens hållning, till sammanfattningen i promemorian, "
            "t.ex. ”Socialnämnden ställer sig överlag positiv till förslagen.”"
        ),
    )
    version = VersionField()

    def __init__(self, *args, case: Case, **kwargs):
        self.case = case
        super().__init__(*args, **kwargs)

    @classmethod
    def initial_for(cls, decision: Decision, referral: Referral) -> dict:
        return {
            "meeting_date": decision.meeting_date,
            "points": "\n".join(decision.points),
            "added_text": decision.added_text,
            "added_text_after_point": decision.added_text_after_point,
            "immediate_justering": decision.immediate_justering,
            "position": referral.position,
            "version": decision.version,
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        points, after = data.get("points"), data.get("added_text_after_point")
        if points and after and has_words(data.get("added_text")) and after > len(points):
            self.add_error(
                "added_text_after_point",
                _("Beslutet har %(n)d beslutspunkter; tillägget kan inte stå efter punkt %(after)d.")
                % {"n": len(points), "after": after},
            )
        return data
