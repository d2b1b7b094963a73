"""Seats (who sits where, as what, for which term), terms of office and parties."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django_stubs_ext import WithAnnotations

from remiss import queries, workflow
from remiss.dates import long_date
from remiss.forms.organisation import PartyForm, SeatEndForm, SeatForm, TermForm
from remiss.ids import valid_id
from remiss.models import Party, Seat, Term
from remiss.views.organisation.base import administrator_only, form_page, list_context, render_page, save_or_show

# --- Seats --------------------------------------------------------------------------------------


def _id(value: str | None) -> int | None:
    return int(value) if value is not None and valid_id(value) else None


@administrator_only
def org_seats(request):
    """The seats, by body; `?mandatperiod=<id>` one term's, `?nu=1` only those that hold today."""
    term_id, current = _id(request.GET.get("mandatperiod")), request.GET.get("nu") == "1"
    page = queries.seat_page(request.GET.get("q"), request.GET.get("sida"), term_id=term_id, current=current)
    terms = list(Term.objects.order_by("-starts"))
    return render_page(
        request, "seats.html", list_context(request, page, terms=terms, term_id=term_id, current=current)
    )


def _seat_done(seat: Seat) -> str:
    return _("Platsen för %(who)s i %(body)s är sparad.") % {"who": seat.politician.full_name, "body": seat.body.name}


def _seat_then(seat: Seat) -> str:
    return reverse("org_politician_edit", args=[seat.politician_id])


@administrator_only
def org_seat_new(request):
    """A new seat; `?politiker=` and `?organ=` choose the politician and body to start with."""
    initial = {"politician": _id(request.GET.get("politiker")), "body": _id(request.GET.get("organ"))}
    form = SeatForm(request.POST or None, initial=initial)
    return save_or_show(
        request,
        form,
        lambda **values: workflow.save_seat(None, **values),
        form_page(request, "seat_edit.html", {"seat": None}),
        done=_seat_done,
        then=_seat_then,
        rebind=SeatForm,
    )


def _seat(pk: int) -> WithAnnotations[Seat, queries.Versioned]:
    try:
        return queries.seat_for_edit(pk)
    except Seat.DoesNotExist:
        raise Http404 from None


@administrator_only
def org_seat_edit(request, pk: int):
    seat = _seat(pk)
    fields = ("politician", "body", "term")
    initial = {name: getattr(seat, f"{name}_id") for name in fields}
    initial |= {"role": seat.role, "starts": seat.starts, "ends": seat.ends, "version": seat.version}
    form = SeatForm(request.POST or None, initial=initial)
    return save_or_show(
        request,
        form,
        lambda **values: workflow.save_seat(seat, **values),
        form_page(request, "seat_edit.html", {"seat": seat, "changes": queries.record_changes(seat)}),
        done=_seat_done,
        then=_seat_then,
        rebind=SeatForm,
    )


@administrator_only
def org_seat_end(request, pk: int):
    """End a seat: its last day. The seat stays, so what it allowed stays explained."""
    seat = _seat(pk)
    form = SeatEndForm(request.POST or None, initial={"ends": seat.ends, "version": seat.version})
    return save_or_show(
        request,
        form,
        lambda **values: workflow.end_seat(seat, **values),
        form_page(request, "seat_end.html", {"seat": seat}),
        done=lambda saved: _("Platsen gäller till och med %(date)s.") % {"date": long_date(saved.ends)},
        then=_seat_then,
        rebind=SeatEndForm,
    )


# --- Terms --------------------------------------------------------------------------------------


@administrator_only
def org_terms(request):
    page = queries.term_page(request.GET.get("q"), request.GET.get("sida"))
    return render_page(request, "terms.html", list_context(request, page))


def _term_done(term: Term) -> str:
    return _("Mandatperioden %(name)s är sparad.") % {"name": term.name}


@administrator_only
def org_term_new(request):
    form = TermForm(request.POST or None)
    return save_or_show(
        request,
        form,
        lambda **values: workflow.save_term(None, **values),
        form_page(request, "term_edit.html", {"term": None}),
        done=_term_done,
        then=lambda term: reverse("org_terms"),
        rebind=TermForm,
    )


@administrator_only
def org_term_edit(request, pk: int):
    try:
        term = queries.term_for_edit(pk)
    except Term.DoesNotExist:
        raise Http404 from None
    initial = {"name": term.name, "starts": term.starts, "ends": term.ends, "version": term.version}
    form = TermForm(request.POST or None, initial=initial)
    return save_or_show(
        request,
        form,
        lambda **values: workflow.save_term(term, **values),
        form_page(request, "term_edit.html", {"term": term, "changes": queries.record_changes(term)}),
        done=_term_done,
        then=lambda saved: reverse("org_terms"),
        rebind=TermForm,
    )


# --- Parties ------------------------------------------------------------------------------------


@administrator_only
def org_parties(request):
    page = queries.party_page(request.GET.get("q"), request.GET.get("sida"))
    return render_page(request, "parties.html", list_context(request, page))


def _party_done(party: Party) -> str:
    return _("%(name)s är sparat.") % {"name": party.name}


@administrator_only
def org_party_new(request):
    form = PartyForm(request.POST or None)
    return save_or_show(
        request,
        form,
        lambda **values: workflow.save_party(None, **values),
        form_page(request, "party_edit.html", {"party": None}),
        done=_party_done,
        then=lambda party: reverse("org_parties"),
        rebind=PartyForm,
    )


@administrator_only
def org_party_edit(request, pk: int):
    try:
        party = queries.party_for_edit(pk)
    except Party.DoesNotExist:
        raise Http404 from None
    initial = {"name": party.name, "abbreviation": party.abbreviation, "genitive": party.genitive}
    form = PartyForm(request.POST or None, initial=initial | {"version": party.version})
    return save_or_show(
        request,
        form,
        lambda **values: workflow.save_party(party, **values),
        form_page(request, "party_edit.html", {"party": party, "changes": queries.record_changes(party)}),
        done=_party_done,
        then=lambda saved: reverse("org_parties"),
        rebind=PartyForm,
    )
