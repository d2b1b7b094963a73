"""History people can use: every version of a text, a word diff between any two, what a nämnd
changed against its administration's proposal, and the exact versions a compiled memo contains.

A *text* is one of the kinds in `KINDS` (`kinds`): an opinion, a decision, a statement, the city's
förslag till beslut and the case's Ärendet (background). Each names the fields that make up its
text, and each field's kind how it is shown and compared (`display`); a version is one
django-simple-history row (`versions`). Reads of history rows come from `remiss.provenance` (a
fixed number of queries however many versions there are); restoring an old version is
`remiss.workflow.restore_text`, which writes a new version and deletes nothing. Access is decided
in `rules`, from the rules in `remiss.access`; the views in `remiss.views.history` only ask and
render. What a nämnd changed is `namnd`, a memo's sources `sources`.

Everything is named here, so `from remiss import history; history.can_view(...)` reads as before.
"""

from remiss.history.display import (
    BOOL,
    DATE,
    HTML,
    NUMBER,
    POINTS,
    STATEMENT,
    TEXT,
    FieldValue,
    diff_source,
    display_html,
    person,
)
from remiss.history.kinds import (
    BACKGROUND,
    CITY_PROPOSAL,
    DECISION,
    KINDS,
    OPINION,
    STATEMENT_TEXT,
    TextField,
    TextKind,
    kind_for_model,
)
from remiss.history.namnd import NamndChanges, decision_source, namnd_changes
from remiss.history.rules import (
    can_restore,
    can_view,
    can_view_body_decision,
    can_view_decision,
    can_view_row,
    can_view_statement,
    case_of,
)
from remiss.history.sources import SourceVersion, memo_sources
from remiss.history.versions import (
    Comparison,
    FieldDiff,
    History,
    Version,
    build_versions,
    compare_rows,
    expected_version,
    load_history,
    load_subject,
    row_values,
    text_version,
    version_values,
)
from remiss.provenance import model_label, resolve_model

__all__ = [
    "BACKGROUND",
    "BOOL",
    "CITY_PROPOSAL",
    "DATE",
    "DECISION",
    "HTML",
    "KINDS",
    "NUMBER",
    "OPINION",
    "POINTS",
    "STATEMENT",
    "STATEMENT_TEXT",
    "TEXT",
    "Comparison",
    "FieldDiff",
    "FieldValue",
    "History",
    "NamndChanges",
    "SourceVersion",
    "TextField",
    "TextKind",
    "Version",
    "build_versions",
    "can_restore",
    "can_view",
    "can_view_body_decision",
    "can_view_decision",
    "can_view_row",
    "can_view_statement",
    "case_of",
    "compare_rows",
    "decision_source",
    "diff_source",
    "display_html",
    "expected_version",
    "kind_for_model",
    "load_history",
    "load_subject",
    "memo_sources",
    "model_label",
    "namnd_changes",
    "person",
    "resolve_model",
    "row_values",
    "text_version",
    "version_values",
]
