"""The accessibility statement: public, without login, linked from every page's footer."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from remiss import workflow
from remiss.accessibility import current_statement, report_allowed
from remiss.forms import BarrierReportForm


def statement(request: HttpRequest) -> HttpResponse:
    form = BarrierReportForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if report_allowed(request.META.get("REMOTE_ADDR", "")):
            workflow.report_barrier(**form.cleaned_data)
            messages.success(
                request, _("Tack! Din anmälan har kommit in och skickats till dem som ansvarar för tjänsten.")
            )
            return redirect("accessibility")
        form.add_error(None, _("Du har skickat många anmälningar på kort tid. Vänta en stund och försök igen."))
        status = 429
    return render(
        request,
        "remiss/accessibility/statement.html",
        {"statement": current_statement(), "form": form, "nav": "accessibility"},
        status=status,
    )


urlpatterns = [path("tillganglighet/", statement, name="accessibility")]
