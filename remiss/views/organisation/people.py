"""People: user accounts (officers and the bodies they work for among them) and politicians."""

from __future__ import annotations

from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from remiss import queries, workflow
from remiss.forms.organisation import AccountForm, PoliticianForm
from remiss.models import Politician, User
from remiss.views.organisation.base import administrator_only, form_page, list_context, render_page, save_or_show

# --- Accounts -----------------------------------------------------------------------------------


@administrator_only
def org_accounts(request):
    """Every account; `?roll=officer` the officers (with the bodies they work for)."""
    role = request.GET.get("roll")
    role = role if role in User.Role.values else ""
    page = queries.account_page(request.GET.get("q"), request.GET.get("sida"), role or None)
    roles = [(value, str(label)) for value, label in User.Role.choices]
    return render_page(request, "accounts.html", list_context(request, page, role=role, roles=roles))


def _account_done(account: User) -> str:
    return _("Kontot %(username)s är sparat.") % {"username": account.username}


@administrator_only
def org_account_new(request):
    form = AccountForm(request.POST or None, initial={"role": User.Role.OFFICER, "is_active": True})
    return save_or_show(
        request,
        form,
        lambda **values: workflow.save_user_account(None, **values),
        form_page(request, "account_edit.html", {"account": None}),
        done=_account_done,
        then=lambda account: reverse("org_accounts"),
        rebind=AccountForm,
    )


@administrator_only
def org_account_edit(request, pk: int):
    try:
        account = queries.account_for_edit(pk)
    except User.DoesNotExist:
        raise Http404 from None
    fields = ("username", "first_name", "last_name", "email", "employee_id", "role", "is_active")
    initial = {name: getattr(account, name) for name in fields}
    initial |= {"bodies": [b.pk for b in account.bodies.all()], "version": account.version}

    def rebind(data: QueryDict) -> AccountForm:
        return AccountForm(data, account=account)

    return save_or_show(
        request,
        rebind(request.POST) if request.method == "POST" else AccountForm(initial=initial, account=account),
        lambda **values: workflow.save_user_account(account, **values),
        form_page(request, "account_edit.html", {"account": account, "changes": queries.record_changes(account)}),
        done=_account_done,
        then=lambda saved: reverse("org_accounts"),
        rebind=rebind,
    )


# --- Politicians --------------------------------------------------------------------------------


@administrator_only
def org_politicians(request):
    page = queries.politician_page(request.GET.get("q"), request.GET.get("sida"))
    return render_page(request, "politicians.html", list_context(request, page))


def _politician_done(politician: Politician) -> str:
    return _("%(name)s är sparad.") % {"name": politician.full_name}


@administrator_only
def org_politician_new(request):
    form = PoliticianForm(request.POST or None)
    return save_or_show(
        request,
        form,
        lambda **values: workflow.save_politician(None, **values),
        form_page(request, "politician_edit.html", {"politician": None}),
        done=_politician_done,
        then=lambda politician: reverse("org_politician_edit", args=[politician.pk]),
        rebind=PoliticianForm,
    )


@administrator_only
def org_politician_edit(request, pk: int):
    try:
        politician = queries.politician_for_edit(pk)
    except Politician.DoesNotExist:
        raise Http404 from None
    initial = {
        "first_name": politician.first_name,
        "last_name": politician.last_name,
        "party": politician.party_id,
        "user": politician.user_id,
        "version": politician.version,
    }
    form = PoliticianForm(request.POST or None, initial=initial)
    context = {
        "politician": politician,
        "seats": queries.politician_seats(politician),
        "changes": queries.record_changes(politician),
    }
    return save_or_show(
        request,
        form,
        lambda **values: workflow.save_politician(politician, **values),
        form_page(request, "politician_edit.html", context),
        done=_politician_done,
        then=lambda saved: reverse("org_politicians"),
        rebind=PoliticianForm,
    )
