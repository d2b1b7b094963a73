"""Deadline planning for the registrar, and everyone's private calendar feed.

The planning page shows what `remiss.planning` proposes for a case and applies it with one
button (the registrar's alone; 403 for others). The calendar page shows a logged-in person their
feed's address; the feed itself needs no login, since its address carries a secret token.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from remiss import calendar_feed, planning
from remiss.access import is_registrar, require
from remiss.forms import AccessibleForm
from remiss.models import Case
from remiss.views.common import current_user


class PlanOptionsForm(AccessibleForm):
    """The planning's two rules of thumb the registrar may change for one case's plan."""

    compile_days = forms.IntegerField(
        label=gettext_lazy("Sammanställning, arbetsdagar före borgarrådsberedningen"),
        min_value=0,
        max_value=30,
        required=False,
        widget=forms.NumberInput(attrs={"class": "narrow"}),
    )
    draft_days = forms.IntegerField(
        label=gettext_lazy("Utkast till tjänsteutlåtande, dagar före sammanträdet"),
        min_value=0,
        max_value=90,
        required=False,
        widget=forms.NumberInput(attrs={"class": "narrow"}),
        help_text=gettext_lazy("För ett kontor räknas dagarna före svarsdatumet."),
    )

    def options(self) -> planning.PlanOptions:
        data = self.cleaned_data if self.is_valid() else {}
        return planning.PlanOptions.from_settings(
            compile_working_days=data.get("compile_days"),
            draft_days=data.get("draft_days"),
        )


def _options_form(data: QueryDict, defaults: planning.PlanOptions) -> PlanOptionsForm:
    return PlanOptionsForm(
        data or None, initial={"compile_days": defaults.compile_working_days, "draft_days": defaults.draft_days}
    )


@login_required
def case_plan(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    require(is_registrar(user))
    case = get_object_or_404(Case, pk=pk)
    form = _options_form(request.GET, planning.PlanOptions.from_settings())
    options = form.options()
    plan = planning.plan_for_case(case, options)
    referrals = {r.pk: r for r in case.referrals.select_related("body")}
    rows = [(referrals[b.key], b) for b in plan.bodies]
    return render(
        request,
        "remiss/planning/case_plan.html",
        {
            "nav": "cases",
            "case": case,
            "plan": plan,
            "rows": rows,
            "form": form,
            "options": options,
            "fingerprint": planning.plan_fingerprint(plan),
            "changes": sum(1 for r, b in rows if r.deadline != b.deadline and not r.is_closed),
            "calendar_url": _feed_url(request, calendar_feed.calendar_token_for(user)),
        },
    )


@login_required
@require_POST
def case_plan_apply(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    require(is_registrar(user))
    case = get_object_or_404(Case, pk=pk)
    form = _options_form(request.POST, planning.PlanOptions.from_settings())
    options = form.options()
    plan = planning.plan_for_case(case, options)
    back = (
        f"{reverse('case_plan', kwargs={'pk': case.pk})}"
        f"?compile_days={options.compile_working_days}&draft_days={options.draft_days}"
    )
    if request.POST.get("fingerprint") != planning.plan_fingerprint(plan):
        messages.error(
            request,
            _(
                "Planen har ändrats sedan sidan visades (sammanträden eller remitteringar). "
                "Granska den nya planen och använd den igen."
            ),
        )
        return redirect(back)
    applied = planning.apply_plan(case, plan, by=user)
    for _referral, reason in applied.skipped:
        messages.error(request, reason)
    if applied.changed:
        messages.success(
            request,
            _("Svarsdatumet är ändrat för %(names)s.") % {"names": ", ".join(r.body.name for r in applied.changed)},
        )
    elif not applied.skipped:
        messages.success(request, _("Alla svarsdatum stämmer redan med planen; inget ändrades."))
    return redirect(back)


# --- The calendar feed ------------------------------------------------------------------------


def _feed_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("calendar_feed", kwargs={"token": token}))


@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    """The person's own feed address, made on the first visit."""
    token = calendar_feed.calendar_token_for(current_user(request))
    return render(request, "remiss/planning/calendar.html", {"calendar_url": _feed_url(request, token)})


@login_required
@require_POST
def calendar_new_link(request: HttpRequest) -> HttpResponse:
    calendar_feed.regenerate_calendar_token(current_user(request))
    messages.success(request, _("Du har fått en ny kalenderlänk. Den gamla länken fungerar inte längre."))
    target = request.POST.get("next", "")
    # Only a printable path on this site: redirect() would look anything else up as a view name
    # ("abc" was a 500), and a control character does not belong in a Location header.
    local = (
        target.startswith("/")
        and target.isprintable()
        and url_has_allowed_host_and_scheme(
            target,
            allowed_hosts={request.get_host()},
            require_https=request.is_secure(),
        )
    )
    return HttpResponseRedirect(target if local else reverse("calendar_page"))


@require_GET
def calendar_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The feed: no login, the token is the secret; an unknown token is a 404 like any wrong address."""
    user = calendar_feed.user_for_token(token)
    if user is None:
        raise Http404
    base_url = request.build_absolute_uri("/").rstrip("/")
    body = calendar_feed.render_feed(user, calendar_feed.feed_events(user, base_url=base_url))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="remisser.ics"'
    response["Cache-Control"] = "private, no-cache"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


urlpatterns = [
    path("arenden/<int:pk>/planering/", case_plan, name="case_plan"),
    path("arenden/<int:pk>/planering/anvand/", case_plan_apply, name="case_plan_apply"),
    path("kalender/", calendar_page, name="calendar_page"),
    path("kalender/ny-lank/", calendar_new_link, name="calendar_new_link"),
    path("kalender/<slug:token>.ics", calendar_ics, name="calendar_feed"),
]
