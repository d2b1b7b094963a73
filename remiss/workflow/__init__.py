"""Every state change of a case, a referral, a decision or a statement happens here.

Each function checks its move against the transition tables (`tables`), runs inside one
transaction, saves with the acting user and a change reason that lands in the history row, and
raises `WorkflowError` with a Swedish message when the move is not allowed, leaving the database
as it was. Texts are sanitised here, so nothing unsanitised is ever saved.

The modules, by the record they change:

- `base`: the errors (with their HTTP status) and the one way to save: `_save`, `_claim_version`.
- `tables`: the transition tables, which the buttons (`allowed_events`) and the refusals read.
- `moves`: a case's or a referral's status move, checked against its table.
- `cases`, `referrals`, `decisions`, `statements`, `positions`, `city` (the city's own texts),
  `memo_jobs`, `barriers`, `restore`: the moves themselves.
- `organisation_import`: saving a checked organisation file (parties, bodies, people, seats) at once.
- `organisation` (the city's settings, bodies, meeting calendars, parties, terms, the
  accessibility statement) and `people` (accounts, politicians, seats): what an administrator keeps.

Callers import from here (`from remiss import workflow`); the names below are the public API.
The package imports nothing from `remiss.history`, `remiss.queries`, `remiss.views` or
`remiss.forms`, which read it, so none of them can close an import cycle through it.
"""

from remiss.workflow.barriers import report_barrier
from remiss.workflow.base import ConflictError, InvalidError, LockedError, WorkflowError
from remiss.workflow.cases import (
    ReferralSpec,
    add_proposal,
    mark_answered,
    refer,
    register_case,
    reopen_referrals,
    set_proposal_section,
    start_compiling,
    update_case,
)
from remiss.workflow.city import city_texts_refusal, save_background, save_city_proposal
from remiss.workflow.decisions import (
    decision_edit_refusal,
    edit_decision,
    edit_decision_and_position,
    ensure_editable,
    justera,
    record_city_decision,
    record_decision,
)
from remiss.workflow.login import apply_login_grants
from remiss.workflow.memo_jobs import create_memo_job, move_memo_job, note_memo_job_task
from remiss.workflow.organisation import (
    add_meeting,
    claim_history_version,
    history_version,
    mark_barrier_report,
    remove_meeting,
    save_accessibility_statement,
    save_body,
    save_city_settings,
    save_party,
    save_term,
)
from remiss.workflow.organisation_import import ImportRefused, import_organisation, import_reason
from remiss.workflow.people import end_seat, save_politician, save_seat, save_user_account
from remiss.workflow.positions import (
    POSITIONS_CONFLICT,
    PositionChange,
    clear_proposal_position,
    save_positions,
    set_proposal_position,
)
from remiss.workflow.referrals import (
    assign_officers,
    decline,
    mark_no_answer,
    mark_opinion_ready,
    officers_refusal,
    reopen_opinion,
    save_opinion,
    save_opinion_and_position,
    set_position,
    set_referral_deadline,
    start_drafting,
)
from remiss.workflow.restore import RESTORED_FIELDS, restore_refusal, restore_text
from remiss.workflow.statements import (
    AuthorSpec,
    accept_coauthorship,
    add_statement,
    decline_coauthorship,
    edit_own_statement,
    edit_statement,
    invite_coauthor,
    remove_statement,
    set_and_others,
)
from remiss.workflow.tables import (
    CASE_TABLE,
    DECISION_EDIT_TABLE,
    EVENT_LABELS,
    MEMO_JOB_TABLE,
    REFERRAL_TABLE,
    EditRow,
    Row,
    allowed_events,
    find_row,
)

__all__ = [
    "apply_login_grants",
    # errors (base)
    "ConflictError",
    "InvalidError",
    "LockedError",
    "WorkflowError",
    # the transition tables and what the pages read of them (tables)
    "CASE_TABLE",
    "DECISION_EDIT_TABLE",
    "EVENT_LABELS",
    "MEMO_JOB_TABLE",
    "REFERRAL_TABLE",
    "EditRow",
    "Row",
    "allowed_events",
    "find_row",
    # the case (cases)
    "ReferralSpec",
    "add_proposal",
    "mark_answered",
    "refer",
    "register_case",
    "reopen_referrals",
    "set_proposal_section",
    "start_compiling",
    "update_case",
    # the city's own texts (city)
    "city_texts_refusal",
    "save_background",
    "save_city_proposal",
    # a referral and its opinion (referrals)
    "assign_officers",
    "decline",
    "mark_no_answer",
    "mark_opinion_ready",
    "officers_refusal",
    "reopen_opinion",
    "save_opinion",
    "save_opinion_and_position",
    "set_position",
    "set_referral_deadline",
    "start_drafting",
    # decisions (decisions)
    "decision_edit_refusal",
    "edit_decision",
    "edit_decision_and_position",
    "ensure_editable",
    "justera",
    "record_city_decision",
    "record_decision",
    # statements and their authors (statements)
    "AuthorSpec",
    "accept_coauthorship",
    "add_statement",
    "decline_coauthorship",
    "edit_own_statement",
    "edit_statement",
    "invite_coauthor",
    "remove_statement",
    "set_and_others",
    # positions per proposal (positions)
    "POSITIONS_CONFLICT",
    "PositionChange",
    "clear_proposal_position",
    "save_positions",
    "set_proposal_position",
    # compile jobs (memo_jobs)
    "create_memo_job",
    "move_memo_job",
    "note_memo_job_task",
    # accessibility barriers (barriers)
    "report_barrier",
    # the organisation import (organisation_import)
    "ImportRefused",
    "import_organisation",
    "import_reason",
    # the organisation (organisation, people)
    "add_meeting",
    "claim_history_version",
    "end_seat",
    "history_version",
    "mark_barrier_report",
    "remove_meeting",
    "save_accessibility_statement",
    "save_body",
    "save_city_settings",
    "save_party",
    "save_politician",
    "save_seat",
    "save_term",
    "save_user_account",
    # restoring an earlier version (restore)
    "RESTORED_FIELDS",
    "restore_refusal",
    "restore_text",
]
