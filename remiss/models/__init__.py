"""The remiss domain: cases, answering bodies, opinions, decisions, statements and memos.

Models hold data, constraints, `__str__` and small derived properties. Every state change goes
through `remiss.workflow`; rules that span rows (seats, justering locks) are checked in
`clean()` and again by the workflow before it saves. One module per part of the domain; this
package re-exports them all, so `from remiss.models import Case` is the way to import.
"""

from remiss.models.cases import Case, Opinion, Position, Proposal, Referral
from remiss.models.city import CityProposal, Memo, MemoJob, memo_upload_to
from remiss.models.common import (
    MAX_AUTHORS,
    MAX_MARKUP_LENGTH,
    MAX_TEXT_LENGTH,
    genitive,
    history,
    swedish_number,
    validate_text_length,
)
from remiss.models.decisions import Decision, Statement, StatementAuthor
from remiss.models.people import Body, Party, Politician, Seat, Term, User, derived_name_in_text, seat_valid_on
from remiss.models.planning import Meeting, ReminderLog
from remiss.models.site import AccessibilityStatement, BarrierReport, CitySettings

__all__ = [
    "MAX_AUTHORS",
    "MAX_MARKUP_LENGTH",
    "MAX_TEXT_LENGTH",
    "genitive",
    "history",
    "swedish_number",
    "validate_text_length",
    "Body",
    "Party",
    "Politician",
    "Seat",
    "Term",
    "derived_name_in_text",
    "seat_valid_on",
    "User",
    "Case",
    "Opinion",
    "Position",
    "Proposal",
    "Referral",
    "Decision",
    "Statement",
    "StatementAuthor",
    "CityProposal",
    "Memo",
    "MemoJob",
    "memo_upload_to",
    "Meeting",
    "ReminderLog",
    "AccessibilityStatement",
    "BarrierReport",
    "CitySettings",
]
