"""`manage.py generate_load`: a large, deterministic data set for load tests (bench/web.py).

By default 10,000 cases, 60 answering bodies, ~45,000 referrals with their opinions, decisions and
statements, and a django-simple-history row for every one of them (more than 100,000 history
rows), plus three users to log in as:
- `last.registrator`, the registrar;
- `last.handlaggare`, an officer of "Facknämnd 01", which every case is referred to;
- `last.politiker`, a politician with a seat in every nämnd and a statement in every decision of
  Facknämnd 01.
The newest case ("BEL 10000" at the default size) is referred to every body, so its status board
has one row per body.

Rows and their historical rows are written with bulk_create (simple-history's
`bulk_create_with_history`): saving them one by one, through the workflow, would take an hour.
So the rows are built here to the same rules the workflow enforces (statuses that fit the body,
decisions only for nämnder, statement authors with the right seat), and the test checks them with
full_clean. The same options always give the same data: a seeded random generator, no clock.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Model
from simple_history.utils import bulk_create_with_history

from remiss.models import (
    Body,
    Case,
    Decision,
    Opinion,
    Party,
    Politician,
    Referral,
    Seat,
    Statement,
    StatementAuthor,
    User,
)

M = TypeVar("M", bound=Model)

REFERENCE_PREFIX = "BEL"
REGISTRAR = "last.registrator"
OFFICER = "last.handlaggare"
POLITICIAN = "last.politiker"
REASON = "Belastningsdata (generate_load)"
FIRST_RECEIVED = date(2016, 1, 4)
# History rows get fixed dates, not now(): the same options give the same database.
HISTORY_DATE = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
BATCH = 2000
PARTIES = [
    ("S", "Socialdemokraterna", "Socialdemokraternas"),
    ("M", "Moderaterna", "Moderaternas"),
    ("V", "Vänsterpartiet", "Vänsterpartiets"),
    ("L", "Liberalerna", "Liberalernas"),
    ("C", "Centerpartiet", "Centerpartiets"),
    ("KD", "Kristdemokraterna", "Kristdemokraternas"),
    ("MP", "Miljöpartiet de gröna", "Miljöpartiets"),
    ("SD", "Sverigedemokraterna", "Sverigedemokraternas"),
]
_R = Referral.Status


def reference(index: int) -> str:
    """The reference of case number `index` (1-based); the last one is referred to every body."""
    return f"{REFERENCE_PREFIX} {index:05d}"


class Command(BaseCommand):
    help = (
        "Fyller databasen med stora mängder testdata för belastningsprov (bench/web.py): ärenden, "
        "remissinstanser, remitteringar, tjänsteutlåtanden, beslut, uttalanden och deras historik, "
        "samt användarna last.registrator, last.handlaggare och last.politiker. Samma val ger alltid samma data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=10_000, help="Antal ärenden (standard 10 000).")
        parser.add_argument("--bodies", type=int, default=60, help="Antal remissinstanser (standard 60, minst 3).")
        parser.add_argument(
            "--max-referrals",
            type=int,
            default=6,
            help="Högst så många remissinstanser per ärende, utom det sista som remitteras till alla (standard 6).",
        )
        parser.add_argument(
            "--open-cases",
            type=int,
            default=300,
            help="Så många av de nyaste ärendena har remitteringar som inte är besvarade (standard 300).",
        )
        parser.add_argument("--politicians", type=int, default=120, help="Antal politiker (standard 120).")
        parser.add_argument(
            "--password", default="remiss-last", help="Lösenordet för de tre användarna (standard remiss-last)."
        )
        parser.add_argument("--seed", type=int, default=1, help="Startvärde för slumpgeneratorn (standard 1).")

    def handle(
        self,
        *args: Any,
        cases: int,
        bodies: int,
        max_referrals: int,
        open_cases: int,
        politicians: int,
        password: str,
        seed: int,
        **options: Any,
    ) -> None:
        if cases < 1 or bodies < 3 or max_referrals < 1 or politicians < 1 or open_cases < 0:
            raise CommandError("Ange minst 1 ärende, 3 remissinstanser, 1 remissinstans per ärende och 1 politiker.")
        if (
            Case.objects.filter(reference__startswith=f"{REFERENCE_PREFIX} ").exists()
            or User.objects.filter(username__in=[REGISTRAR, OFFICER, POLITICIAN]).exists()
        ):
            raise CommandError("Databasen har redan belastningsdata; använd en tom databas.")
        with transaction.atomic():
            counts = Generator(
                self,
                random.Random(seed),
                cases=cases,
                bodies=bodies,
                max_referrals=max_referrals,
                open_cases=open_cases,
                politicians=politicians,
                password=password,
            ).run()
        if connection.vendor == "postgresql":
            # Fresh statistics, as autovacuum would gather soon after: without them the planner
            # guesses at the new tables' sizes, and a benchmark right after would measure its guesses.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        total_history = sum(counts[name][1] for name in counts)
        for name, (rows, history_rows) in counts.items():
            self.stdout.write(f"{name}: {rows} rader, {history_rows} historikrader")
        self.stdout.write(
            f"Totalt {total_history} historikrader. Ärendet med alla remissinstanser: {reference(cases)}."
        )
        self.stdout.write(f"Användare: {REGISTRAR}, {OFFICER}, {POLITICIAN}.")


class Generator:
    """Builds the rows in memory, then writes each model with one bulk insert per batch."""

    def __init__(
        self,
        command: BaseCommand,
        rng: random.Random,
        *,
        cases: int,
        bodies: int,
        max_referrals: int,
        open_cases: int,
        politicians: int,
        password: str,
    ) -> None:
        self.command = command
        self.rng = rng
        self.n_cases = cases
        self.n_bodies = bodies
        self.max_referrals = max_referrals
        self.open_cases = open_cases
        self.n_politicians = politicians
        self.password = password
        self.counts: dict[str, tuple[int, int]] = {}

    def _bulk(
        self, objs: list[M], model: type[M], *, label: str, user: User | None, history_update: bool = False
    ) -> list[M]:
        """Insert `objs` with one "+" history row each, and optionally a second "~" version."""
        created: list[M] = bulk_create_with_history(
            objs, model, batch_size=BATCH, default_user=user, default_change_reason=REASON, default_date=HISTORY_DATE
        )
        history_rows = len(created)
        if history_update:
            model.history.bulk_history_create(  # type: ignore[attr-defined]
                created,
                batch_size=BATCH,
                update=True,
                default_user=user,
                default_change_reason=REASON,
                default_date=HISTORY_DATE + timedelta(days=1),
            )
            history_rows += len(created)
        rows, hist = self.counts.get(label, (0, 0))
        self.counts[label] = (rows + len(created), hist + history_rows)
        return created

    def run(self) -> dict[str, tuple[int, int]]:
        registrar, officer, politician_user = self._users()
        body_list = self._bodies(registrar)
        target = body_list[1]  # Facknämnd 01: referred in every case, the officer's and the politician's body
        officer.bodies.set([target])
        pols, seats_by_body = self._politicians(registrar, politician_user, body_list)
        case_list = self._cases(registrar)
        referrals = self._referrals(registrar, case_list, body_list, target)
        self._opinions(officer, referrals)
        decisions = self._decisions(officer, referrals)
        self._statements(politician_user, decisions, seats_by_body, pols[0], target)
        return self.counts

    def _users(self) -> tuple[User, User, User]:
        hashed = make_password(self.password)  # one hash for all three: Argon2 is slow on purpose
        users = [
            User(
                username=REGISTRAR,
                first_name="Registrator",
                last_name="Last",
                role=User.Role.REGISTRAR,
                is_staff=True,
                password=hashed,
            ),
            User(username=OFFICER, first_name="Handläggare", last_name="Last", role=User.Role.OFFICER, password=hashed),
            User(
                username=POLITICIAN,
                first_name="Politiker",
                last_name="Last",
                role=User.Role.POLITICIAN,
                password=hashed,
            ),
        ]
        created = self._bulk(users, User, label="Användare", user=None)
        return created[0], created[1], created[2]

    def _bodies(self, user: User) -> list[Body]:
        bodies = []
        for i in range(self.n_bodies):
            if i == 0:
                name, kind, admin = "Belastningskontoret", Body.Kind.OFFICE, "Belastningskontoret"
            elif i <= self.n_bodies // 4:
                name, kind, admin = f"Facknämnd {i:02d}", Body.Kind.FACKNAMND, f"Fackförvaltning {i:02d}"
            else:
                name, kind, admin = f"Stadsdelsnämnd {i:02d}", Body.Kind.STADSDELSNAMND, f"Stadsdelsförvaltning {i:02d}"
            bodies.append(Body(name=name, name_in_text=name[0].lower() + name[1:], kind=kind, administration=admin))
        return self._bulk(bodies, Body, label="Remissinstanser", user=user)

    def _politicians(
        self, user: User, politician_user: User, bodies: list[Body]
    ) -> tuple[list[Politician], dict[int, list[Seat]]]:
        parties = []
        for abbreviation, name, genitive in PARTIES:
            party = Party.objects.filter(abbreviation=abbreviation).first() or Party.objects.filter(name=name).first()
            if party is None:
                party = Party.objects.create(abbreviation=abbreviation, name=name, genitive=genitive)
            parties.append(party)
        pols = [
            Politician(
                first_name=f"Förnamn{i:03d}",
                last_name=f"Efternamn{i:03d}",
                party=parties[i % len(parties)],
                user=politician_user if i == 0 else None,
            )
            for i in range(self.n_politicians)
        ]
        pols = self._bulk(pols, Politician, label="Politiker", user=user)
        seats = []
        seats_by_body: dict[int, list[Seat]] = {}
        for body in bodies:
            if not body.makes_decisions:
                continue
            # The first politician is ledamot everywhere; three more ledamöter and one ersättare per body.
            chosen = [pols[0]] + self.rng.sample(pols[1:], min(4, len(pols) - 1))
            for n, pol in enumerate(chosen):
                role = Seat.Role.ERSATTARE if n == 4 else Seat.Role.LEDAMOT
                seat = Seat(politician=pol, body=body, role=role)
                seats.append(seat)
                seats_by_body.setdefault(body.pk, []).append(seat)
        self._bulk(seats, Seat, label="Platser", user=user)
        return pols, seats_by_body

    def _cases(self, user: User) -> list[Case]:
        span = 3650  # about ten years of cases, oldest first
        cases = []
        for i in range(1, self.n_cases + 1):
            received = FIRST_RECEIVED + timedelta(days=(i - 1) * span // max(self.n_cases, 1))
            is_open = i > self.n_cases - self.open_cases
            cases.append(
                Case(
                    title=f"Betänkande nummer {i} om kommunal verksamhet",
                    reference=reference(i),
                    sender="Finansdepartementet",
                    ministry_dnr=f"Fi{received.year}/{i:05d}",
                    city_dnr=f"KS {received.year}/{i:05d}",
                    received=received,
                    deadline=received + timedelta(days=90),
                    status=Case.Status.REFERRED if is_open else Case.Status.COMPILING,
                    background="<p>Belastningsdata.</p>",
                )
            )
        return self._bulk(cases, Case, label="Ärenden", user=user)

    def _referrals(self, user: User, cases: list[Case], bodies: list[Body], target: Body) -> list[Referral]:
        others = [b for b in bodies if b.pk != target.pk]
        referrals = []
        for n, case in enumerate(cases, start=1):
            is_open = n > self.n_cases - self.open_cases
            if n == self.n_cases:
                chosen = [target] + others  # the case referred to every body
            else:
                k = self.rng.randint(0, min(self.max_referrals, len(bodies)) - 1)
                chosen = [target] + self.rng.sample(others, min(k, len(others)))
            for order, body in enumerate(chosen, start=1):
                referrals.append(
                    Referral(
                        case=case,
                        body=body,
                        deadline=case.received + timedelta(days=60),
                        order=order,
                        status=self._status(body, is_open),
                        position="" if is_open else "<p>Nämnden tillstyrker i huvudsak förslagen.</p>",
                    )
                )
        return self._bulk(referrals, Referral, label="Remitteringar", user=user)

    def _status(self, body: Body, is_open: bool) -> str:
        """A status that fits the body: offices never decide; old cases are all answered or closed."""
        roll = self.rng.random()
        if not is_open:
            if roll < 0.05:
                return _R.DECLINED
            return _R.OPINION_READY if not body.makes_decisions else _R.JUSTERED
        if not body.makes_decisions:
            return [_R.REFERRED, _R.DRAFTING, _R.OPINION_READY][int(roll * 3)]
        return [_R.REFERRED, _R.DRAFTING, _R.OPINION_READY, _R.DECIDED, _R.JUSTERED][int(roll * 5)]

    def _opinions(self, user: User, referrals: list[Referral]) -> None:
        opinions = [
            Opinion(
                referral=r,
                date=r.deadline - timedelta(days=10),
                version=2,
                text=(
                    f"<p>Förvaltningen har granskat betänkandet {r.case.reference}.</p>"
                    "<p>Förvaltningen tillstyrker förslagen.</p>"
                ),
                proposed_decision="<p>Nämnden besvarar remissen med förvaltningens tjänsteutlåtande.</p>",
            )
            for r in referrals
            if r.status not in (_R.REFERRED, _R.DECLINED)
        ]
        # Two versions each, as an opinion that was drafted and then finished.
        self._bulk(opinions, Opinion, label="Tjänsteutlåtanden", user=user, history_update=True)

    def _decisions(self, user: User, referrals: list[Referral]) -> list[Decision]:
        decisions = [
            Decision(
                case=r.case,
                body=r.body,
                meeting_date=r.deadline,
                justered=r.status == _R.JUSTERED,
                points=["Nämnden besvarar remissen med förvaltningens tjänsteutlåtande."],
            )
            for r in referrals
            if r.status in (_R.DECIDED, _R.JUSTERED)
        ]
        return self._bulk(decisions, Decision, label="Beslut", user=user)

    def _statements(
        self,
        user: User,
        decisions: list[Decision],
        seats_by_body: dict[int, list[Seat]],
        main: Politician,
        target: Body,
    ) -> None:
        statements: list[Statement] = []
        authors: list[Politician] = []
        for decision in decisions:
            # The main politician speaks in every decision of the target body; elsewhere one in three has a statement.
            if decision.body_id == target.pk:
                author = main
            elif self.rng.random() < 1 / 3:
                author = self.rng.choice(
                    [s for s in seats_by_body[decision.body_id] if s.role == Seat.Role.LEDAMOT]
                ).politician
            else:
                continue
            statements.append(
                Statement(
                    decision=decision,
                    kind=Statement.Kind.SARSKILT_UTTALANDE,
                    text="<p>Vi vill understryka vikten av förebyggande arbete.</p>",
                    created_by=user if author.pk == main.pk else None,
                )
            )
            authors.append(author)
        created = self._bulk(statements, Statement, label="Uttalanden", user=user)
        self._bulk(
            [StatementAuthor(statement=s, politician=a, accepted=True) for s, a in zip(created, authors, strict=True)],
            StatementAuthor,
            label="Författare",
            user=user,
        )
