"""Forms: they validate input and nothing else. Saving goes through `remiss.workflow`.

`AccessibleForm` ties each field's error and help text to the input with aria-describedby
and marks invalid inputs, so screen readers announce what is wrong where.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from remiss.ids import IdChoiceField, IdMultipleChoiceField, valid_id
from remiss.models import validate_text_length
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


def _points_field(**kwargs) -> forms.CharField:
    """Decision points, one per line: together one text, with the same limit as every text."""
    kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
    return forms.CharField(validators=[validate_text_length], **kwargs)


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


# --- The registrar's forms: case, proposals, referrals, city texts and decisions ----------------

import re  # noqa: E402
from datetime import date, timedelta  # noqa: E402

from django.utils.formats import date_format  # noqa: E402

from remiss.models import Body, Case, Decision, Politician, Proposal, Referral, Statement  # noqa: E402


def sv_date(value: date) -> str:
    """'28 april 2023' in the active (Swedish) locale."""
    return date_format(value, "j F Y")


_POINT_NUMBER = re.compile(r"^\s*\d+\s*[.)]\s*")


def lines_to_points(value: str) -> list[str]:
    """One decision point per line; blank lines and typed numbers ('1. ') are dropped."""
    points = []
    for line in (value or "").splitlines():
        line = " ".join(_POINT_NUMBER.sub("", line).split())
        if line:
            points.append(line)
    return points


def commissioner_choices():
    """Borgarråd: the politicians with a seat in borgarrådsberedningen (everyone, if none is registered)."""
    qs = Politician.objects.select_related("party").order_by("last_name", "first_name")
    commissioners = qs.filter(seats__body__kind=Body.Kind.BORGARRADSBEREDNINGEN).distinct()
    return commissioners if commissioners.exists() else qs


class PoliticianChoiceField(IdChoiceField):
    def label_from_instance(self, obj: Politician) -> str:
        return f"{obj.full_name} ({obj.party.abbreviation})"


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
        self.fields["commissioner"].queryset = commissioner_choices()

    def _check_unique(self, name: str, message: str) -> None:
        value = (self.cleaned_data.get(name) or "").strip()
        if not value:
            return
        others = Case.objects.filter(**{f"{name}__iexact": value})
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        other = others.first()
        if other is not None:
            self.add_error(name, message % {"value": value, "case": other.full_title})

    def clean(self):
        data = super().clean()
        received, deadline = data.get("received"), data.get("deadline")
        if received and deadline and deadline < received:
            self.add_error(
                "deadline",
                _("Remisstiden (%(deadline)s) kan inte vara före datumet då remissen kom in (%(received)s).")
                % {"deadline": sv_date(deadline), "received": sv_date(received)},
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
                        % {"body": referral.body.name, "d": sv_date(referral.deadline)},
                    )
                    break
                if referral.deadline < received:
                    self.add_error(
                        "received",
                        _("%(body)s har svarsdatum %(d)s, före det nya inkomstdatumet.")
                        % {"body": referral.body.name, "d": sv_date(referral.deadline)},
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

    def clean(self):
        data = super().clean()
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
            "d": sv_date(deadline),
            "received": sv_date(case.received),
        }
    if deadline > case.deadline:
        return _("Svarsdatumet (%(d)s) kan inte vara efter remisstiden (%(deadline)s).") % {
            "d": sv_date(deadline),
            "deadline": sv_date(case.deadline),
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

    def clean(self):
        data = super().clean()
        if not data.get("chosen"):
            return data
        deadline = data.get("deadline")
        if deadline is None:
            if "deadline" not in self.errors:
                self.add_error("deadline", _("Ange ett svarsdatum för %(body)s.") % {"body": self.body.name_in_text})
        else:
            message = check_referral_deadline(self.case, deadline)
            if message:
                self.add_error("deadline", message)
        return data


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
        if valid and not self.chosen_rows():
            self.non_field_errors.append(_("Välj minst en remissinstans."))
        return valid and not self.non_field_errors

    @property
    def errors(self) -> bool:
        return bool(self.non_field_errors or any(row.errors for row in self.rows))

    def chosen_rows(self) -> list[ReferralChoiceForm]:
        return [row for row in self.ordered_rows if row.cleaned_data.get("chosen")]

    def specs(self):
        from remiss.workflow import ReferralSpec

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

    decision_points = _points_field(
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
                _("Förslaget kan inte undertecknas efter remisstiden (%(d)s).") % {"d": sv_date(self.case.deadline)}
            )
        return signed


def city_decision_initial(case: Case, body: Body) -> str:
    if body.kind == Body.Kind.BORGARRADSBEREDNINGEN:
        return _("Borgarrådsberedningen tillstyrker föredragande borgarrådets förslag.")
    proposal = getattr(case, "city_proposal", None)
    return "\n".join(proposal.decision_points) if proposal else ""


class CityDecisionForm(AccessibleForm):
    """Borgarrådsberedningen's or kommunstyrelsen's decision."""

    meeting_date = forms.DateField(
        label=_("Sammanträdesdatum"),
        required=False,
        widget=DateInput(),
        help_text=_("Lämna tomt om datumet inte ska stå i promemorian."),
    )
    points = _points_field(
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

    def clean_meeting_date(self):
        meeting = self.cleaned_data.get("meeting_date")
        if meeting and meeting > self.case.deadline:
            raise forms.ValidationError(
                _("Sammanträdet kan inte ligga efter remisstiden (%(d)s).") % {"d": sv_date(self.case.deadline)}
            )
        return meeting

    def clean_points(self):
        points = lines_to_points(self.cleaned_data.get("points", ""))
        if not points:
            raise forms.ValidationError(_("Skriv minst en beslutspunkt."))
        return points


def genitive_name(body: Body) -> str:
    from remiss.models import genitive

    return genitive(body.name)


class StatementChoiceField(IdChoiceField):
    def label_from_instance(self, obj: Statement) -> str:
        from remiss.attribution import attribution

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
            Politician.objects.filter(seats__body=decision.body)
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
        self.fields["identical_to"].queryset = (
            Statement.objects.filter(decision__case_id=decision.case_id)
            .select_related("decision__body")
            .prefetch_related("authors__politician__party")
        )

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

    def clean(self):
        data = super().clean()
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
        self.fields["identical_to"].queryset = self.fields["identical_to"].queryset.exclude(pk=statement.pk)
        self.fields["endorses"].queryset = (
            Statement.objects.filter(decision_id=statement.decision_id)
            .exclude(pk=statement.pk)
            .select_related("decision__body")
            .prefetch_related("authors__politician__party")
        )
        if not self.is_bound:
            self.initial.update(self.initial_for(statement, accepted))

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


class StatementRemoveForm(VersionForm):
    """Confirming a statement's removal; the version the registrar saw guards against a late edit."""


from django.db.models import Q  # noqa: E402

from remiss.models import User  # noqa: E402


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
            strangers = User.objects.filter(pk__in=ids).exclude(pk__in=self.queryset.values("pk"))
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
        field = self.fields["officers"]
        field.body = referral.body
        # The body's active officers, and whoever is assigned now (so that they show, ticked).
        field.queryset = (
            User.objects.filter(Q(role=User.Role.OFFICER, bodies=referral.body, is_active=True) | Q(pk__in=assigned))
            .distinct()
            .order_by("first_name", "last_name", "username")
        )


# --- The officer's and the politician's forms: opinion, nämnd decision, statements ---------------

from remiss.models import Seat  # noqa: E402
from remiss.richtext import sanitize, to_plain  # noqa: E402


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


def _has_words(html: str | None) -> bool:
    """True when a rich-text value has words once sanitised (the editor may send '<p><br></p>')."""
    return bool(to_plain(sanitize(html or "")).strip())


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


class NamndDecisionForm(AccessibleForm):
    """An answering nämnd's decision on its administration's opinion."""

    meeting_date = forms.DateField(
        label=_("Sammanträdesdatum"),
        widget=DateInput(),
        error_messages={"required": _("Ange sammanträdets datum.")},
    )
    points = _points_field(
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

    def clean_meeting_date(self):
        meeting = self.cleaned_data.get("meeting_date")
        if meeting and meeting > self.case.deadline:
            raise forms.ValidationError(
                _("Sammanträdet kan inte ligga efter remisstiden (%(d)s).") % {"d": sv_date(self.case.deadline)}
            )
        return meeting

    def clean_points(self):
        points = lines_to_points(self.cleaned_data.get("points", ""))
        if not points:
            raise forms.ValidationError(_("Skriv minst en beslutspunkt."))
        return points

    def clean(self):
        data = super().clean()
        points, after = data.get("points"), data.get("added_text_after_point")
        if points and after and _has_words(data.get("added_text")) and after > len(points):
            self.add_error(
                "added_text_after_point",
                _("Beslutet har %(n)d beslutspunkter; tillägget kan inte stå efter punkt %(after)d.")
                % {"n": len(points), "after": after},
            )
        return data


class SeatedPoliticiansField(IdMultipleChoiceField):
    """Politicians with a seat in one body, labelled with party and seat ('ledamot', 'ersättare')."""

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
        from remiss.attribution import full_line

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
        coauthors = self.fields["coauthors"]
        exclude = [politician.pk]
        if statement is not None:
            exclude += [a.politician_id for a in statement.authors.all()]
        coauthors.queryset = (
            Politician.objects.filter(seats__body_id=decision.body_id)
            .exclude(pk__in=exclude)
            .select_related("party")
            .order_by("last_name", "first_name")
        )
        coauthors.roles = dict(Seat.objects.filter(body_id=decision.body_id).values_list("politician_id", "role"))
        others = Statement.objects.filter(decision__case_id=decision.case_id)
        if statement is not None:
            others = others.exclude(pk=statement.pk)
        self.fields["identical_to"].queryset = (
            others.select_related("decision__body")
            .prefetch_related(
                "authors__politician__party",
            )
            .order_by("decision__body__name", "order", "pk")
        )

    def clean(self):
        data = super().clean()
        kind = data.get("kind") or (self.statement.kind if self.statement is not None else None)
        if kind and kind != Statement.Kind.RESERVATION:
            if (data.get("backed_proposal") or "").strip():
                self.add_error("backed_proposal", _("Bara en reservation kan yrka bifall till ett förslag."))
            has_reference = data.get("identical_to") or (self.statement is not None and self.statement.endorses_id)
            if "text" not in self.errors and not _has_words(data.get("text")) and not has_reference:
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
