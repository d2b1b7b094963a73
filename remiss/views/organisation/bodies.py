"""Bodies (nämnder, kontor and the city's own organs) and their meeting calendars."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from remiss import queries, workflow
from remiss.dates import long_date
from remiss.forms import tie_error
from remiss.forms.organisation import BodyForm, MeetingForm
from remiss.models import Body, Meeting
from remiss.models.cases import EARLIEST_CASE_DATE, LATEST_CASE_DATE
from remiss.views.organisation.base import administrator_only, form_page, list_context, render_page, save_or_show
from remiss.workflow import WorkflowError


@administrator_only
def org_bodies(request):
    page = queries.body_page(request.GET.get("q"), request.GET.get("sida"))
    return render_page(request, "bodies.html", list_context(request, page))


def _body_done(body: Body) -> str:
    return _("%(name)s är sparat (i löptext: %(in_text)s).") % {"name": body.name, "in_text": body.name_in_text}


@administrator_only
def org_body_new(request):
    form = BodyForm(request.POST or None)
    return save_or_show(
        request,
        form,
        lambda **values: workflow.save_body(None, **values),
        form_page(request, "body_edit.html", {"body": None}),
        done=_body_done,
        then=lambda body: reverse("org_body_edit", args=[body.pk]),
        rebind=BodyForm,
    )


@administrator_only
def org_body_edit(request, pk: int):
    try:
        body = queries.body_for_edit(pk)
    except Body.DoesNotExist:
        raise Http404 from None
    fields = ("name", "name_in_text", "kind", "administration", "closed_on")
    initial = {name: getattr(body, name) for name in fields} | {"version": body.version}
    form = BodyForm(request.POST or None, initial=initial)
    context = {"body": body, "people": queries.body_people(body), "changes": queries.record_changes(body)}
    return save_or_show(
        request,
        form,
        lambda **values: workflow.save_body(body, **values),
        form_page(request, "body_edit.html", context),
        done=_body_done,
        then=lambda saved: reverse("org_bodies"),
        rebind=BodyForm,
    )


def _year(value: str | None, default: int) -> int:
    """The calendar's year from the address: a year the dates can be in, else this year."""
    if value and value.isascii() and value.isdigit() and len(value) == 4:
        year = int(value)
        if EARLIEST_CASE_DATE.year <= year <= LATEST_CASE_DATE.year:
            return year
    return default


@administrator_only
def org_body_meetings(request, pk: int):
    """The body's meeting dates, a year at a time, with a form to add one."""
    body = get_object_or_404(Body, pk=pk)
    today = timezone.localdate()
    year = _year(request.GET.get("ar"), today.year)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        day: date = form.cleaned_data["day"]
        try:
            workflow.add_meeting(body, day=day, by=request.user)
        except WorkflowError as error:
            tie_error(form, "day", str(error))
        else:
            messages.success(request, _("Sammanträdet den %(date)s är tillagt.") % {"date": long_date(day)})
            return redirect(f"{reverse('org_body_meetings', args=[body.pk])}?ar={day.year}")
    calendar = queries.body_meetings(body, year, today)
    return render_page(request, "meetings.html", {"body": body, "calendar": calendar, "form": form})


@administrator_only
@require_POST
def org_meeting_remove(request, pk: int, meeting_pk: int):
    meeting = get_object_or_404(Meeting, pk=meeting_pk, body_id=pk)
    workflow.remove_meeting(meeting, by=request.user)
    messages.success(request, _("Sammanträdet den %(date)s är borttaget.") % {"date": long_date(meeting.date)})
    return redirect(f"{reverse('org_body_meetings', args=[pk])}?ar={meeting.date.year}")
