"""Reads for the pages: each one a fixed number of queries, however many cases or bodies.

Views call these instead of walking relations in templates, so a page with fifty bodies costs
what a page with five does. Each page group has its module; they return typed rows (frozen
dataclasses) that carry the model instances as the ORM read them, with the computed values beside
them. Everything is named here, so a view needs only `from remiss import queries`.

The history pages' reads of history rows live in `remiss.provenance` (which the memo uses too);
`history_row` and `current_of` are named here as well, so that a view reads from one place.
"""

from remiss.provenance import current_of, history_row
from remiss.queries.board import REGISTRAR_REFERRAL_EVENTS, BoardRow, StatusBoard, answer_of, status_board
from remiss.queries.cases import memo_history, registrar_case_list, registrar_case_page
from remiss.queries.decisions import (
    DecisionRow,
    StatementRow,
    city_decision_rows,
    referral_for_registrar,
    statement_rows,
)
from remiss.queries.history_pages import memo_for_versions, referral_pk_of_decision, referral_with_decision
from remiss.queries.officer import OfficerRow, officer_referrals, referral_for_officer
from remiss.queries.open_api import (
    PublishedReferral,
    api_bodies,
    api_case,
    api_case_exists,
    api_cases,
    api_positions,
    api_referrals,
    api_statements,
    published_referral_q,
)
from remiss.queries.organisation import (
    PER_PAGE,
    BarrierRow,
    BodyPeople,
    BodyRow,
    ChangeRow,
    MeetingRow,
    MeetingYear,
    Overview,
    PartyRow,
    TermRow,
    Versioned,
    barrier_page,
    body_for_edit,
    body_meetings,
    body_page,
    body_people,
    city_settings_for_edit,
    organisation_overview,
    party_for_edit,
    party_page,
    record_changes,
    search_words,
    statement_for_edit,
    term_for_edit,
    term_page,
)
from remiss.queries.people import (
    AccountRow,
    PoliticianRow,
    SeatRow,
    account_for_edit,
    account_page,
    politician_for_edit,
    politician_page,
    politician_seats,
    seat_for_edit,
    seat_page,
)
from remiss.queries.politician import (
    OPEN_DECISIONS_PER_SEAT,
    OpenDecisionRow,
    PoliticianOverview,
    SeatOverview,
    decision_for_politician,
    politician_overview,
)
from remiss.statement_reads import statements_with_attribution

__all__ = [
    # the Organisation section (organisation, people)
    "PER_PAGE",
    "AccountRow",
    "BarrierRow",
    "BodyPeople",
    "BodyRow",
    "ChangeRow",
    "MeetingRow",
    "MeetingYear",
    "Overview",
    "PartyRow",
    "PoliticianRow",
    "SeatRow",
    "TermRow",
    "Versioned",
    "account_for_edit",
    "account_page",
    "barrier_page",
    "body_for_edit",
    "body_meetings",
    "body_page",
    "body_people",
    "city_settings_for_edit",
    "organisation_overview",
    "party_for_edit",
    "party_page",
    "politician_for_edit",
    "politician_page",
    "politician_seats",
    "record_changes",
    "search_words",
    "seat_for_edit",
    "seat_page",
    "statement_for_edit",
    "term_for_edit",
    "term_page",
    # the other pages
    "OPEN_DECISIONS_PER_SEAT",
    "REGISTRAR_REFERRAL_EVENTS",
    "BoardRow",
    "DecisionRow",
    "OfficerRow",
    "OpenDecisionRow",
    "PoliticianOverview",
    "PublishedReferral",
    "SeatOverview",
    "StatementRow",
    "StatusBoard",
    "answer_of",
    "api_bodies",
    "api_case",
    "api_case_exists",
    "api_cases",
    "api_positions",
    "api_referrals",
    "api_statements",
    "city_decision_rows",
    "current_of",
    "decision_for_politician",
    "history_row",
    "memo_for_versions",
    "memo_history",
    "officer_referrals",
    "politician_overview",
    "published_referral_q",
    "referral_for_officer",
    "referral_for_registrar",
    "referral_pk_of_decision",
    "referral_with_decision",
    "registrar_case_list",
    "registrar_case_page",
    "statement_rows",
    "statements_with_attribution",
    "status_board",
]
