"""The registrar's forms for a case itself: its registered facts and the betänkande's proposals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from remiss.dates import long_date
from remiss.forms.common import AccessibleForm, DateInput, PoliticianChoiceField, field_of
from remiss.models import Body, Case, Politician, Proposal, validate_text_length

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def commissioner_choices():
    """Borgarråd: the politicians with a seat in borgarrådsberedningen (everyone, if none is registered)."""
    qs = Politician.objects.select_related("party").order_by("last_name", "first_name")
    commissioners = qs.filter(seats__body__kind=Body.Kind.BORGARRADSBEREDNINGEN).distinct()
    return commissioners if commissioners.exists() else qs


class CaseForm(AccessibleForm):
    """Register a case, or correct its registered facts."""

    title = forms.CharField(
        label=_("Titel"), max_length=300, error_messages={"required": _("Skriv betänkandets titel.")}
    )
    reference = forms.CharField(
        label=_("Beteckning"),
        max_length=50,
        help_text=_("T.ex. SOU 2022:67 eller Ds 2023:4."),
        error_messages={"required": _("Skriv betänkandets beteckning.")},
    )
    sender = forms.CharField(
        label=_("Avsändare"),
        max_length=150,
        help_text=_("Departementet som remitterat, t.ex. Justitiedepartementet."),
        error_messages={"required": _("Skriv vilket departement som skickat remissen.")},
    )
    ministry_dnr = forms.CharField(
        label=_("Departementets diarienummer"),
        max_length=50,
        required=False,
        help_text=_("T.ex. Ju2022/03613."),
    )
    city_dnr = forms.CharField(
        label=_("Stadens diarienummer"),
        max_length=50,
        help_text=_("T.ex. KS 2023/99-1.1."),
        error_messages={"required": _("Skriv stadens diarienummer.")},
    )
    received = forms.DateField(
        label=_("Inkom"),
        widget=DateInput(),
        error_messages={"required": _("Ange datumet då remissen kom in.")},
    )
    deadline = forms.DateField(
        label=_("Remisstid"),
        widget=DateInput(),
        help_text=_("Sista dag för stadens svar till departementet."),
        error_messages={"required": _("Ange remisstiden.")},
    )
    commissioner = PoliticianChoiceField(
        label=_("Föredragande borgarråd"),
        queryset=Politician.objects.none(),
        required=False,
        empty_label=_("Inte bestämt än"),
    )
    memo_title = forms.CharField(
        label=_("Promemorians titel"),
        max_length=300,
        required=False,
        help_text=_("Bara om titeln i bilagan skiljer sig från betänkandets titel."),
    )

    FIELDS = (
        "title",
        "reference",
        "sender",
        "ministry_dnr",
        "city_dnr",
        "received",
        "deadline",
        "commissioner",
        "memo_title",
    )

    def __init__(self, *args, instance: Case | None = None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(instance, name) for name in self.FIELDS}
        super().__init__(*args, **kwargs)
        field_of(self, "commissioner", PoliticianChoiceField).queryset = commissioner_choices()

    def _check_unique(self, name: str, message: StrOrPromise) -> None:
        value = (self.cleaned_data.get(name) or "").strip()
        if not value:
            return
        others = Case.objects.filter(**{f"{name}__iexact": value})
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        other = others.first()
        if other is not None:
            self.add_error(name, message % {"value": value, "case": other.full_title})

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        received, deadline = data.get("received"), data.get("deadline")
        if received and deadline and deadline < received:
            self.add_error(
                "deadline",
                _("Remisstiden (%(deadline)s) kan inte vara före datumet då remissen kom in (%(received)s).")
                % {"deadline": long_date(deadline), "received": long_date(received)},
            )
        self._check_unique("reference", _("Det finns redan ett ärende med beteckningen %(value)s: %(case)s."))
        self._check_unique("city_dnr", _("Stadens diarienummer %(value)s används redan av ärendet %(case)s."))
        self._check_unique(
            "ministry_dnr", _("Departementets diarienummer %(value)s används redan av ärendet %(case)s.")
        )
        if self.instance is not None and received and deadline and deadline >= received:
            # The referrals' own deadlines must stay between the new dates.
            for referral in self.instance.referrals.select_related("body"):
                if referral.deadline > deadline:
                    self.add_error(
                        "deadline",
                        _("%(body)s har svarsdatum %(d)s, efter den nya remisstiden. Ändra svarsdatumet först.")
                        % {"body": referral.body.name, "d": long_date(referral.deadline)},
                    )
                    break
                if referral.deadline < received:
                    self.add_error(
                        "received",
                        _("%(body)s har svarsdatum %(d)s, före det nya inkomstdatumet.")
                        % {"body": referral.body.name, "d": long_date(referral.deadline)},
                    )
                    break
        return data


def _section_field(**kwargs) -> forms.CharField:
    """The betänkande's section of a proposal ("8.2"): optional, short."""
    return forms.CharField(
        label=_("Avsnitt"),
        max_length=30,
        required=False,
        error_messages={"max_length": _("Skriv avsnittets nummer, högst %(limit_value)d tecken, t.ex. 8.2.")},
        **kwargs,
    )


class ProposalForm(AccessibleForm):
    """One of the betänkande's numbered proposals or assessments."""

    kind = forms.ChoiceField(label=_("Typ"), choices=Proposal.Kind.choices)
    number = forms.CharField(
        label=_("Nummer"),
        max_length=20,
        help_text=_("Numret i betänkandet, t.ex. 1 eller 5.2."),
        error_messages={"required": _("Skriv förslagets eller bedömningens nummer.")},
    )
    title = forms.CharField(label=_("Rubrik"), max_length=300, error_messages={"required": _("Skriv en rubrik.")})
    section = _section_field(
        help_text=_("Avsnittet i betänkandet där förslaget behandlas, t.ex. 8.2. Kan lämnas tomt."),
    )
    summary = forms.CharField(
        label=_("Sammanfattning"),
        required=False,
        validators=[validate_text_length],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Vad betänkandet föreslår eller bedömer, i korthet."),
    )

    def __init__(self, *args, case: Case, **kwargs):
        self.case = case
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        kind, number = data.get("kind"), (data.get("number") or "").strip()
        if kind and number and Proposal.objects.filter(case=self.case, kind=kind, number=number).exists():
            self.add_error(
                "number",
                _("Det finns redan %(kind)s nummer %(n)s i ärendet.")
                % {"kind": Proposal.Kind(kind).label.lower(), "n": number},
            )
        return data


class ProposalSectionForm(AccessibleForm):
    """The section of a proposal already entered, changed on its row of the proposals page."""

    section = _section_field()

    def __init__(self, *args, proposal: Proposal, **kwargs):
        kwargs.setdefault("prefix", f"s{proposal.pk}")
        kwargs.setdefault("initial", {"section": proposal.section})
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        self.fields["section"].label = _("Avsnitt för %(kind)s %(n)s") % {
            "kind": proposal.get_kind_display().lower(),
            "n": proposal.number,
        }
