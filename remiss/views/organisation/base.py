"""What every page of the Organisation section shares: the administrator's access check, the
page template's folder and menu, a list page's search and paging, and the one way an edit page
saves (the workflow's refusal in the form's error summary, a conflict beside what was typed)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page
from django.db import models
from django.forms import BaseForm, CharField
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from remiss import queries
from remiss.access import is_administrator, require
from remiss.forms import tie_error
from remiss.forms.organisation import OrganisationForm
from remiss.views.common import page_links, warn_unprintable
from remiss.views.conflicts import edit_conflict, error_status
from remiss.workflow import ConflictError, WorkflowError

M = TypeVar("M", bound=models.Model)


def administrator_only(view):
    """Anonymous → login page; logged in but no administrator → 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        require(is_administrator(request.user))
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def render_page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    context.setdefault("nav", "organisation")
    return render(request, f"remiss/organisation/{template}", context, status=status)


def list_context(request: HttpRequest, page: Page, **extra: Any) -> dict[str, Any]:
    """A list page's rows, its search words as typed (`q`) and its links to other pages."""
    return {
        "page": page,
        "rows": page.object_list,
        "q": " ".join(queries.search_words(request.GET.get("q"))),
        "pages": page_links(request, page),
        **extra,
    }


def _conflict_pairs(form: OrganisationForm, saved: models.Model) -> list[tuple[str, str, str]]:
    """(label, typed, saved) for each text field: what the conflict page compares."""
    return [
        (str(field.label), str(form.data.get(name, "")), str(getattr(saved, name, "") or ""))
        for name, field in form.fields.items()
        if isinstance(field, CharField) and name in form.data
    ]


CONFLICT_ADVICE = _(
    "Det du fyllde i finns kvar i formuläret nedan. Jämför med de sparade uppgifterna och spara igen; "
    "då ersätter dina uppgifter de sparade."
)


def save_or_show(
    request: HttpRequest,
    form: OrganisationForm,
    save: Callable[..., M],
    page: Callable[..., HttpResponse],
    *,
    done: Callable[[M], str],
    then: Callable[[M], str],
    rebind: Callable[[QueryDict], BaseForm],
) -> HttpResponse:
    """The edit page's POST: valid input goes to `save(**values, expected_version=…, by=…)`; a
    refusal comes back on `page(form, status=…)`, a conflict with both versions (409); after a
    save, the message `done(saved)` and a redirect to `then(saved)`."""
    if request.method != "POST" or not form.is_valid():
        return page(form)
    try:
        saved = save(**form.values(), expected_version=form.cleaned_data.get("version"), by=request.user)
    except ConflictError as error:
        return edit_conflict(
            request,
            error,
            _conflict_pairs(form, error.current),
            page,
            form=rebind,
            advice=str(CONFLICT_ADVICE),
        )
    except (WorkflowError, ValidationError) as error:
        for message in error.messages if isinstance(error, ValidationError) else [str(error)]:
            tie_error(form, None, message)
        return page(form, status=error_status(error))
    messages.success(request, done(saved))
    warn_unprintable(request, form.values())
    return redirect(then(saved))


def form_page(request: HttpRequest, template: str, context: dict) -> Callable[..., HttpResponse]:
    """`page(form, conflict=None, status=200)` for `save_or_show`: the template with the form."""

    def page(form: BaseForm, *, conflict: Any = None, status: int = 200) -> HttpResponse:
        return render_page(request, template, {**context, "form": form, "conflict": conflict}, status=status)

    return page
