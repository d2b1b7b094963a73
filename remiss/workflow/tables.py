"""The transition tables: one per kind of record, pure data.

Both sides read the same rows: the pages ask `allowed_events` which buttons to show, and the
workflow functions ask `find_row` whether a move is allowed, so a button is never offered for
a move the workflow would refuse, nor the other way round. Each row has its allowed and its
forbidden tests (tests/test_workflow.py, tests/test_tasks.py, tests/test_workflow_tables.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from django.utils.translation import gettext_lazy

from remiss.models import Case, MemoJob, Referral


class Row(NamedTuple):
    event: str
    source: str
    target: str
    offices: bool  # allowed for an office (stadsledningskontoret), which makes no decision
    namnder: bool  # allowed for a body that decides at a meeting


_C = Case.Status
CASE_TABLE: tuple[Row, ...] = (
    Row("refer", _C.REGISTERED, _C.REFERRED, True, True),
    Row("refer", _C.REFERRED, _C.REFERRED, True, True),
    Row("start_compiling", _C.REFERRED, _C.COMPILING, True, True),
    Row("reopen_referrals", _C.COMPILING, _C.REFERRED, True, True),
    Row("decide", _C.COMPILING, _C.DECIDED, True, True),
    Row("answer", _C.DECIDED, _C.ANSWERED, True, True),
)

_R = Referral.Status
REFERRAL_TABLE: tuple[Row, ...] = (
    Row("start_drafting", _R.REFERRED, _R.DRAFTING, True, True),
    Row("mark_opinion_ready", _R.DRAFTING, _R.OPINION_READY, True, True),
    Row("reopen_opinion", _R.OPINION_READY, _R.DRAFTING, True, True),
    Row("record_decision", _R.OPINION_READY, _R.DECIDED, False, True),
    Row("justera", _R.DECIDED, _R.JUSTERED, False, True),
    Row("decline", _R.REFERRED, _R.DECLINED, True, True),
    Row("decline", _R.DRAFTING, _R.DECLINED, True, True),
    # A nämnd decides at its meeting on the finished opinion, and may decide to decline; an
    # office's finished opinion is already its answer.
    Row("decline", _R.OPINION_READY, _R.DECLINED, False, True),
    Row("mark_no_answer", _R.REFERRED, _R.NO_ANSWER, True, True),
    Row("mark_no_answer", _R.DRAFTING, _R.NO_ANSWER, True, True),
    # An office's opinion is its answer, so only a nämnd can still fail to answer after it.
    Row("mark_no_answer", _R.OPINION_READY, _R.NO_ANSWER, False, True),
)

_J = MemoJob.Status
MEMO_JOB_TABLE: tuple[Row, ...] = (
    Row("start", _J.QUEUED, _J.RENDERING, True, True),
    Row("finish", _J.RENDERING, _J.DONE, True, True),
    Row("fail", _J.RENDERING, _J.FAILED, True, True),
    # A job can also fail before it starts, e.g. when its task could not be queued.
    Row("fail", _J.QUEUED, _J.FAILED, True, True),
    Row("retry", _J.FAILED, _J.QUEUED, True, True),
)


class EditRow(NamedTuple):
    event: str
    case_statuses: tuple[str, ...]  # the case statuses in which the change is allowed
    justered: bool  # allowed on a justered decision


# Changing or removing what was recorded in a decision. Justering makes the decision and its
# statements final (the minutes are approved); an answered case is final too, because the memo
# the ministry got must stay what it was. In between, corrections are allowed, kommunstyrelsen's
# decided case (DECIDED) included: that is when the registrar checks the texts before sending.
_OPEN_CASE = (_C.REGISTERED, _C.REFERRED, _C.COMPILING, _C.DECIDED)
DECISION_EDIT_TABLE: tuple[EditRow, ...] = (
    EditRow("edit_decision", _OPEN_CASE, False),
    EditRow("edit_statement", _OPEN_CASE, False),
    EditRow("remove_statement", _OPEN_CASE, False),
)

EVENT_LABELS = {  # lazy: evaluated per request, in the user's language
    "refer": gettext_lazy("remittera"),
    "start_compiling": gettext_lazy("börja sammanställa"),
    "reopen_referrals": gettext_lazy("återuppta remitteringen"),
    "decide": gettext_lazy("registrera kommunstyrelsens beslut"),
    "answer": gettext_lazy("markera som besvarat"),
    "start_drafting": gettext_lazy("börja skriva"),
    "mark_opinion_ready": gettext_lazy("markera tjänsteutlåtandet som klart"),
    "reopen_opinion": gettext_lazy("öppna tjänsteutlåtandet igen"),
    "record_decision": gettext_lazy("registrera nämndens beslut"),
    "justera": gettext_lazy("justera beslutet"),
    "decline": gettext_lazy("avstå från att svara"),
    "mark_no_answer": gettext_lazy("markera som ej besvarad"),
}

# What a compile job's refusal says it cannot do: "Sammanställningen kan inte bli klar …".
MEMO_JOB_EVENT_LABELS = {
    "start": gettext_lazy("starta"),
    "finish": gettext_lazy("bli klar"),
    "fail": gettext_lazy("misslyckas"),
    "retry": gettext_lazy("köas igen"),
}


def find_row(table: Sequence[Row], event: str, status: str, *, office: bool = False) -> Row | None:
    for row in table:
        if row.event == event and row.source == status and (row.offices if office else row.namnder):
            return row
    return None


def allowed_events(obj: Case | Referral) -> list[str]:
    """The events the table allows from `obj`'s current status, for showing buttons."""
    if isinstance(obj, Case):
        return [r.event for r in CASE_TABLE if r.source == obj.status]
    office = not obj.body.makes_decisions
    return [r.event for r in REFERRAL_TABLE if r.source == obj.status and (r.offices if office else r.namnder)]


def decision_edit_row(event: str) -> EditRow:
    """The row of DECISION_EDIT_TABLE for `event` (every caller names one of its events)."""
    return next(r for r in DECISION_EDIT_TABLE if r.event == event)
