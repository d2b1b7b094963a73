"""The Organisation section's forms: the city's settings, bodies, meeting dates, parties, terms,
accounts, politicians and seats. They validate what was typed; the rules that read other rows
(a name in use, overlapping terms, a closed body) are the workflow's, whose refusal the page
shows in the form's error summary.

Every edit form carries `version`: the newest history row's id when the page was read (see
`remiss.workflow.organisation`), so a save over someone else's is refused as a conflict.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from remiss.dates import long_date
from remiss.forms.common import TOO_LONG, AccessibleForm, DateInput, RichTextField, VersionField
from remiss.ids import IdChoiceField, IdMultipleChoiceField
from remiss.models import Body, Party, Politician, Seat, Term, User
from remiss.models.cases import EARLIEST_CASE_DATE, LATEST_CASE_DATE

# Dates an administrator types (meetings, seats, terms) lie where the planning can count with them.
OUT_OF_RANGE = _("Datumet måste ligga mellan år %(first)s och %(last)s.")


def check_date(value: date | None) -> None:
    if value is not None and not EARLIEST_CASE_DATE <= value <= LATEST_CASE_DATE:
        raise forms.ValidationError(
            OUT_OF_RANGE, params={"first": EARLIEST_CASE_DATE.year, "last": LATEST_CASE_DATE.year}, code="range"
        )


def date_field(
    label: StrOrPromise, *, required: bool = True, help_text: StrOrPromise = "", required_message: StrOrPromise = ""
) -> forms.DateField:
    messages: dict[str, StrOrPromise] = {"invalid": _("Skriv datumet som ÅÅÅÅ-MM-DD, t.ex. 2027-01-01.")}
    if required_message:
        messages["required"] = required_message
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        help_text=help_text,
        validators=[check_date],
        error_messages=messages,
    )


def text_field(
    label: StrOrPromise,
    max_length: int,
    *,
    required: bool = True,
    help_text: StrOrPromise = "",
    required_message: StrOrPromise = "",
) -> forms.CharField:
    messages: dict[str, StrOrPromise] = {"max_length": TOO_LONG}
    if required_message:
        messages["required"] = required_message
    return forms.CharField(
        label=label, max_length=max_length, required=required, help_text=help_text, error_messages=messages
    )


class OrganisationForm(AccessibleForm):
    """A form whose cleaned data, but for its version, are the workflow function's arguments."""

    version = VersionField()

    def values(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


# --- The city's settings ------------------------------------------------------------------------


class CitySettingsForm(OrganisationForm):
    city_name = text_field(
        _("Organisationens namn"),
        200,
        help_text=_("Som det står i promemorian och i svaret till departementet, t.ex. Stockholms stad."),
        required_message=_("Skriv organisationens namn."),
    )
    signing_place = text_field(
        _("Ort för undertecknande"),
        100,
        help_text=_("Orten som står i ett nytt förslag till beslut, t.ex. Stockholm."),
        required_message=_("Skriv orten där besluten undertecknas."),
    )


# --- Bodies and their calendars -----------------------------------------------------------------


class BodyForm(OrganisationForm):
    name = text_field(_("Namn"), 150, help_text=_("T.ex. Socialnämnden."), required_message=_("Skriv organets namn."))
    name_in_text = text_field(
        _("Namn i löptext"),
        150,
        required=False,
        help_text=_("Som namnet skrivs mitt i en mening, t.ex. socialnämnden. Lämna tomt så skrivs det av namnet."),
    )
    kind = forms.ChoiceField(
        label=_("Typ"),
        choices=Body.Kind.choices,
        help_text=_("Ett kontor skriver tjänsteutlåtanden; övriga organ beslutar på sammanträden."),
        error_messages={"required": _("Välj typ."), "invalid_choice": _("Välj en typ i listan.")},
    )
    administration = text_field(
        _("Förvaltning"),
        150,
        help_text=_("T.ex. Socialförvaltningen eller Skarpnäcks stadsdelsförvaltning."),
        required_message=_("Skriv förvaltningens namn."),
    )
    closed_on = date_field(
        _("Nedlagt den"),
        required=False,
        help_text=_(
            "Lämna tomt så länge organet finns. Från den dagen får organet inga nya platser eller "
            "sammanträden; ärenden det har svarat i behåller det som det var."
        ),
    )


class MeetingForm(AccessibleForm):
    day = date_field(_("Datum för sammanträdet"), required_message=_("Ange sammanträdets datum."))


# --- Parties and terms --------------------------------------------------------------------------


class PartyForm(OrganisationForm):
    name = text_field(_("Namn"), 100, help_text=_("T.ex. Moderaterna."), required_message=_("Skriv partiets namn."))
    abbreviation = text_field(
        _("Förkortning"), 10, help_text=_("T.ex. M."), required_message=_("Skriv partiets förkortning.")
    )
    genitive = text_field(
        _("Namn i genitiv"),
        100,
        help_text=_("T.ex. Moderaternas: som i ”Moderaternas reservation”."),
        required_message=_("Skriv partiets namn i genitiv."),
    )


class TermForm(OrganisationForm):
    name = text_field(_("Namn"), 30, help_text=_("T.ex. 2027–2030."), required_message=_("Skriv mandatperiodens namn."))
    starts = date_field(_("Börjar"), required_message=_("Ange när mandatperioden börjar."))
    ends = date_field(_("Slutar"), required_message=_("Ange när mandatperioden slutar."))

    def clean(self):
        data = super().clean() or self.cleaned_data
        starts, ends = data.get("starts"), data.get("ends")
        if starts and ends and ends < starts:
            self.add_error(
                "ends",
                _("Mandatperioden kan inte sluta (%(ends)s) före den börjar (%(starts)s).")
                % {"ends": long_date(ends), "starts": long_date(starts)},
            )
        return data


# --- People -------------------------------------------------------------------------------------


class BodyChoiceField(IdChoiceField):
    def label_from_instance(self, obj: Body) -> str:
        return obj.name if obj.closed_on is None else _("%(name)s (nedlagt)") % {"name": obj.name}


class AccountForm(OrganisationForm):
    username = text_field(
        _("Användarnamn"),
        150,
        help_text=_("Det namn personen loggar in med, t.ex. anna.andersson."),
        required_message=_("Skriv ett användarnamn."),
    )
    first_name = text_field(_("Förnamn"), 150, required=False)
    last_name = text_field(_("Efternamn"), 150, required=False)
    email = forms.EmailField(
        label=_("E-post"),
        max_length=254,
        required=False,
        help_text=_("Hit skickas påminnelser. Inloggningen kan matcha personen på adressen."),
        error_messages={"invalid": _("Skriv en giltig e-postadress, till exempel namn@exempel.se.")},
    )
    employee_id = text_field(
        _("Anställnings-id"),
        64,
        required=False,
        help_text=_("Stadens id för personen, t.ex. anställningsnummer; kan användas vid inloggning."),
    )
    role = forms.ChoiceField(
        label=_("Roll"),
        choices=User.Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj en roll."), "invalid_choice": _("Välj en roll i listan.")},
    )
    bodies = IdMultipleChoiceField(
        label=_("Arbetar för"),
        queryset=Body.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Bara för handläggare: de nämnder och kontor vars remisser personen arbetar med."),
    )
    is_active = forms.BooleanField(label=_("Kontot är aktivt (personen kan logga in)"), required=False, initial=True)

    def __init__(self, *args, account: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Open bodies, and closed ones the person still works for (so saving keeps them).
        mine = list(account.bodies.all()) if account is not None else []
        choices = Body.objects.filter(closed_on__isnull=True) | Body.objects.filter(pk__in=[b.pk for b in mine])
        bodies = self.fields["bodies"]
        assert isinstance(bodies, IdMultipleChoiceField)
        bodies.queryset = choices.order_by("name")


class PoliticianForm(OrganisationForm):
    first_name = text_field(_("Förnamn"), 100, required_message=_("Skriv förnamnet."))
    last_name = text_field(_("Efternamn"), 100, required_message=_("Skriv efternamnet."))
    party = IdChoiceField(
        label=_("Parti"),
        queryset=Party.objects.order_by("name"),
        empty_label=_("Välj parti"),
        error_messages={"required": _("Välj ett parti.")},
    )
    user = IdChoiceField(
        label=_("Användarkonto"),
        queryset=User.objects.filter(role=User.Role.POLITICIAN).order_by("last_name", "first_name", "username"),
        required=False,
        empty_label=_("Inget konto"),
        help_text=_("Kontot politikern loggar in med, för att skriva uttalanden. Bara konton med rollen Politiker."),
    )


class PoliticianChoice(IdChoiceField):
    def label_from_instance(self, obj: Politician) -> str:
        return f"{obj.last_name}, {obj.first_name} ({obj.party.abbreviation})"


class SeatForm(OrganisationForm):
    politician = PoliticianChoice(
        label=_("Politiker"),
        queryset=Politician.objects.select_related("party").order_by("last_name", "first_name"),
        empty_label=_("Välj politiker"),
        error_messages={"required": _("Välj en politiker.")},
    )
    body = BodyChoiceField(
        label=_("Organ"),
        queryset=Body.objects.exclude(kind=Body.Kind.OFFICE).order_by("name"),
        empty_label=_("Välj organ"),
        help_text=_("Nämnder och stadens organ; ett kontor har inga ledamöter."),
        error_messages={"required": _("Välj ett organ.")},
    )
    role = forms.ChoiceField(
        label=_("Roll"),
        choices=Seat.Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj ledamot eller ersättare."), "invalid_choice": _("Välj en roll i listan.")},
    )
    term = IdChoiceField(
        label=_("Mandatperiod"),
        queryset=Term.objects.order_by("-starts"),
        required=False,
        empty_label=_("Ingen mandatperiod"),
    )
    starts = date_field(_("Från"), required=False, help_text=_("Tomt: från mandatperiodens början."))
    ends = date_field(_("Till"), required=False, help_text=_("Tomt: tills vidare. Sista dagen platsen gäller."))

    def clean(self):
        data = super().clean() or self.cleaned_data
        starts, ends = data.get("starts"), data.get("ends")
        if starts and ends and ends < starts:
            self.add_error(
                "ends",
                _("Platsen kan inte sluta (%(ends)s) före den börjar (%(starts)s).")
                % {"ends": long_date(ends), "starts": long_date(starts)},
            )
        term = data.get("term")
        for name in ("starts", "ends"):
            day = data.get(name)
            if term is not None and day is not None and not term.starts <= day <= term.ends:
                self.add_error(
                    name,
                    _("Datumet måste ligga inom mandatperioden %(name)s (%(starts)s–%(ends)s).")
                    % {"name": term.name, "starts": long_date(term.starts), "ends": long_date(term.ends)},
                )
        return data


class SeatEndForm(OrganisationForm):
    ends = date_field(
        _("Sista dag"),
        help_text=_("Den sista dag platsen gäller. Platsen finns kvar, med sin historik."),
        required_message=_("Ange den sista dagen."),
    )


# --- The accessibility statement -----------------------------------------------------------------


class AccessibilityStatementForm(OrganisationForm):
    """The statement's own part; how to report a barrier and the right to complain to Digg are
    fixed in the page, so no edit can drop them."""

    organisation = text_field(
        _("Organisation"),
        200,
        help_text=_("Den som står bakom tjänsten, t.ex. Stockholms stad."),
        required_message=_("Skriv vem som står bakom tjänsten."),
    )
    text = RichTextField(
        label=_("Redogörelse"),
        help_text=_("Hur tillgänglig tjänsten är och vilka brister som är kända, med mellanrubriker vid behov."),
        error_messages={"required": _("Skriv redogörelsen.")},
    )
    contact_email = forms.EmailField(
        label=_("E-post för synpunkter"),
        max_length=254,
        required=False,
        help_text=_("Anmälningar om brister skickas hit. Tom: de skickas till administratörerna (ADMINS)."),
        error_messages={"invalid": _("Skriv en giltig e-postadress, till exempel namn@exempel.se.")},
    )
    assessed_on = date_field(
        _("Senast bedömd"),
        help_text=_("Dagen tjänstens tillgänglighet senast bedömdes."),
        required_message=_("Ange när tillgängligheten senast bedömdes."),
    )


class BarrierHandledForm(AccessibleForm):
    handled = forms.BooleanField(required=False)
