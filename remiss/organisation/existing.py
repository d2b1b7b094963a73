"""What the database holds of the organisation, read once: a fixed handful of queries for any size.

The plan matches the file's rows against these lists in memory. Each record is one Python object,
shared by every row and relation that points to it (a seat's politician is the very object in
`politicians`), so the plan can key its lookups by object identity, also for records not yet saved.
"""

from __future__ import annotations

from dataclasses import dataclass

from remiss.models import Body, Party, Politician, Seat, Term, User


@dataclass
class Existing:
    parties: list[Party]
    bodies: list[Body]
    terms: list[Term]
    users: list[User]
    politicians: list[Politician]
    seats: list[Seat]
    # Each user's bodies (User.bodies), by user pk, and the through row's pk of each pair.
    user_bodies: dict[int, list[Body]]
    user_body_rows: dict[tuple[int, int], int]


def load_existing() -> Existing:
    parties = list(Party.objects.all())
    bodies = list(Body.objects.all())
    terms = list(Term.objects.all())
    users = list(User.objects.all())
    party_by_pk = {p.pk: p for p in parties}
    body_by_pk = {b.pk: b for b in bodies}
    term_by_pk = {t.pk: t for t in terms}
    user_by_pk = {u.pk: u for u in users}
    politicians = list(Politician.objects.all())
    for politician in politicians:
        politician.party = party_by_pk[politician.party_id]
        politician.user = user_by_pk.get(politician.user_id) if politician.user_id else None
    politician_by_pk = {p.pk: p for p in politicians}
    seats = list(Seat.objects.all())
    for seat in seats:
        seat.politician = politician_by_pk[seat.politician_id]
        seat.body = body_by_pk[seat.body_id]
        seat.term = term_by_pk[seat.term_id] if seat.term_id else None
    user_bodies: dict[int, list[Body]] = {}
    user_body_rows: dict[tuple[int, int], int] = {}
    for pk, user_id, body_id in User.bodies.through._default_manager.values_list("pk", "user_id", "body_id"):
        user_bodies.setdefault(user_id, []).append(body_by_pk[body_id])
        user_body_rows[(user_id, body_id)] = pk
    return Existing(parties, bodies, terms, users, politicians, seats, user_bodies, user_body_rows)
