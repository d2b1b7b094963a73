"""Saving over someone else's save, answered the same way on every edit page.

Each text a person edits carries a version counter. The page sends back the version it was read
at (`remiss.forms.VersionField`), and the workflow refuses the save with ConflictError when
someone saved since. Every edit page then answers alike: 409, the saved version beside what the
person typed (`remiss.diff.build_conflict`), and their text still in the form, now carrying the
saved version's number, so that saving again overwrites knowingly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, QueryDict

from remiss.diff import build_conflict
from remiss.workflow import ConflictError, WorkflowError

# A refused save because the text is final or someone saved first: the page again, with this code.
CONFLICT = 409

M = TypeVar("M", bound=Model)


def error_status(error: Exception) -> int:
    """The response code of a page that shows a refusal: the workflow error's own `http_status`
    (409 when the text is final or someone saved first, 200 for a refusal the page explains);
    200 for a form's ValidationError, which the page shows beside its field."""
    return error.http_status if isinstance(error, WorkflowError) else 200


def saved_copy(error: ConflictError, model: type[M]) -> M:
    """What the other person saved, as the model the failed move edits: each workflow move claims
    the version of one model, so anything else is a programming error (a TypeError, not a guess)."""
    current = error.current
    if not isinstance(current, model):
        raise TypeError(f"a conflict over {type(current).__name__}, not {model.__name__}") from error
    return current


def with_version(data: QueryDict, version: int) -> QueryDict:
    """The posted data with the saved version's number, so saving again overwrites knowingly."""
    data = data.copy()
    data["version"] = str(version)
    return data


def edit_conflict(
    request: HttpRequest,
    error: ConflictError,
    pairs: Sequence[tuple[str, str, str]],
    page: Callable[..., HttpResponse],
    *,
    form: Callable[[QueryDict], BaseForm] | None = None,
    history: QuerySet | None = None,
    advice: str = "",
) -> HttpResponse:
    """The edit page again after `error`, with status 409 and the conflict's diff.

    `pairs` are (label, what the person typed, what is saved now) for each text the page edits.
    `page(conflict=…, status=…)` renders the page; with `form` (the page's form class, or a
    function of the posted data) it gets first the form re-bound to what was typed with the
    saved version. A page whose state is not one posted form (the positions' page, the Word
    review) keeps that state itself and passes no `form`. `history` and `advice` are
    `build_conflict`'s."""
    saved = error.current
    conflict = build_conflict(error, saved, list(pairs), history=history, advice=advice)
    if form is None:
        return page(conflict=conflict, status=CONFLICT)
    rebound = form(with_version(request.POST, saved.version))  # type: ignore[attr-defined]
    rebound.is_valid()  # cleans what was typed, so the page shows it (and any field's error) again
    return page(rebound, conflict=conflict, status=CONFLICT)
