"""How statements are attributed in Swedish, as the city writes them in its memos.

"Särskilt uttalande av Jan Jönsson (L), Andrea Hedin m.fl. (M) och Kristin Jacobsson (C)":
consecutive authors of one party share the party mark ("Christofer Fjellner, Annika Friberg
och Jonas Nilsson (alla M)"), and "m.fl." marks an author who speaks for more of their group.
These lines are generated, never typed, so an attribution always matches the authors on record.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from remiss.models import Statement, StatementAuthor

# The definite singular of each kind, as in "Moderaternas gemensamma särskilda uttalande".
_DEFINITE = {
    Statement.Kind.SARSKILT_UTTALANDE: "särskilda uttalande",
    Statement.Kind.RESERVATION: "reservation",
    Statement.Kind.ERSATTARYTTRANDE: "ersättaryttrande",
}


def join_swedish(items: Sequence[str]) -> str:
    """ "a", "a och b", "a, b och c"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} och {items[-1]}"


def authors_phrase(authors: Sequence[StatementAuthor]) -> str:
    groups = []
    for _party, grouped in groupby(authors, key=lambda a: a.politician.party_id):
        run = list(grouped)
        party = run[0].politician.party.abbreviation
        if len(run) == 1:
            author = run[0]
            marker = " m.fl." if author.and_others else ""
            groups.append(f"{author.politician.full_name}{marker} ({party})")
        else:
            quantifier = "båda" if len(run) == 2 else "alla"
            groups.append(f"{join_swedish([a.politician.full_name for a in run])} ({quantifier} {party})")
    return join_swedish(groups)


def listed_authors(statement: Statement) -> list[StatementAuthor]:
    """Authors who count: co-authors appear only after they have accepted."""
    return [a for a in statement.authors.all() if a.accepted]


def attribution(statement: Statement) -> str:
    """'Särskilt uttalande av borgarråden Christofer Fjellner (M) och Jan Jönsson (L)'."""
    title = f"{statement.author_title} " if statement.author_title else ""
    return f"{statement.get_kind_display()} av {title}{authors_phrase(listed_authors(statement))}"


def parties_phrase(statement: Statement) -> str:
    """'Liberalernas, Moderaternas och Centerpartiets gemensamma särskilda uttalande'."""
    parties: list[str] = []
    for author in listed_authors(statement):
        if author.politician.party.genitive not in parties:
            parties.append(author.politician.party.genitive)
    joint = "gemensamma " if len(parties) > 1 else ""
    return f"{join_swedish(parties)} {joint}{_DEFINITE[Statement.Kind(statement.kind)]}"


def relation_clause(statement: Statement) -> str:
    """What a statement says besides its text: whom it backs, joins or repeats ('' if nothing)."""
    other = statement.identical_to
    if other is not None:
        return f"som är likalydande med {parties_phrase(other)} i {other.decision.body.name_in_text}"
    if statement.endorses is not None:
        return f"som ställde sig bakom {parties_phrase(statement.endorses)}"
    if statement.backed_proposal:
        return f"som yrkade bifall till {statement.backed_proposal}"
    return ""


def full_line(statement: Statement) -> str:
    """The attribution with its relation clause, as one sentence without final punctuation."""
    clause = relation_clause(statement)
    return f"{attribution(statement)} {clause}" if clause else attribution(statement)


def has_own_text(statement: Statement) -> bool:
    return bool(statement.text.strip()) and not statement.identical_to_id
