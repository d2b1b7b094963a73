"""An officer's pages: their body's referrals, the opinion editor, the nämnd's decision.

Only officers of the referral's body reach these pages, drafts or not (403 for everyone else).
Every change goes through `remiss.workflow`; its refusals come back as Swedish messages on the
page, with what the person typed still in the form.
"""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from remiss import queries, workflow
from remiss.access import can_act_on_decision, can_work_on_referral, require
from remiss.attribution import full_line, has_own_text
from remiss.diff import points_html
from remiss.forms import DeclineForm, NamndDecisionForm, OpinionForm, tie_error
from remiss.models import Decision, Opinion, Position, Referral, User
from remiss.richtext import sanitize
from remiss.richtext_input import posted_html
from remiss.views.common import (
    confirm_justera,
    confirm_page,
    confirmed,
    decline_question,
    page_links,
    warn_unprintable,
)
from remiss.views.conflicts import CONFLICT, edit_conflict, error_status, with_version
from remiss.workflow import ConflictError, LockedError, WorkflowError

_R = Referral.Status
EDITABLE = (_R.REFERRED, _R.DRAFTING)


def _require_officer(request: HttpRequest) -> None:
    require(request.user.role == User.Role.OFFICER)


def _load(request: HttpRequest, pk: int) -> tuple[Referral, Decision | None]:
    _require_officer(request)
    try:
        referral, decision = queries.referral_for_officer(pk)
    except Referral.DoesNotExist:
        raise Http404 from None
    require(can_work_on_referral(request.user, referral))
    return referral, decision


def _ensure_open(decision: Decision | None) -> None:
    """Once the decision is justered, every change to the referral is refused with one message."""
    if decision is not None:
        workflow.ensure_editable(decision)


def _opinion(referral: Referral) -> Opinion:
    try:
        return referral.opinion
    except Opinion.DoesNotExist:
        return Opinion(referral=referral)


def _statement_lines(decision: Decision | None) -> list[dict]:
    if decision is None:
        return []
    statements = queries.statements_with_attribution().filter(decision=decision)
    return [{"statement": s, "line": full_line(s), "own_text": has_own_text(s)} for s in statements]


@login_required
def officer_home(request: HttpRequest) -> HttpResponse:
    _require_officer(request)
    bodies = list(request.user.bodies.all())
    open_page, closed_page = queries.officer_referrals(
        request.user,
        body_ids=[b.pk for b in bodies],
        open_page=request.GET.get("sida"),
        closed_page=request.GET.get("sida_avslutade"),
    )
    return render(
        request,
        "remiss/officer/home.html",
        {
            "nav": "officer",
            "open_rows": open_page.object_list,
            "closed_rows": closed_page.object_list,
            "open_nav": page_links(request, open_page, "sida"),
            "closed_nav": page_links(request, closed_page, "sida_avslutade"),
            "bodies": bodies,
        },
    )


def _opinion_form_initial(referral: Referral, opinion: Opinion) -> dict:
    return {
        "date": opinion.date,
        "text": opinion.text,
        "proposed_decision": opinion.proposed_decision,
        "position": referral.position,
        "version": opinion.version,
    }


def _referral_page(
    request,
    referral,
    decision,
    form=None,
    *,
    conflict=None,
    error=None,
    status=200,
    positions_form=None,
    positions_conflict=None,
    upload_form=None,
):
    opinion = _opinion(referral)
    editable = referral.status in EDITABLE and not (decision is not None and decision.justered)
    if editable and form is None:
        form = OpinionForm(
            initial=_opinion_form_initial(referral, opinion), with_position=not referral.body.makes_decisions
        )
    unsaved = []
    if not editable and request.method == "POST":
        # Refused because the opinion is no longer open: show what was typed, so it can be copied.
        for name, label in (("text", _("Din text")), ("proposed_decision", _("Ditt förslag till beslut"))):
            value = posted_html(request.POST, name)
            if value:
                unsaved.append({"label": label, "html": mark_safe(value)})
    return render(
        request,
        "remiss/officer/referral.html",
        {
            "nav": "officer",
            "referral": referral,
            "case": referral.case,
            "opinion": opinion,
            "decision": decision,
            "form": form if editable else None,
            "editable": editable,
            "conflict": conflict,
            "error": error,
            "unsaved": unsaved,
            "can_reopen": "reopen_opinion" in workflow.allowed_events(referral)
            and not (decision and decision.justered),
            "decline_form": DeclineForm() if "decline" in workflow.allowed_events(referral) else None,
            "decides": referral.body.makes_decisions,
            "overdue": not referral.is_closed and referral.deadline < timezone.localdate(),
            **_positions_context(request, referral, decision, positions_form, positions_conflict),
            "upload_form": (upload_form or DocxUploadForm()) if editable else None,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def officer_referral(request: HttpRequest, pk: int) -> HttpResponse:
    """The case's facts and the opinion editor. POST saves; with action=ready it also marks it ready."""
    referral, decision = _load(request, pk)
    if request.method != "POST":
        return _referral_page(request, referral, decision)
    try:
        _ensure_open(decision)  # the lock speaks before any field does
    except LockedError as error:
        return _referral_page(request, referral, decision, error=str(error), status=error_status(error))
    with_position = not referral.body.makes_decisions
    form = OpinionForm(request.POST, with_position=with_position)
    if not form.is_valid():
        return _referral_page(request, referral, decision, form)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            opinion = workflow.save_opinion(
                referral,
                text=data["text"],
                proposed_decision=data["proposed_decision"],
                date=data["date"],
                by=request.user,
                expected_version=data["version"],
            )
            if with_position and " ".join(data["position"].split()) != referral.position:
                workflow.set_position(referral, position=data["position"], by=request.user)
    except ConflictError as error:
        current = error.current
        return edit_conflict(
            request,
            error,
            [
                (str(form.fields["text"].label), data["text"], current.text),
                (str(form.fields["proposed_decision"].label), data["proposed_decision"], current.proposed_decision),
            ],
            partial(_referral_page, request, referral, decision),
            form=partial(OpinionForm, with_position=with_position),
        )
    except WorkflowError as error:
        referral.refresh_from_db()
        return _referral_page(request, referral, decision, form, error=str(error), status=error_status(error))
    warn_unprintable(request, data)  # saved, whether or not it can be marked ready below
    if request.POST.get("action") == "ready":
        try:
            workflow.mark_opinion_ready(referral, by=request.user)
        except WorkflowError as error:
            referral.refresh_from_db()
            form = OpinionForm(with_version(request.POST, opinion.version), with_position=with_position)
            form.is_valid()
            field = "text" if not opinion.text.strip() else "date" if opinion.date is None else None
            tie_error(form, field, str(error))
            messages.info(request, _("Utkastet är sparat, men det kan inte markeras som klart än."))
            return _referral_page(request, referral, decision, form)
        messages.success(request, _("Tjänsteutlåtandet är sparat och markerat som klart."))
    else:
        messages.success(request, _("Tjänsteutlåtandet är sparat."))
    return redirect("officer_referral", pk=referral.pk)


@login_required
@require_POST
def officer_reopen_opinion(request: HttpRequest, pk: int) -> HttpResponse:
    referral, decision = _load(request, pk)
    try:
        _ensure_open(decision)
        workflow.reopen_opinion(referral, by=request.user)
    except WorkflowError as error:
        return _referral_page(request, referral, decision, error=str(error), status=error_status(error))
    messages.success(request, _("Tjänsteutlåtandet är öppnat igen och kan ändras."))
    return redirect("officer_referral", pk=referral.pk)


@login_required
@require_POST
def officer_decline(request: HttpRequest, pk: int) -> HttpResponse:
    """The body declines to answer (the officer's own view of it, or the nämnd's decision), with
    an optional reason. It cannot be undone, so it asks first; a move the table refuses now
    (the referral answered or closed meanwhile) gets its refusal at once."""
    referral, decision = _load(request, pk)
    try:
        _ensure_open(decision)  # the lock speaks before anything else
    except LockedError as error:
        return _referral_page(request, referral, decision, error=str(error), status=error_status(error))
    form = DeclineForm(request.POST)
    valid = form.is_valid()
    if not (confirmed(request) and valid) and "decline" in workflow.allowed_events(referral):
        return confirm_page(
            request,
            case=referral.case,
            form=form,
            nav="officer",
            question=decline_question(referral.body),
            explanation=_(
                "Registratorn ser det på statustavlan, och i promemorian står att %(body)s har avstått från att svara."
            )
            % {"body": referral.body.name_in_text},
            action=reverse("officer_decline", args=[pk]),
            button=str(workflow.EVENT_LABELS["decline"]),
            back_url=reverse("officer_referral", args=[pk]),
        )
    try:
        workflow.decline(referral, by=request.user, reason=form.cleaned_data.get("reason", "") if valid else "")
    except WorkflowError as error:
        referral.refresh_from_db()
        return _referral_page(request, referral, decision, error=str(error), status=error_status(error))
    messages.success(request, _("%(body)s avstår från att svara.") % {"body": referral.body.name})
    warn_unprintable(request, referral.decline_reason)
    return redirect("officer_referral", pk=referral.pk)


def _decision_page(request, referral, decision, form=None, *, conflict=None, error=None, status=200):
    can_record = decision is None and referral.status == _R.OPINION_READY and referral.body.makes_decisions
    can_edit = decision is not None and not decision.justered
    if form is None and (can_record or can_edit):
        initial = (
            NamndDecisionForm.initial_for(decision, referral)
            if decision is not None
            else {"added_text_after_point": 1, "position": referral.position}
        )
        form = NamndDecisionForm(initial=initial, case=referral.case)
    return render(
        request,
        "remiss/officer/decision.html",
        {
            "nav": "officer",
            "referral": referral,
            "case": referral.case,
            "decision": decision,
            "form": form
            if (can_record or can_edit or form is not None) and not (decision and decision.justered)
            else None,
            "can_record": can_record,
            "can_edit": can_edit,
            "decides": referral.body.makes_decisions,
            "statements": _statement_lines(decision),
            "conflict": conflict,
            "error": error,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def officer_decision(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the nämnd's decision, or edit it until it is justered."""
    referral, decision = _load(request, pk)
    if request.method != "POST":
        return _decision_page(request, referral, decision)
    if decision is not None:
        require(can_act_on_decision(request.user, decision))
    try:
        _ensure_open(decision)  # the lock speaks before any field does
    except LockedError as error:
        return _decision_page(request, referral, decision, error=str(error), status=error_status(error))
    form = NamndDecisionForm(request.POST, case=referral.case)
    if not form.is_valid():
        return _decision_page(request, referral, decision, form)
    data = form.cleaned_data
    fields = {
        "meeting_date": data["meeting_date"],
        "points": data["points"],
        "added_text": data["added_text"],
        "added_text_after_point": data["added_text_after_point"],
        "immediate_justering": data["immediate_justering"],
    }
    try:
        if decision is None:
            workflow.record_decision(referral, position=data["position"], by=request.user, **fields)
            messages.success(request, _("Nämndens beslut är registrerat."))
        else:
            with transaction.atomic():
                workflow.edit_decision(decision, by=request.user, expected_version=data["version"], **fields)
                if " ".join(data["position"].split()) != referral.position:
                    workflow.set_position(referral, position=data["position"], by=request.user)
            messages.success(request, _("Beslutet är ändrat."))
    except ConflictError as error:
        current = error.current
        return edit_conflict(
            request,
            error,
            [
                (str(form.fields["points"].label), points_html(data["points"]), points_html(current.points)),
                (str(form.fields["added_text"].label), data["added_text"], current.added_text),
            ],
            partial(_decision_page, request, referral, decision),
            form=partial(NamndDecisionForm, case=referral.case),
        )
    except WorkflowError as error:
        referral.refresh_from_db()
        if decision is not None:
            decision.refresh_from_db()
        return _decision_page(request, referral, decision, form, error=str(error), status=error_status(error))
    warn_unprintable(request, data)
    return redirect("officer_decision", pk=referral.pk)


@login_required
@require_POST
def officer_justera(request: HttpRequest, pk: int) -> HttpResponse:
    referral, decision = _load(request, pk)
    if decision is None:
        return _decision_page(request, referral, decision, error=_("Det finns inget beslut att justera ännu."))
    require(can_act_on_decision(request.user, decision))
    if not confirmed(request) and not decision.justered:  # a justered one gets its refusal at once
        return confirm_justera(
            request,
            decision,
            nav="officer",
            action=reverse("officer_justera", args=[pk]),
            back_url=reverse("officer_decision", args=[pk]),
        )
    try:
        workflow.justera(decision, by=request.user)
    except WorkflowError as error:
        return _decision_page(request, referral, decision, error=str(error), status=error_status(error))
    messages.success(request, _("Beslutet är justerat. Det och dess uttalanden kan inte längre ändras."))
    return redirect("officer_decision", pk=referral.pk)


# --- Positions per proposal and Word in ---------------------------------------------------------

import secrets  # noqa: E402

from django.utils.http import urlencode  # noqa: E402
from django.utils.translation import ngettext  # noqa: E402

from remiss import positions  # noqa: E402
from remiss.diff import word_diff  # noqa: E402
from remiss.docx_import import DocxUploadForm  # noqa: E402
from remiss.positions_form import PAGE_PARAM, PAGE_SIZE, PositionsForm, page_of, rows_for_referral  # noqa: E402

# The converted text of an uploaded .docx waits here, per referral, until the officer confirms it.
WORD_SESSION_KEY = "remiss_word_import"


def _positions_url(referral: Referral, page: str | int | None) -> str:
    """The referral page at the given page of the positions form."""
    query = "?" + urlencode({PAGE_PARAM: page}) if page else ""
    return reverse("officer_referral", args=[referral.pk]) + query + "#positions-heading"


def _positions_context(
    request: HttpRequest, referral: Referral, decision: Decision | None, form: PositionsForm | None, conflict=None
) -> dict:
    rows = rows_for_referral(referral)  # after the referral: its version is never newer
    locked = positions.positions_locked(referral) or (decision is not None and decision.justered)
    page = page_of(rows, request.GET.get(PAGE_PARAM))
    if form is None and not locked and rows:
        form = PositionsForm(rows=list(page.object_list), version=referral.positions_version)
    return {
        "position_rows": rows,
        "positions_form": None if locked else form,
        "positions_locked": locked,
        "positions_conflict": conflict,
        "positions_page_size": PAGE_SIZE,
        "positions_action": reverse("officer_positions", args=[referral.pk])
        + "?"
        + urlencode({PAGE_PARAM: page.number}),
        "positions_nav": page_links(
            request,
            page,
            PAGE_PARAM,
            path=reverse("officer_referral", args=[referral.pk]),
            anchor="#positions-heading",
        ),
        "positions_discard_url": _positions_url(referral, page.number),
    }


def _positions_page(request, referral, decision, form: PositionsForm, *, conflict=None, error=None, status=200):
    """The referral page with the positions form as posted (or rebased after a conflict)."""
    return _referral_page(
        request, referral, decision, positions_form=form, positions_conflict=conflict, error=error, status=status
    )


@login_required
@require_POST
def officer_positions(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the body's stance on each proposal of one page that the officer changed, all in one
    transaction, if nobody saved positions since the page was read (else the conflict page)."""
    referral, decision = _load(request, pk)
    try:
        _ensure_open(decision)
        if positions.positions_locked(referral):
            raise LockedError(_("Remitteringen är avslutad; ställningstagandena kan inte längre ändras."))
    except LockedError as error:
        return _referral_page(request, referral, decision, error=str(error), status=error_status(error))
    form = PositionsForm(request.POST, rows=rows_for_referral(referral))
    if not form.is_valid():
        return _positions_page(request, referral, decision, form)
    changes = form.changes()
    try:
        if changes:
            workflow.save_positions(referral, changes, by=request.user, expected_version=form.version)
    except ConflictError as error:
        rows_now = rows_for_referral(referral)  # read after the version in error.current
        pairs = form.conflict_pairs(rows_now)
        # The rows this person changed keep their choices; the others show what is saved now.
        rebased = form.rebased(rows_now, error.current.positions_version)
        return edit_conflict(
            request,
            error,
            pairs,
            partial(_positions_page, request, referral, decision, rebased),
            history=Position.history.filter(referral_id=referral.pk),
            advice=_(
                "Dina val finns kvar i formuläret nedan; inget av det du valde eller skrev har gått förlorat. "
                "Raderna du inte ändrade visar nu det som är sparat. Jämför, ändra det du vill och spara igen. "
                "Då ersätter dina val de sparade, bara på raderna du har ändrat."
            ),
        )
    except WorkflowError as error:
        referral.refresh_from_db()
        return _positions_page(request, referral, decision, form, error=str(error), status=error_status(error))
    if changes:
        messages.success(
            request,
            ngettext(
                "%(n)d ställningstagande är sparat.",
                "%(n)d ställningstaganden är sparade.",
                len(changes),
            )
            % {"n": len(changes)},
        )
        warn_unprintable(request, [change.comment for change in changes])
    else:
        messages.info(request, _("Inga ställningstaganden ändrades."))
    return redirect(_positions_url(referral, request.GET.get(PAGE_PARAM)))


def _opinion_open(referral: Referral, decision: Decision | None) -> None:
    """Raise LockedError unless the opinion's text can still change (as save_opinion would)."""
    _ensure_open(decision)
    if referral.status not in EDITABLE:
        raise LockedError(
            _("Tjänsteutlåtandet kan inte ändras när remitteringen har statusen ”%(status)s”.")
            % {"status": referral.get_status_display()}
        )


def _pending_import(request: HttpRequest, referral: Referral) -> dict | None:
    return request.session.get(WORD_SESSION_KEY, {}).get(str(referral.pk))


def _set_pending_import(request: HttpRequest, referral: Referral, pending: dict | None) -> None:
    imports = dict(request.session.get(WORD_SESSION_KEY, {}))
    if pending is None:
        imports.pop(str(referral.pk), None)
    else:
        imports[str(referral.pk)] = pending
    request.session[WORD_SESSION_KEY] = imports


@login_required
@require_POST
def officer_word_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Check and convert an uploaded .docx; the result waits in the session for review."""
    referral, decision = _load(request, pk)
    try:
        _opinion_open(referral, decision)
    except LockedError as error:
        return _referral_page(request, referral, decision, error=str(error), status=error_status(error))
    form = DocxUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _referral_page(request, referral, decision, upload_form=form)
    converted = form.converted
    assert converted is not None
    _set_pending_import(
        request,
        referral,
        {
            "token": secrets.token_urlsafe(16),
            "html": converted.html,
            "filename": (form.cleaned_data["file"].name or "")[:200],
            "version": _opinion(referral).version,
            "tables": converted.tables,
            "images": converted.images,
            "words": converted.words,
        },
    )
    return redirect("officer_word_review", pk=referral.pk)


def _word_review_page(request, referral, decision, pending, *, conflict=None, error=None, status=200):
    opinion = _opinion(referral)
    return render(
        request,
        "remiss/officer/word_review.html",
        {
            "nav": "officer",
            "referral": referral,
            "case": referral.case,
            "decision": decision,
            "opinion": opinion,
            "pending": pending,
            "new_html": mark_safe(sanitize(pending["html"])),
            "diff": word_diff(opinion.text, pending["html"]) if opinion.text.strip() else None,
            "conflict": conflict,
            "error": error,
            "referral_url": reverse("officer_referral", args=[referral.pk]),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def officer_word_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the converted text; POST action=confirm replaces the opinion's text, action=cancel drops it."""
    referral, decision = _load(request, pk)
    pending = _pending_import(request, referral)
    if pending is None:
        messages.info(request, _("Det finns ingen uppladdad Word-fil att granska. Ladda upp filen på nytt."))
        return redirect("officer_referral", pk=referral.pk)
    if request.method != "POST":
        return _word_review_page(request, referral, decision, pending)
    action = request.POST.get("action")
    if action == "cancel":
        _set_pending_import(request, referral, None)
        messages.info(request, _("Texten från Word-filen användes inte. Tjänsteutlåtandet är oförändrat."))
        return redirect("officer_referral", pk=referral.pk)
    if action != "confirm" or request.POST.get("token") != pending["token"]:
        # Another upload (in another tab) replaced the one this page showed.
        return _word_review_page(
            request,
            referral,
            decision,
            pending,
            status=CONFLICT,
            error=_("Texten har bytts ut mot en senare uppladdning. Granska texten nedan och bekräfta igen."),
        )
    opinion = _opinion(referral)
    try:
        _opinion_open(referral, decision)
        workflow.save_opinion(
            referral,
            text=pending["html"],
            proposed_decision=opinion.proposed_decision,
            date=opinion.date,
            by=request.user,
            expected_version=pending["version"],
        )
    except ConflictError as error:
        current = error.current
        pending = {**pending, "version": current.version}  # confirming again now replaces knowingly
        _set_pending_import(request, referral, pending)
        return edit_conflict(
            request,
            error,
            [(_("Tjänsteutlåtandets text"), pending["html"], current.text)],
            partial(_word_review_page, request, referral, decision, pending),
        )
    except WorkflowError as error:
        referral.refresh_from_db()
        return _word_review_page(request, referral, decision, pending, error=str(error), status=error_status(error))
    _set_pending_import(request, referral, None)
    messages.success(
        request,
        _("Texten från Word-filen har ersatt tjänsteutlåtandets text. Den tidigare versionen finns kvar i historiken."),
    )
    warn_unprintable(request, pending["html"])
    return redirect("officer_referral", pk=referral.pk)


urlpatterns = [
    path("handlaggare/", officer_home, name="officer_home"),
    path("handlaggare/remiss/<int:pk>/", officer_referral, name="officer_referral"),
    path("handlaggare/remiss/<int:pk>/oppna-igen/", officer_reopen_opinion, name="officer_reopen_opinion"),
    path("handlaggare/remiss/<int:pk>/avsta/", officer_decline, name="officer_decline"),
    path("handlaggare/remiss/<int:pk>/beslut/", officer_decision, name="officer_decision"),
    path("handlaggare/remiss/<int:pk>/beslut/justera/", officer_justera, name="officer_justera"),
    path("handlaggare/remiss/<int:pk>/stallningstaganden/", officer_positions, name="officer_positions"),
    path("handlaggare/remiss/<int:pk>/word/", officer_word_upload, name="officer_word_upload"),
    path("handlaggare/remiss/<int:pk>/word/granska/", officer_word_review, name="officer_word_review"),
]
