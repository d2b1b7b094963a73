"""History pages: every version of a text, a word diff between any two, restoring one; what a
nämnd changed against its administration's proposal; the exact versions a compiled memo contains.

Who may see a history is who may see the text, and who may restore is who may edit it
(`remiss.history.can_view` / `can_restore`); everyone else gets 403, anonymous visitors the login
page. Reads are `remiss.history` over `remiss.queries`; a restore is `remiss.workflow.restore_text`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from remiss import history, queries, workflow
from remiss.access import is_registrar, politician_of, require, works_for
from remiss.dates import long_datetime
from remiss.history import KINDS, TextKind
from remiss.models import Case, Decision, Memo, Opinion, Referral, Statement, User
from remiss.views.common import current_user
from remiss.views.conflicts import error_status
from remiss.workflow import WorkflowError

# The menu item a history page marks as current, by role (the registrar's is "cases").
_NAV_BY_ROLE: dict[str, str] = {User.Role.OFFICER: "officer", User.Role.POLITICIAN: "politician"}


def _nav(user: User) -> str:
    if is_registrar(user):
        return "cases"
    return _NAV_BY_ROLE.get(user.role, "")


def _int(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        return None


def _subject(kind: TextKind, pk: int) -> models.Model:
    try:
        return history.load_subject(kind, pk)
    except ObjectDoesNotExist:  # the kind's model's DoesNotExist, the only one load_subject raises
        raise Http404 from None


def _url_pk(kind: TextKind, obj: models.Model) -> int:
    """The city's texts have their pages under the case's pk; every other text under its own."""
    return history.case_of(obj).pk if kind in (history.CITY_PROPOSAL, history.BACKGROUND) else obj.pk


def history_url(kind: TextKind, obj: models.Model) -> str:
    return reverse(f"history_{kind.key}", args=[_url_pk(kind, obj)])


def _back(user: User, kind: TextKind, obj: models.Model) -> tuple[str, str] | None:
    """Where the person came from: the text's own page, for the way they work with it."""
    case = history.case_of(obj)
    if kind is history.OPINION:
        assert isinstance(obj, Opinion)  # the kind's model
        return _back_to_referral(user, obj.referral)
    if kind in (history.DECISION, history.STATEMENT_TEXT):
        return _back_to_decision(user, obj, case)
    if not is_registrar(user):
        return None
    if kind is history.CITY_PROPOSAL:
        return reverse("case_city_proposal", args=[case.pk]), _("Till förslaget till beslut")
    return reverse("case_background", args=[case.pk]), _("Till Ärendet")


def _back_to_referral(user: User, referral: Referral) -> tuple[str, str] | None:
    """Back from the opinion: the officer's page of it, or the registrar's page of the referral."""
    if works_for(user, referral.body_id):
        return reverse("officer_referral", args=[referral.pk]), _("Till tjänsteutlåtandet")
    if is_registrar(user):
        return reverse("case_referral", args=[referral.case_id, referral.pk]), _("Till remitteringen")
    return None


def _back_to_decision(user: User, obj: models.Model, case: Case) -> tuple[str, str] | None:
    """Back from a decision or a statement on it: the author's statement, the politician's or the
    officer's decision page, or the registrar's page of the city's decisions or of the case."""
    if isinstance(obj, Statement):
        decision = obj.decision
        if obj.authors.filter(politician__user_id=user.pk, accepted=True).exists():
            return reverse("politician_statement_edit", args=[obj.pk]), _("Till uttalandet")
    else:
        assert isinstance(obj, Decision)  # the decision's kind or the statement's, nothing else
        decision = obj
    if politician_of(user) is not None:
        return reverse("politician_decision", args=[decision.pk]), _("Till beslutet")
    if works_for(user, decision.body_id):
        referral = Referral.objects.filter(case_id=decision.case_id, body_id=decision.body_id).first()
        if referral is not None:
            return reverse("officer_decision", args=[referral.pk]), _("Till beslutet")
    if not is_registrar(user):
        return None
    if decision.body.is_city_level:
        return reverse("case_city_decisions", args=[case.pk]), _("Till stadens beslut")
    return reverse("case_detail", args=[case.pk]), _("Till ärendet")


def _title(kind: TextKind, obj: models.Model) -> str:
    if kind is history.BACKGROUND:
        assert isinstance(obj, Case)  # the kind's model
        return _("Ärendet (bakgrund) i %(ref)s") % {"ref": obj.reference}
    return str(obj)


# --- One text's history -------------------------------------------------------------------------


def _history_page(
    request: HttpRequest, kind: TextKind, obj: models.Model, *, error: str | None = None, status: int = 200
) -> HttpResponse:
    hist = history.load_history(kind, obj)
    versions = hist.versions
    comparison = compare_error = None
    first, second = request.GET.get("fran"), request.GET.get("till")
    if first is not None or second is not None:
        a, b = _int(first), _int(second)
        try:
            if a is None or b is None:
                raise ValueError(_("Välj två versioner att jämföra: en i kolumnen ”Från” och en i kolumnen ”Till”."))
            comparison = hist.compare(a, b)
        except ValueError as problem:
            compare_error = str(problem)
    selected_from = _int(first) or (versions[1].history_id if len(versions) > 1 else None)
    selected_to = _int(second) or (versions[0].history_id if versions else None)
    user = current_user(request)
    may_restore = history.can_restore(user, kind, obj)
    refusal = workflow.restore_refusal(obj) if may_restore else None
    return render(
        request,
        "remiss/history/history.html",
        {
            "nav": _nav(user),
            "kind": kind,
            "obj": obj,
            "title": _title(kind, obj),
            "case": history.case_of(obj),
            "history": hist,
            "versions": versions,
            "comparison": comparison,
            "compare_error": compare_error,
            "selected_from": selected_from,
            "selected_to": selected_to,
            "can_restore": may_restore and refusal is None,
            "locked": str(refusal) if refusal else "",
            "expected_version": history.expected_version(hist),
            "restore_url": reverse(f"history_{kind.key}_restore", args=[_url_pk(kind, obj)]),
            "page_url": history_url(kind, obj),
            "back": _back(user, kind, obj),
            "error": error,
            "model_label": history.model_label(kind.model),
        },
        status=status,
    )


@login_required
@require_GET
def history_page(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """The versions of one text, newest first, and (with ?fran=&till=) the word diff of two."""
    kind = KINDS[key]
    obj = _subject(kind, pk)
    require(history.can_view(current_user(request), kind, obj))
    return _history_page(request, kind, obj)


@login_required
@require_POST
def history_restore(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """Restore one version: a new version with the old text; nothing is deleted."""
    kind = KINDS[key]
    obj = _subject(kind, pk)
    user = current_user(request)
    require(history.can_view(user, kind, obj) and history.can_restore(user, kind, obj))
    history_id, version = _int(request.POST.get("history_id")), _int(request.POST.get("version"))
    if history_id is None or version is None:
        error = _("Välj en version att återställa och försök igen.")
        return _history_page(request, kind, obj, error=error, status=400)
    try:
        workflow.restore_text(obj, history_id, by=user, expected_version=version)
    except WorkflowError as error:
        obj = _subject(kind, pk)
        return _history_page(request, kind, obj, error=str(error), status=error_status(error))
    messages.success(
        request,
        _("Versionen är återställd. Den är nu den senaste versionen; inga versioner har tagits bort."),
    )
    return redirect(history_url(kind, obj))


# --- One version, read-only -------------------------------------------------------------------


@login_required
@require_GET
def version_page(request: HttpRequest, model: str, history_id: int) -> HttpResponse:
    """One history row exactly as it was: the memo's sources link here."""
    model_cls = history.resolve_model(model)
    if model_cls is None:
        raise Http404
    try:
        row = queries.history_row(model_cls, history_id)
    except ObjectDoesNotExist:  # the history model's DoesNotExist, the only one history_row raises
        raise Http404 from None
    obj = queries.current_of(model_cls, row.id)
    user = current_user(request)
    require(history.can_view_row(user, model_cls, obj))
    kind = history.kind_for_model(model_cls)
    restore = None
    if kind is not None and obj is not None and history.can_restore(user, kind, obj):
        differs = any(f.value(kind.model, row) != f.value(kind.model, obj) for f in kind.fields)
        if differs and workflow.restore_refusal(obj) is None:
            restore = {
                "url": reverse(f"history_{kind.key}_restore", args=[_url_pk(kind, obj)]),
                "version": history.text_version(obj),
            }
    values = history.row_values(model_cls, row)
    return render(
        request,
        "remiss/history/version.html",
        {
            "nav": _nav(user),
            "row": row,
            "model_name": str(model_cls._meta.verbose_name),
            "obj": obj,
            "kind": kind,
            "blocks": [v for v in values if v.block],
            "facts": [v for v in values if not v.block],
            "when_text": long_datetime(row.history_date),
            "who": history.person(row.history_user),
            "history_url": history_url(kind, obj) if kind is not None and obj is not None else None,
            "restore": restore,
        },
    )


# --- What the nämnd changed -------------------------------------------------------------------


@login_required
@require_GET
def namnd_changes(request: HttpRequest, pk: int) -> HttpResponse:
    """The nämnd's decision beside its förvaltning's förslag till beslut, with a word diff."""
    try:
        referral, decision = queries.referral_with_decision(pk)
    except Referral.DoesNotExist:
        raise Http404 from None
    user = current_user(request)
    require(history.can_view_body_decision(user, referral.body_id, decision))
    changes = history.namnd_changes(referral, decision)
    try:
        opinion = referral.opinion
    except Opinion.DoesNotExist:
        opinion = None
    back = _back(user, history.DECISION, decision) if decision is not None else _back_to_referral(user, referral)
    return render(
        request,
        "remiss/history/namnd_changes.html",
        {
            "nav": _nav(user),
            "referral": referral,
            "case": referral.case,
            "decision": decision,
            "back": back,
            "changes": changes,
            "opinion": opinion,
            "decision_history_url": reverse("history_decision", args=[decision.pk]) if decision is not None else None,
            "opinion_history_url": (
                reverse("history_opinion", args=[opinion.pk])
                if opinion is not None and history.can_view(user, history.OPINION, opinion)
                else None
            ),
        },
    )


@login_required
@require_GET
def decision_namnd_changes(request: HttpRequest, pk: int) -> HttpResponse:
    """The same page, reached from a decision (the politician's pages know the decision, not the referral)."""
    referral_pk = queries.referral_pk_of_decision(pk)
    if referral_pk is None:
        raise Http404
    return namnd_changes(request, referral_pk)


# --- The versions of a compiled memo ------------------------------------------------------------


@login_required
@require_GET
def memo_versions(request: HttpRequest, pk: int) -> HttpResponse:
    """Every text and name a memo was compiled from, with the exact version, its date and its user."""
    require(is_registrar(current_user(request)))
    try:
        memo = queries.memo_for_versions(pk)
    except Memo.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "remiss/history/memo_versions.html",
        {
            "nav": "cases",
            "memo": memo,
            "case": memo.case,
            "sources": history.memo_sources(memo),
            "created_text": long_datetime(memo.created_at),
            "created_by": history.person(memo.created_by),
        },
    )


_TEXT_ROUTES = (
    ("opinion", "historik/tjansteutlatande/<int:pk>/"),
    ("decision", "historik/beslut/<int:pk>/"),
    ("statement", "historik/uttalande/<int:pk>/"),
    ("city_proposal", "historik/arende/<int:pk>/forslag-till-beslut/"),
    ("background", "historik/arende/<int:pk>/arendet/"),
)

urlpatterns = [
    *(path(route, history_page, {"key": key}, name=f"history_{key}") for key, route in _TEXT_ROUTES),
    *(
        path(f"{route}aterstall/", history_restore, {"key": key}, name=f"history_{key}_restore")
        for key, route in _TEXT_ROUTES
    ),
    path("historik/version/<str:model>/<int:history_id>/", version_page, name="history_version"),
    path("historik/remittering/<int:pk>/vad-namnden-andrade/", namnd_changes, name="namnd_changes"),
    path("historik/beslut/<int:pk>/vad-namnden-andrade/", decision_namnd_changes, name="decision_namnd_changes"),
    path("historik/promemoria/<int:pk>/", memo_versions, name="memo_versions"),
]
