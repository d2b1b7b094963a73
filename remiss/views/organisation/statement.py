"""The accessibility statement's own part and the barriers reported from it: the administrator's
to keep, here rather than in the Django admin, which is for superusers only."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from remiss import queries, workflow
from remiss.accessibility import current_statement
from remiss.forms.organisation import AccessibilityStatementForm, BarrierHandledForm
from remiss.models import BarrierReport
from remiss.views.organisation.base import administrator_only, form_page, list_context, render_page, save_or_show


@administrator_only
def org_statement(request):
    """Edit the statement; until one is saved, the form starts from the text the page shows."""
    saved = queries.statement_for_edit()
    shown = current_statement()
    initial = {"organisation": shown.organisation, "text": str(shown.text_html), "assessed_on": shown.assessed_on}
    if saved is not None:
        initial |= {"contact_email": saved.contact_email, "version": saved.version}
    form = AccessibilityStatementForm(request.POST or None, initial=initial)
    context = {"saved": saved, "changes": queries.record_changes(saved) if saved is not None else []}
    return save_or_show(
        request,
        form,
        lambda **values: workflow.save_accessibility_statement(**values),
        form_page(request, "statement.html", context),
        done=lambda _saved: _("Tillgänglighetsredogörelsen är sparad."),
        then=lambda _saved: reverse("accessibility"),
        rebind=AccessibilityStatementForm,
    )


@administrator_only
def org_barriers(request):
    unhandled = request.GET.get("ohanterade") == "1"
    page = queries.barrier_page(request.GET.get("sida"), unhandled=unhandled)
    return render_page(request, "barriers.html", list_context(request, page, unhandled=unhandled))


@administrator_only
@require_POST
def org_barrier_handled(request, pk: int):
    report = get_object_or_404(BarrierReport, pk=pk)
    form = BarrierHandledForm(request.POST)
    form.is_valid()  # a checkbox: anything but "on" is "not handled", which is no error
    handled = bool(form.cleaned_data.get("handled"))
    workflow.mark_barrier_report(report, handled=handled, by=request.user)
    messages.success(
        request, _("Anmälan är markerad som hanterad.") if handled else _("Anmälan är markerad som ohanterad.")
    )
    return redirect("org_barriers")
