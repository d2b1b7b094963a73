"""What every registrar page shares: the access check, the page template's folder and menu,
the refusal message, the case lookup and the question before a final move."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render

from remiss import workflow
from remiss.access import is_registrar, require
from remiss.forms import DeclineForm
from remiss.models import Body, Case, genitive
from remiss.views.common import confirm_page, current_user

P = ParamSpec("P")


def registrar_only(
    view: Callable[Concatenate[HttpRequest, P], HttpResponseBase],
) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
    """Anonymous → login page; logged in but not the registrar → 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        require(is_registrar(current_user(request)))
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def render_page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context.setdefault("nav", "cases")
    return render(request, f"remiss/registrar/{template}", context, status=status)


def refused(request: HttpRequest, error: Exception) -> None:
    """Show the workflow's (or the model's) Swedish reason in the messages region."""
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(error))


def body_genitive(body: Body) -> str:
    return genitive(body.name)


def get_case(pk: int) -> Case:
    return get_object_or_404(Case.objects.select_related("commissioner__party"), pk=pk)


def confirm_event(
    request: HttpRequest,
    case: Case,
    event: str,
    question: str,
    action: str,
    *,
    back_url: str,
    back: str = "",
    form: DeclineForm | None = None,
) -> HttpResponse:
    """The page a final move shows first: `question`, and a button posting `event` to `action`
    again with confirm=1 (and `back`, where to return afterwards)."""
    fields = {"event": event, "back": back} if back else {"event": event}
    return confirm_page(
        request,
        case=case,
        question=question,
        action=action,
        button=str(workflow.EVENT_LABELS[event]),
        back_url=back_url,
        fields=fields,
        form=form,
        nav="cases",
    )
