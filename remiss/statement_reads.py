"""Statements read with everything their attribution line names, in a fixed number of queries.

The pages (`remiss.queries`), the views and the history pages' labels (`remiss.provenance`) all
read statements this way. It lives here, below all of them, so that provenance can use it without
importing the page reads (which import the workflow).
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from remiss.models import Statement, StatementAuthor


def authors_prefetch(prefix: str = "") -> Prefetch:
    """The authors at `prefix` with their politicians and parties, which an attribution line names."""
    return Prefetch(f"{prefix}authors", queryset=StatementAuthor.objects.select_related("politician__party"))


def statements_with_attribution() -> QuerySet[Statement]:
    """Statements with everything `remiss.attribution.full_line` reads, in a fixed number of queries."""
    return Statement.objects.select_related(
        "decision__case",
        "decision__body",
        "endorses",
        "identical_to__decision__body",
    ).prefetch_related(
        authors_prefetch(),
        authors_prefetch("endorses__"),
        authors_prefetch("identical_to__"),
    )
