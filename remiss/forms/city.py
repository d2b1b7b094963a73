"""The registrar's forms for the city's own texts and decisions: Ärendet (the background), the
presenting commissioner's förslag till beslut, borgarrådsberedningen's and kommunstyrelsen's
decisions and the statements on them."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from remiss.attribution import attribution
from remiss.dates import long_date
from remiss.forms.common import (
    AccessibleForm,
    DateInput,
    DecisionForm,
    PoliticianChoiceField,
    RichTextField,
    VersionField,
    VersionForm,
    lines_to_points,
    points_field,
)
from remiss.ids import IdChoiceField
from remiss.models import (
    Body,
    Case,
    Decision,
    Politician,
    Seat,
    Statement,
    StatementAuthor,
    genitive,
    seat_valid_on,
)


class BackgroundForm(AccessibleForm):
    """The memo's Ärendet: background on the betänkande."""

    text = RichTextField(
        label=_("Ärendet"),
        help_text=_(
            "Bakgrunden till betänkandet och vad det handlar om, med mellanrubriker och punktlistor vid behov."
        ),
    )
    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].error_messages["required"] = _("Skriv texten för Ärendet innan du sparar.")


class CityProposalForm(AccessibleForm):
    """The presenting commissioner's förslag till beslut."""

    decision_points = points_field(
        label=_("Beslutspunkter"),
        required=False,
        help_text=_("En beslutspunkt per rad. Numren sätts automatiskt."),
    )
    summary = RichTextField(
        label=_("Sammanfattning av ärendet"),
        required=False,
        help_text=_(
            "Inled med betänkandet i korthet. Därefter ett stycke per remissinstans; "
            "de är förifyllda från instansernas ställningstaganden och kan ändras."
        ),
    )
    views = RichTextField(label=_("Föredragande borgarrådets synpunkter"), required=False)
    signed_place = forms.CharField(
        label=_("Ort"), max_length=100, error_messages={"required": _("Skriv orten, t.ex. Stockholm.")}
    )
    signed_date = forms.DateField(
        label=_("Datum"),
        required=False,
        widget=DateInput(),
        help_text=_("Dagen då borgarrådet undertecknar förslaget."),
    )
    version = VersionField()

    def __init__(self, *args, case: Case, **kwargs):
        self.case = case
        super().__init__(*args, **kwargs)

    def clean_decision_points(self):
        return lines_to_points(self.cleaned_data.get("decision_points", ""))

    def clean_signed_date(self):
        signed = self.cleaned_data.get("signed_date")
        if signed and signed > self.case.deadline:
            raise forms.ValidationError(
                _("Förslaget kan inte undertecknas efter remisstiden (%(d)s).") % {"d": long_date(self.case.deadline)}
            )
        return signed


def city_decision_initial(case: Case, body: Body) -> str:
    if body.kind == Body.Kind.BORGARRADSBEREDNINGEN:
        return str(_("Borgarrådsberedningen tillstyrker föredragande borgarrådets förslag."))
    proposal = getattr(case, "city_proposal", None)
    return "\n".join(proposal.decision_points) if proposal else ""


class CityDecisionForm(DecisionForm):
    """Borgarrådsberedningen's or kommunstyrelsen's decision."""

    meeting_date = forms.DateField(
        label=_("Sammanträdesdatum"),
        required=False,
        widget=DateInput(),
        help_text=_("Lämna tomt om datumet inte ska stå i promemorian."),
    )
    points = points_field(
        label=_("Beslutspunkter"),
        help_text=_("En beslutspunkt per rad."),
        error_messages={"required": _("Skriv minst en beslutspunkt.")},
    )

    def __init__(self, *args, case: Case, body: Body, **kwargs):
        self.case, self.body = case, body
        kwargs.setdefault("initial", {"points": city_decision_initial(case, body)})
        super().__init__(*args, **kwargs)
        self.fields["meeting_date"].label = _("%(body)s sammanträdesdatum") % {"body": genitive_name(body)}
        self.fields["points"].label = _("%(body)s beslutspunkter") % {"body": genitive_name(body)}


def genitive_name(body: Body) -> str:
    return genitive(body.name)


class StatementChoiceField(IdChoiceField):
    def label_from_instance(self, obj: Statement) -> str:
        return f"{attribution(obj)} – {obj.decision.body.name}"


class CityStatementForm(AccessibleForm):
    """A statement on borgarrådsberedningen's or kommunstyrelsen's decision, entered by the registrar.

    Authors are chosen one per numbered list, so the attribution's order is the registrar's.
    """

    AUTHOR_SLOTS = 6

    kind = forms.ChoiceField(label=_("Typ av uttalande"), choices=Statement.Kind.choices)
    author_title = forms.CharField(
        label=_("Titel före namnen"), max_length=50, required=False, help_text=_("T.ex. borgarråden.")
    )
    text = RichTextField(label=_("Text"), required=False)
    backed_proposal = forms.CharField(
        label=_("Yrkade bifall till"),
        max_length=300,
        required=False,
        help_text=_("Bara för en reservation: förslaget reservanten yrkade bifall till."),
    )
    identical_to = StatementChoiceField(
        label=_("Likalydande med"),
        queryset=Statement.objects.none(),
        required=False,
        empty_label=_("Inget"),
        help_text=_("Om uttalandet är likalydande med ett som redan gjorts i ärendet står det bara som en hänvisning."),
    )

    def __init__(self, *args, decision: Decision, **kwargs):
        self.decision = decision
        super().__init__(*args, **kwargs)
        seated = (
            Politician.objects.filter(self.possible_authors(decision))
            .select_related("party")
            .order_by("last_name", "first_name")
        )
        for slot in range(1, self.AUTHOR_SLOTS + 1):
            self.fields[f"author_{slot}"] = PoliticianChoiceField(
                label=_("Författare %(n)d") % {"n": slot},
                queryset=seated,
                required=slot == 1,
                empty_label=_("Välj en person") if slot == 1 else _("Ingen"),
                error_messages={"required": _("Välj minst en författare.")},
            )
            self.fields[f"author_{slot}_mfl"] = forms.BooleanField(
                label=_("”m.fl.” efter författare %(n)d") % {"n": slot},
                required=False,
            )
        self._choices("identical_to").queryset = (
            Statement.objects.filter(decision__case_id=decision.case_id)
            .select_related("decision__body")
            .prefetch_related("authors__politician__party")
        )

    def possible_authors(self, decision: Decision) -> Q:
        """Who may stand as an author: the politicians seated in the body on its meeting date (not today)."""
        seats = Seat.objects.filter(seat_valid_on(decision.seat_day()), body_id=decision.body_id)
        return Q(pk__in=seats.values("politician_id"))

    def author_rows(self):
        """(person, m.fl.) bound fields, one pair per slot, for the template."""
        return [(self[f"author_{n}"], self[f"author_{n}_mfl"]) for n in range(1, self.AUTHOR_SLOTS + 1)]

    def first_fields(self):
        return [self["kind"]]

    def other_fields(self):
        return [
            f
            for f in self.visible_fields()
            if f.name != "kind" and (not f.name.startswith("author_") or f.name == "author_title")
        ]

    def authors(self) -> list[tuple[Politician, bool]]:
        """The chosen authors in slot order, each with whether "m.fl." follows the name."""
        chosen = []
        for n in range(1, self.AUTHOR_SLOTS + 1):
            politician = self.cleaned_data.get(f"author_{n}")
            if politician is not None:
                chosen.append((politician, bool(self.cleaned_data.get(f"author_{n}_mfl"))))
        return chosen

    def _choices(self, name: str) -> StatementChoiceField:
        return cast(StatementChoiceField, self.fields[name])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        seen = set()
        for n in range(1, self.AUTHOR_SLOTS + 1):
            politician = data.get(f"author_{n}")
            if politician is None:
                continue
            if politician.pk in seen:
                self.add_error(
                    f"author_{n}", _("%(name)s står redan bland författarna.") % {"name": politician.full_name}
                )
            seen.add(politician.pk)
        kind = data.get("kind")
        if kind and kind != Statement.Kind.RESERVATION and data.get("backed_proposal"):
            self.add_error("backed_proposal", _("Bara en reservation kan yrka bifall till ett förslag."))
        if (
            kind
            and kind != Statement.Kind.RESERVATION
            and not (data.get("text") or "").strip()
            and not data.get("identical_to")
            and not data.get("endorses")
        ):
            self.add_error("text", _("Skriv en text, eller ange vilket uttalande det är likalydande med."))
        return data


class CityDecisionEditForm(CityDecisionForm):
    """Correcting a recorded city decision: the same fields, and the version the registrar read."""

    version = VersionField()

    @staticmethod
    def initial_for(decision: Decision) -> dict:
        return {
            "meeting_date": decision.meeting_date,
            "points": "\n".join(decision.points),
            "version": decision.version,
        }


class CityStatementEditForm(CityStatementForm):
    """Correcting a statement on a city decision: kind, authors in order, texts and references.

    Six author slots as when adding, or as many as the statement already has, so that saving the
    form never drops an author nobody chose to remove.
    """

    endorses = StatementChoiceField(
        label=_("Ställer sig bakom"),
        queryset=Statement.objects.none(),
        required=False,
        empty_label=_("Inget"),
        help_text=_("Ett annat uttalande i samma beslut som detta ställer sig bakom."),
    )
    version = VersionField()

    def __init__(self, *args, statement: Statement, **kwargs):
        self.statement = statement
        accepted = [a for a in statement.authors.all() if a.accepted]
        self.AUTHOR_SLOTS = max(CityStatementForm.AUTHOR_SLOTS, len(accepted))
        super().__init__(*args, decision=statement.decision, **kwargs)
        identical_to = self._choices("identical_to")
        identical_to.queryset = cast(QuerySet[Statement], identical_to.queryset).exclude(pk=statement.pk)
        self._choices("endorses").queryset = (
            Statement.objects.filter(decision_id=statement.decision_id)
            .exclude(pk=statement.pk)
            .select_related("decision__body")
            .prefetch_related("authors__politician__party")
        )
        if not self.is_bound:
            self.initial.update(self.initial_for(statement, accepted))

    def possible_authors(self, decision: Decision) -> Q:
        """Also the statement's own authors, so the form shows them as they stand: one whose seat no
        longer covers the meeting date (a date corrected since) is refused by name, never dropped."""
        own = StatementAuthor.objects.filter(statement=self.statement, accepted=True).values("politician_id")
        return super().possible_authors(decision) | Q(pk__in=own)

    @staticmethod
    def initial_for(statement: Statement, accepted) -> dict:
        initial = {
            "kind": statement.kind,
            "author_title": statement.author_title,
            "text": statement.text,
            "backed_proposal": statement.backed_proposal,
            "identical_to": statement.identical_to_id,
            "endorses": statement.endorses_id,
            "version": statement.version,
        }
        for n, author in enumerate(sorted(accepted, key=lambda a: (a.order, a.pk)), start=1):
            initial[f"author_{n}"] = author.politician_id
            initial[f"author_{n}_mfl"] = author.and_others
        return initial


class StatementRemoveForm(VersionForm):
    """Confirming a statement's removal; the version the registrar saw guards against a late edit."""
