"""Borgarrådsberedningen's and kommunstyrelsen's decisions, which the registrar records: the
decisions, justering, and the statements on them (added, corrected, removed)."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from remiss import queries, workflow
from remiss.attribution import full_line
from remiss.diff import Conflict, points_html
from remiss.forms import (
    CityDecisionEditForm,
    CityDecisionForm,
    CityStatementEditForm,
    CityStatementForm,
    StatementRemoveForm,
)
from remiss.models import Body, Case, Decision, Statement
from remiss.richtext import sanitize
from remiss.views.common import confirm_justera, confirmed, current_user, warn_unprintable
from remiss.views.conflicts import CONFLICT, edit_conflict, error_status, saved_copy
from remiss.views.registrar.base import body_genitive, refused, registrar_only, render_page
from remiss.workflow import AuthorSpec, ConflictError, LockedError, WorkflowError


def _city_bodies() -> list[Body]:
    bodies = Body.objects.filter(kind__in=[Body.Kind.BORGARRADSBEREDNINGEN, Body.Kind.KOMMUNSTYRELSEN])
    return sorted(bodies, key=lambda b: b.kind != Body.Kind.BORGARRADSBEREDNINGEN)


@registrar_only
def case_city_decisions(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(Case.objects.select_related("city_proposal"), pk=pk)
    decisions = queries.city_decision_rows(case)  # with what the page offers; the workflow asks again on saving
    decided = {row.decision.body_id for row in decisions}
    posted = request.POST.get("body") if request.method == "POST" else None
    forms_ = []
    for body in _city_bodies():
        if body.pk in decided:
            continue
        bound = posted == str(body.pk)
        forms_.append(
            CityDecisionForm(request.POST if bound else None, case=case, body=body, prefix=f"beslut{body.pk}")
        )
    for form in forms_:
        if not form.is_bound or not form.is_valid():
            continue
        try:
            workflow.record_city_decision(
                case,
                body=form.body,
                points=form.cleaned_data["points"],
                meeting_date=form.cleaned_data["meeting_date"],
                by=current_user(request),
            )
        except (WorkflowError, ValidationError) as error:
            refused(request, error)
        else:
            messages.success(request, _("%(body)s beslut är registrerat.") % {"body": body_genitive(form.body)})
            warn_unprintable(request, form.cleaned_data)
            return redirect("case_city_decisions", pk=case.pk)
    return render_page(request, "city_decisions.html", {"case": case, "decisions": decisions, "forms": forms_})


def _city_decision(pk: int, did: int) -> Decision:
    return get_object_or_404(
        Decision.objects.select_related("case", "body"),
        pk=did,
        case_id=pk,
        body__kind__in=[Body.Kind.BORGARRADSBEREDNINGEN, Body.Kind.KOMMUNSTYRELSEN],
    )


@registrar_only
@require_POST
def city_decision_justera(request: HttpRequest, pk: int, did: int) -> HttpResponse:
    decision = _city_decision(pk, did)
    if not confirmed(request) and not decision.justered:  # a justered one gets its refusal at once
        return confirm_justera(
            request,
            decision,
            nav="cases",
            action=reverse("case_city_decision_justera", args=[pk, did]),
            back_url=reverse("case_city_decisions", args=[pk]),
        )
    try:
        workflow.justera(decision, by=current_user(request))
    except WorkflowError as error:
        refused(request, error)
    else:
        messages.success(request, _("%(body)s beslut är justerat.") % {"body": body_genitive(decision.body)})
    return redirect("case_city_decisions", pk=pk)


@registrar_only
def city_statement(request: HttpRequest, pk: int, did: int) -> HttpResponse:
    decision = _city_decision(pk, did)
    form = CityStatementForm(request.POST or None, decision=decision)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        authors = [AuthorSpec(politician, and_others=and_others) for politician, and_others in form.authors()]
        try:
            workflow.add_statement(
                decision,
                kind=data["kind"],
                authors=authors,
                text=data["text"] or "",
                backed_proposal=data["backed_proposal"] or "",
                identical_to=data["identical_to"],
                author_title=data["author_title"] or "",
                by=current_user(request),
            )
        except (WorkflowError, ValidationError) as error:
            refused(request, error)
        else:
            messages.success(
                request, _("Uttalandet är tillagt i %(body)s beslut.") % {"body": body_genitive(decision.body).lower()}
            )
            warn_unprintable(request, form.cleaned_data)
            return redirect("case_city_decisions", pk=pk)
    return render_page(request, "city_statement.html", {"case": decision.case, "decision": decision, "form": form})


def _city_decision_edit_page(
    request: HttpRequest,
    decision: Decision,
    form: CityDecisionEditForm,
    *,
    conflict: Conflict | None = None,
    refusal: LockedError | None = None,
    status: int = 200,
) -> HttpResponse:
    return render_page(
        request,
        "city_decision_edit.html",
        {
            "case": decision.case,
            "decision": decision,
            "form": form,
            "conflict": conflict,
            "refusal": refusal,
        },
        status=status,
    )


@registrar_only
def city_decision_edit(request: HttpRequest, pk: int, did: int) -> HttpResponse:
    """Correct a recorded city decision's meeting date and points, until justering or the answer."""
    decision = _city_decision(pk, did)
    refusal = workflow.decision_edit_refusal(decision, "edit_decision")
    page = partial(_city_decision_edit_page, request, decision)
    form_for = partial(CityDecisionEditForm, case=decision.case, body=decision.body)
    if request.method != "POST":
        return page(form_for(initial=CityDecisionEditForm.initial_for(decision)), refusal=refusal)
    form = form_for(request.POST)
    if refusal is not None:  # the lock speaks before any field does; what was typed stays shown
        refused(request, refusal)
        return page(form, refusal=refusal, status=error_status(refusal))
    if not form.is_valid():
        return page(form)
    data = form.cleaned_data
    try:
        workflow.edit_decision(
            decision,
            points=data["points"],
            meeting_date=data["meeting_date"],
            expected_version=data["version"],
            by=current_user(request),
        )
    except ConflictError as error:
        saved = saved_copy(error, Decision)
        return edit_conflict(
            request,
            error,
            [(str(form.fields["points"].label), points_html(data["points"]), points_html(saved.points))],
            page,
            form=form_for,
        )
    except (WorkflowError, ValidationError) as error:
        refused(request, error)
        return page(form, refusal=error if isinstance(error, LockedError) else None, status=error_status(error))
    messages.success(request, _("%(body)s beslut är ändrat.") % {"body": body_genitive(decision.body)})
    warn_unprintable(request, form.cleaned_data)
    return redirect("case_city_decisions", pk=pk)


def _city_statement(pk: int, did: int, sid: int) -> Statement:
    statement = get_object_or_404(
        Statement.objects.select_related("decision__case", "decision__body").prefetch_related(
            "authors__politician__party"
        ),
        pk=sid,
        decision_id=did,
        decision__case_id=pk,
        decision__body__kind__in=[Body.Kind.BORGARRADSBEREDNINGEN, Body.Kind.KOMMUNSTYRELSEN],
    )
    return statement


def _city_statement_edit_page(
    request: HttpRequest,
    statement: Statement,
    form: CityStatementEditForm,
    *,
    conflict: Conflict | None = None,
    refusal: LockedError | None = None,
    status: int = 200,
) -> HttpResponse:
    return render_page(
        request,
        "city_statement.html",
        {
            "case": statement.decision.case,
            "decision": statement.decision,
            "form": form,
            "statement": statement,
            "line": full_line(statement),
            "conflict": conflict,
            "refusal": refusal,
            "pending": [a for a in statement.authors.all() if not a.accepted],
        },
        status=status,
    )


@registrar_only
def city_statement_edit(request: HttpRequest, pk: int, did: int, sid: int) -> HttpResponse:
    """Correct a statement on a city decision: kind, authors in order, text and references."""
    statement = _city_statement(pk, did, sid)
    decision = statement.decision
    refusal = workflow.decision_edit_refusal(decision, "edit_statement")
    page = partial(_city_statement_edit_page, request, statement)
    form_for = partial(CityStatementEditForm, statement=statement)
    if request.method != "POST":
        return page(form_for(None), refusal=refusal)
    form = form_for(request.POST)
    if refusal is not None:  # the lock speaks before any field does
        refused(request, refusal)
        return page(form, refusal=refusal, status=error_status(refusal))
    if not form.is_valid():
        return page(form)
    data = form.cleaned_data
    authors = [AuthorSpec(politician, and_others=and_others) for politician, and_others in form.authors()]
    try:
        workflow.edit_statement(
            statement,
            kind=data["kind"],
            authors=authors,
            text=data["text"] or "",
            backed_proposal=data["backed_proposal"] or "",
            endorses=data["endorses"],
            identical_to=data["identical_to"],
            author_title=data["author_title"] or "",
            expected_version=data["version"],
            by=current_user(request),
        )
    except ConflictError as error:
        saved = saved_copy(error, Statement)
        return edit_conflict(
            request,
            error,
            [
                (_("Text"), data["text"] or "", saved.text),
                (_("Yrkade bifall till"), data["backed_proposal"] or "", saved.backed_proposal),
            ],
            page,
            form=form_for,
        )
    except (WorkflowError, ValidationError) as error:
        refused(request, error)
        return page(form, refusal=error if isinstance(error, LockedError) else None, status=error_status(error))
    messages.success(
        request, _("Uttalandet i %(body)s beslut är ändrat.") % {"body": body_genitive(decision.body).lower()}
    )
    warn_unprintable(request, form.cleaned_data)
    return redirect("case_city_decisions", pk=pk)


@registrar_only
def city_statement_remove(request: HttpRequest, pk: int, did: int, sid: int) -> HttpResponse:
    """Ask "Ta bort …?", then remove the statement (workflow.remove_statement; history keeps it)."""
    statement = _city_statement(pk, did, sid)
    decision = statement.decision
    refusal = workflow.decision_edit_refusal(decision, "remove_statement")
    status = 200
    form = StatementRemoveForm(initial={"version": statement.version})
    if request.method == "POST":
        posted = StatementRemoveForm(request.POST)
        posted.is_valid()  # always valid: a missing or malformed version cleans to one no row has
        version = posted.cleaned_data["version"]
        try:
            workflow.remove_statement(statement, expected_version=version, by=current_user(request))
        except ConflictError as error:
            # Someone changed it after the page was read: show what it says now and ask again.
            messages.error(
                request, _("Uttalandet har ändrats sedan du öppnade sidan. Läs det som det är nu och bekräfta igen.")
            )
            statement = _city_statement(pk, did, sid)
            form = StatementRemoveForm(initial={"version": saved_copy(error, Statement).version})
            status = CONFLICT
        except WorkflowError as error:
            refused(request, error)
            status = error_status(error)
            refusal = refusal or (error if isinstance(error, LockedError) else None)
        else:
            messages.success(
                request,
                _("Uttalandet är borttaget ur %(body)s beslut.") % {"body": body_genitive(decision.body).lower()},
            )
            return redirect("case_city_decisions", pk=pk)
    return render_page(
        request,
        "city_statement_remove.html",
        {
            "case": decision.case,
            "decision": decision,
            "statement": statement,
            "line": full_line(statement),
            "html": sanitize(statement.text) if not statement.identical_to_id else "",
            "form": form,
            "refusal": refusal,
        },
        status=status,
    )
