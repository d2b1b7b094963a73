"""The start page sends each person to their own way through the app, the confirmation page every
role's final moves share, and the health check."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from remiss import city, workflow
from remiss.access import is_administrator, is_registrar
from remiss.glyphs import unprintable_message
from remiss.models import Body, Case, Decision, User, genitive


def current_user(request: HttpRequest) -> User:
    """The logged-in person, as our User. For views behind `login_required` (or a decorator built
    on it), where Django's AnonymousUser never arrives; should one, it is refused (403), not a 500."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each person's own start; an administrator of an installation nobody has set up yet is
    sent to the first-run page (everyone else keeps working: see remiss.views.organisation.setup)."""
    user = current_user(request)
    if is_administrator(user) and not city.is_set_up():
        return redirect("org_first_run")
    if is_registrar(user):
        return redirect("case_list")
    if user.role == User.Role.OFFICER:
        return redirect("officer_home")
    if user.role == User.Role.POLITICIAN:
        return redirect("politician_home")
    if is_administrator(user):
        return redirect("org_home")
    # Logged in, but no role in the app yet: say so, in Swedish, rather than show the Django admin's login.
    return render(request, "remiss/no_role.html")


def warn_unprintable(request: HttpRequest, *values: object) -> None:
    """After a save: warn, in Swedish, about characters of the saved texts (or a form's
    cleaned_data) that the memo's fonts lack and will print as a stand-in. The text is kept as typed."""
    message = unprintable_message(*values)
    if message:
        messages.warning(request, message)


def page_links(request: HttpRequest, page: Page, param: str = "sida", *, path: str = "", anchor: str = "") -> dict:
    """What templates/remiss/_pagination.html needs: the page and the links to its neighbours.

    The links keep the request's other parameters, so two lists on one page (each with its own
    parameter) page independently. `path` is for a page that a POST to another address renders;
    `anchor` ("#…") brings the reader back to the list rather than to the top of the page."""

    def link(number: int) -> str:
        query = request.GET.copy()
        query[param] = str(number)
        return f"{path}?{query.urlencode()}{anchor}"

    return {
        "page": page,
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
        "next": link(page.next_page_number()) if page.has_next() else None,
    }


def confirmed(request: HttpRequest) -> bool:
    """True when the post comes from a confirmation page's button (see `confirm_page`)."""
    return request.POST.get("confirm") == "1"


def confirm_page(
    request: HttpRequest,
    *,
    case: Case,
    question: str,
    action: str,
    button: str,
    back_url: str,
    fields: dict[str, str] | None = None,
    form: Form | None = None,
    explanation: str = "",
    nav: str = "",
) -> HttpResponse:
    """The page a move with no way back shows first, for every role: `question`, and a button
    (labelled `button`) that posts `fields` to `action` again with confirm=1. A `form` shows its
    fields there, still open to change (e.g. the optional reason for declining); `back_url` is
    where "Tillbaka" leads, nothing changed."""
    return render(
        request,
        "remiss/confirm.html",
        {
            "nav": nav,
            "case": case,
            "question": question,
            "action": action,
            "button": button,
            "back_url": back_url,
            "fields": list((fields or {}).items()),
            "form": form,
            "explanation": explanation,
        },
    )


def decline_question(body: Body) -> str:
    """The question before a body declines, whoever records it (the officer or the registrar)."""
    return _("Avstå från att svara för %(body)s? Det går inte att ångra.") % {"body": body.name_in_text}


def confirm_justera(request: HttpRequest, decision: Decision, *, action: str, back_url: str, nav: str) -> HttpResponse:
    """The question before justering a decision: the officer's of a nämnd, the registrar's of the city's."""
    return confirm_page(
        request,
        case=decision.case,
        nav=nav,
        action=action,
        back_url=back_url,
        question=_("Justera %(body)s beslut? Det går inte att ångra.") % {"body": genitive(decision.body.name_in_text)},
        explanation=_("Därefter kan varken beslutet eller politikernas uttalanden till det ändras."),
        button=str(workflow.EVENT_LABELS["justera"]),
    )


@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """`/halsa/` for a load balancer or monitoring: "ok" without login and without a database query.

    It only shows that a worker process answers. It is also the baseline of bench/web.py: the
    cheapest request Django can serve through the full middleware stack.
    """
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
