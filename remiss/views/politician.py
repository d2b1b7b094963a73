"""A politician's pages: their seats, open decisions, and their statements.

A politician sees the decisions their seats covered (the seat held on the meeting date, of any
term) and those they wrote in, writes statements there (the kinds that seat allows), invites
co-authors, answers invitations, stands behind others' statements (an ersättare) and edits only
what they author, until the decision is justered. Once every seat of theirs in a body has ended
they start nothing new there, with a Swedish message saying so, but read and (until justering)
edit what they wrote. Opinions and decisions are not theirs to touch: those pages answer 403.
"""

from __future__ import annotations

from functools import partial
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from remiss import queries, workflow
from remiss.access import (
    can_answer_invitation,
    can_endorse,
    can_view_statements,
    is_statement_author,
    new_statement_refusal,
    politician_of,
    require,
    seat_for,
    statement_kinds_for,
)
from remiss.attribution import full_line, has_own_text
from remiss.forms import PoliticianStatementEditForm, PoliticianStatementForm, tie_error
from remiss.models import Decision, Politician, Seat, Statement, StatementAuthor, User
from remiss.views.common import page_links, warn_unprintable
from remiss.views.conflicts import edit_conflict, error_status
from remiss.workflow import AuthorSpec, ConflictError, LockedError, WorkflowError


def _user(request: HttpRequest) -> User:
    """The logged-in user: every page here is behind `login_required`."""
    return cast(User, request.user)


def _politician(request: HttpRequest) -> Politician:
    politician = politician_of(_user(request))
    require(politician is not None)
    return cast(Politician, politician)


def _is_author(statement: Statement, politician: Politician, *, accepted: bool = True) -> bool:
    """From the prefetched authors, without another query."""
    return any(a.politician_id == politician.pk and a.accepted == accepted for a in statement.authors.all())


@login_required
def politician_home(request: HttpRequest, *, error: str | None = None, status: int = 200) -> HttpResponse:
    politician = _politician(request)
    overview = queries.politician_overview(politician, statements_page=request.GET.get("sida"))
    return render(
        request,
        "remiss/politician/home.html",
        {
            "nav": "politician",
            "overview": overview,
            "error": error,
            "invitations": [{"author": a, "line": full_line(a.statement)} for a in overview.invitations],
            "statements": [{"statement": s, "line": full_line(s)} for s in overview.statements.object_list],
            "statements_nav": page_links(request, overview.statements),
        },
        status=status,
    )


def _load_decision(request: HttpRequest, pk: int) -> tuple[Politician, Decision, Seat | None]:
    """The decision and the seat held on its meeting date (None for an author without one)."""
    politician = _politician(request)
    try:
        decision = queries.decision_for_politician(pk)
    except Decision.DoesNotExist:
        raise Http404 from None
    require(can_view_statements(_user(request), decision))
    return politician, decision, seat_for(_user(request), decision)


def _seat_sentence(seat: Seat | None, decision: Decision) -> str:
    """Which seat the page's rights come from: 'Du är ledamot i socialnämnden (mandatperiod 2023–2026).'"""
    body = decision.body.name_in_text
    if seat is None:
        return _("Du hade ingen plats i %(body)s när beslutet fattades, men du står bakom ett uttalande i det.") % {
            "body": body
        }
    values = {"role": seat.get_role_display().lower(), "body": body, "term": seat.term.name if seat.term else ""}
    if seat.ends is not None and seat.ends < timezone.localdate():
        if seat.term:
            return _("Du var %(role)s i %(body)s (mandatperiod %(term)s).") % values
        return _("Du var %(role)s i %(body)s.") % values
    if seat.term:
        return _("Du är %(role)s i %(body)s (mandatperiod %(term)s).") % values
    return _("Du är %(role)s i %(body)s.") % values


def _decision_page(request, politician, decision, seat, *, error=None, status=200):
    statements = list(decision.statements.all())
    endorsed = {s.endorses_id for s in statements if s.endorses_id and _is_author(s, politician)}
    refusal = None if decision.justered else new_statement_refusal(_user(request), decision)
    ersattare = seat is not None and seat.role == Seat.Role.ERSATTARE and refusal is None
    items = []
    for statement in statements:
        mine = _is_author(statement, politician)
        items.append(
            {
                "statement": statement,
                "line": full_line(statement),
                "own_text": has_own_text(statement),
                "mine": mine,
                "invited": _is_author(statement, politician, accepted=False),
                "pending": [a for a in statement.authors.all() if not a.accepted],
                "invitation": next(
                    (a for a in statement.authors.all() if a.politician_id == politician.pk and not a.accepted), None
                ),
                "can_endorse": ersattare and not mine and statement.pk not in endorsed and not decision.justered,
            }
        )
    return render(
        request,
        "remiss/politician/decision.html",
        {
            "nav": "politician",
            "decision": decision,
            "case": decision.case,
            "seat": seat,
            "seat_sentence": _seat_sentence(seat, decision),
            "refusal": refusal,
            "statements": items,
            "error": error,
        },
        status=status,
    )


@login_required
def politician_decision(request: HttpRequest, pk: int) -> HttpResponse:
    politician, decision, seat = _load_decision(request, pk)
    return _decision_page(request, politician, decision, seat)


def _statement_page(request, form, *, decision, statement=None, conflict=None, error=None, refusal=None, status=200):
    return render(
        request,
        "remiss/politician/statement_form.html",
        {
            "nav": "politician",
            "form": form,
            "decision": decision,
            "case": decision.case,
            "statement": statement,
            "line": full_line(statement) if statement is not None else "",
            "own_text": has_own_text(statement) if statement is not None else False,
            "conflict": conflict,
            "error": error,
            "refusal": refusal,
        },
        status=status,
    )


def _invitations_sent(request: HttpRequest, invitees: list[Politician]) -> None:
    """After a save that invited co-authors: whom, and that they count only once they accept."""
    if invitees:
        messages.info(
            request,
            _(
                "Inbjudan har skickats till %(names)s. "
                "En inbjuden står med i uttalandet först när inbjudan är accepterad."
            )
            % {"names": ", ".join(p.full_name for p in invitees)},
        )


@login_required
@require_http_methods(["GET", "POST"])
def politician_statement_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A new statement on the decision, of a kind the seat allows, with co-authors to invite."""
    politician, decision, seat = _load_decision(request, pk)
    allowed = statement_kinds_for(seat)
    kwargs: dict[str, Any] = {"decision": decision, "politician": politician, "allowed_kinds": allowed}
    if request.method != "POST":
        if decision.justered:
            return _statement_page(request, None, decision=decision)
        refusal = new_statement_refusal(_user(request), decision)
        if refusal is not None:
            return _statement_page(request, None, decision=decision, refusal=refusal, status=403)
        return _statement_page(request, PoliticianStatementForm(**kwargs), decision=decision)
    try:
        workflow.ensure_editable(decision)  # the lock speaks before any field does
    except LockedError as error:
        return _statement_page(request, None, decision=decision, error=str(error), status=error_status(error))
    refusal = new_statement_refusal(_user(request), decision)  # then the seat, before the fields
    if refusal is not None:
        return _statement_page(request, None, decision=decision, error=refusal, status=403)
    form = PoliticianStatementForm(request.POST, **kwargs)
    if not form.is_valid():
        return _statement_page(request, form, decision=decision)
    data = form.cleaned_data
    invitees = list(data["coauthors"])
    authors = [AuthorSpec(politician, and_others=data["and_others"])]
    authors += [AuthorSpec(p, accepted=False) for p in invitees]
    try:
        workflow.add_statement(
            decision,
            kind=data["kind"],
            authors=authors,
            text=data["text"],
            backed_proposal=data["backed_proposal"],
            identical_to=data["identical_to"],
            by=_user(request),
        )
    except WorkflowError as error:
        # The seat's kind is the first thing the model checks; a co-author's seat the next.
        field = "kind" if data["kind"] not in allowed else "coauthors" if invitees else None
        tie_error(form, field, str(error))
        return _statement_page(request, form, decision=decision, status=error_status(error))
    messages.success(request, _("Uttalandet är tillagt."))
    warn_unprintable(request, data)
    _invitations_sent(request, invitees)
    return redirect("politician_decision", pk=decision.pk)


def _load_statement(request: HttpRequest, pk: int) -> tuple[Politician, Statement]:
    politician = _politician(request)
    try:
        statement = queries.statements_with_attribution().get(pk=pk)
    except Statement.DoesNotExist:
        raise Http404 from None
    return politician, statement


@login_required
@require_http_methods(["GET", "POST"])
def politician_statement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit one's own statement (text, backed proposal, likalydande, one's own "m.fl.") and invite
    more co-authors."""
    politician, statement = _load_statement(request, pk)
    require(is_statement_author(_user(request), statement))
    decision = statement.decision
    kwargs: dict[str, Any] = {"statement": statement, "decision": decision, "politician": politician}
    if request.method != "POST":
        if decision.justered:
            return _statement_page(request, None, decision=decision, statement=statement)
        form = PoliticianStatementEditForm(initial=PoliticianStatementEditForm.initial_for(statement), **kwargs)
        return _statement_page(request, form, decision=decision, statement=statement)
    try:
        workflow.ensure_editable(decision)
    except LockedError as error:
        return _statement_page(
            request, None, decision=decision, statement=statement, error=str(error), status=error_status(error)
        )
    form = PoliticianStatementEditForm(request.POST, **kwargs)
    if not form.is_valid():
        return _statement_page(request, form, decision=decision, statement=statement)
    data = form.cleaned_data
    fields = {"text": data["text"], "identical_to": data["identical_to"]}
    if "backed_proposal" in form.fields:
        fields["backed_proposal"] = data["backed_proposal"]
    invitees = list(data["coauthors"])
    try:
        workflow.edit_own_statement(
            statement,
            politician=politician,
            and_others=data["and_others"],
            invitees=invitees,
            by=_user(request),
            expected_version=data["version"],
            **fields,
        )
    except ConflictError as error:
        return edit_conflict(
            request,
            error,
            [(str(form.fields["text"].label), data["text"], cast(Statement, error.current).text)],
            partial(_statement_page, request, decision=decision, statement=statement),
            form=partial(PoliticianStatementEditForm, **kwargs),
        )
    except WorkflowError as error:
        tie_error(form, "coauthors" if invitees else None, str(error))
        return _statement_page(request, form, decision=decision, statement=statement, status=error_status(error))
    messages.success(request, _("Uttalandet är sparat."))
    warn_unprintable(request, data)
    _invitations_sent(request, invitees)
    return redirect("politician_decision", pk=decision.pk)


@login_required
@require_POST
def politician_endorse(request: HttpRequest, pk: int) -> HttpResponse:
    """An ersättare stands behind a statement: an ersättaryttrande 'som ställde sig bakom …'."""
    politician, statement = _load_statement(request, pk)
    require(can_endorse(_user(request), statement))
    decision = statement.decision
    seat = seat_for(_user(request), decision)
    refusal = new_statement_refusal(_user(request), decision)
    if refusal is not None and not decision.justered:  # on a justered one the lock speaks, below
        decision = queries.decision_for_politician(decision.pk)
        return _decision_page(request, politician, decision, seat, error=refusal, status=403)
    try:
        if Statement.objects.filter(endorses=statement, authors__politician=politician).exists():
            raise WorkflowError(_("Du står redan bakom det uttalandet."))
        workflow.add_statement(
            decision,
            kind=Statement.Kind.ERSATTARYTTRANDE,
            authors=[AuthorSpec(politician)],
            endorses=statement,
            by=_user(request),
        )
    except WorkflowError as error:
        decision = queries.decision_for_politician(decision.pk)
        return _decision_page(request, politician, decision, seat, error=str(error), status=error_status(error))
    messages.success(request, _("Ditt ersättaryttrande är tillagt: du ställer dig bakom uttalandet."))
    return redirect("politician_decision", pk=decision.pk)


def _load_invitation(request: HttpRequest, pk: int) -> StatementAuthor:
    _politician(request)
    try:
        author = StatementAuthor.objects.select_related("statement__decision").get(pk=pk)
    except StatementAuthor.DoesNotExist:
        raise Http404 from None
    require(can_answer_invitation(_user(request), author))
    return author


@login_required
@require_POST
def politician_answer_invitation(request: HttpRequest, pk: int, *, accept: bool) -> HttpResponse:
    """Accept or decline one's own invitation (two URLs, `accept` set by each). Accepting leads to
    the decision, whose statement now lists them; declining leads home, as the invitation is gone."""
    author = _load_invitation(request, pk)
    answer = workflow.accept_coauthorship if accept else workflow.decline_coauthorship
    try:
        answer(author, by=_user(request))
    except WorkflowError as error:
        return politician_home(request, error=str(error), status=error_status(error))
    if accept:
        messages.success(request, _("Du står nu med som medförfattare."))
        return redirect("politician_decision", pk=author.statement.decision_id)
    messages.success(request, _("Du har tackat nej till inbjudan."))
    return redirect("politician_home")


urlpatterns = [
    path("politiker/", politician_home, name="politician_home"),
    path("politiker/beslut/<int:pk>/", politician_decision, name="politician_decision"),
    path("politiker/beslut/<int:pk>/nytt-uttalande/", politician_statement_add, name="politician_statement_add"),
    path("politiker/uttalande/<int:pk>/", politician_statement_edit, name="politician_statement_edit"),
    path("politiker/uttalande/<int:pk>/stall-dig-bakom/", politician_endorse, name="politician_endorse"),
    path(
        "politiker/inbjudan/<int:pk>/acceptera/",
        politician_answer_invitation,
        {"accept": True},
        name="politician_accept_invitation",
    ),
    path(
        "politiker/inbjudan/<int:pk>/avboj/",
        politician_answer_invitation,
        {"accept": False},
        name="politician_decline_invitation",
    ),
]
