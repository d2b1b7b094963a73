"""The demo: the real SOU 2022:67 case from `fixtures/sou_2022_67.json`, plus demo users.

The case is built through `remiss.workflow`, step by step as the people in it did, so its
history reads like a real one. Loading is all-or-nothing and happens once: when the case is
already there, nothing is touched.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import transaction

from remiss import workflow
from remiss.models import Body, Case, CitySettings, Decision, Party, Politician, Seat, Statement, Term, User
from remiss.workflow import AuthorSpec, ReferralSpec

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "sou_2022_67.json"
DEMO_PASSWORD = "remiss-demo"

# The case was handled in the mandatperiod 2023–2026. Its seats begin with the term and are left
# open-ended ("tills vidare"), as a city's seats are until the next term's are imported and the
# old ones ended; so the demo users can still try writing statements in later cases.
DEMO_TERM = {"name": "2023–2026", "starts": date(2023, 1, 1), "ends": date(2026, 12, 31)}
# The organisation the demo is: made only when the installation has none yet.
CITY_SETTINGS = {"city_name": "Stockholms stad", "signing_place": "Stockholm"}

# Which seeded politicians get a login, and each officer's body. Usernames are what the README lists.
POLITICIAN_USERS = {
    "jan-jonsson": "jan.jonsson",
    "andrea-hedin": "andrea.hedin",
    "kristin-jacobsson": "kristin.jacobsson",
    "michaela-hollis": "michaela.hollis",
    "henrietta-ludwig": "henrietta.ludwig",
    "alexander-ojanne": "alexander.ojanne",
}


def _day(value: str) -> date:
    """A date the fixture must give (SCHEMA.md)."""
    return date.fromisoformat(value)


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def load_fixture(path: Path = FIXTURE) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def demo_loaded(data: dict[str, Any] | None = None) -> bool:
    data = data or load_fixture()
    return Case.objects.filter(reference=data["case"]["reference"]).exists()


@transaction.atomic
def load_demo(path: Path = FIXTURE) -> bool:
    """Load the demo case and users. Returns False (and changes nothing) if it is already there."""
    data = load_fixture(path)
    if demo_loaded(data):
        return False
    parties = {
        p["abbreviation"]: _get_or_create(Party, abbreviation=p["abbreviation"], defaults=p) for p in data["parties"]
    }
    bodies = {
        b["key"]: _get_or_create(Body, name=b["name"], defaults={k: v for k, v in b.items() if k != "key"})
        for b in data["bodies"]
    }
    _get_or_create(CitySettings, defaults=CITY_SETTINGS)
    term = _get_or_create(Term, name=DEMO_TERM["name"], defaults=DEMO_TERM)
    politicians = {}
    for p in data["politicians"]:
        politician = _get_or_create(
            Politician,
            first_name=p["first_name"],
            last_name=p["last_name"],
            defaults={"party": parties[p["party"]]},
        )
        for seat in p["seats"]:
            _get_or_create(
                Seat,
                politician=politician,
                body=bodies[seat["body"]],
                term=term,
                defaults={"role": seat["role"], "starts": term.starts},
            )
        politicians[p["key"]] = politician
    users = _load_users(bodies, politicians)
    registrar = users["registrator"]
    _load_case(data, bodies, politicians, users, registrar)
    return True


def _get_or_create(model, defaults=None, **lookup):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **{k: v for k, v in (defaults or {}).items() if k not in lookup})
        obj._change_reason = "Demodata"
        obj.full_clean()
        obj.save()
    return obj


@cache
def _demo_password_hash() -> str:
    # One hash serves every demo user: a strong hasher takes most of a second per call.
    return make_password(DEMO_PASSWORD)


def _user(username: str, first: str, last: str, role: str, **extra) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, first_name=first, last_name=last, role=role, **extra)
        user.password = _demo_password_hash()
        user._change_reason = "Demoanvändare"  # type: ignore[attr-defined]  # read by django-simple-history
        user.save()
    return user


def _load_users(bodies: dict[str, Body], politicians: dict[str, Politician]) -> dict[str, User]:
    users = {
        "admin": _user("admin", "Ada", "Administratör", User.Role.OTHER, is_staff=True, is_superuser=True),
        "registrator": _user("registrator", "Rebecka", "Registrator", User.Role.REGISTRAR, is_staff=True),
    }
    registrar = users["registrator"]
    registrar.user_permissions.set(Permission.objects.filter(content_type__app_label="remiss"))
    officer_names = {
        "slk": ("Sara", "Lindqvist"),
        "soc": ("Omar", "Said"),
        "utb": ("Ulla", "Bergström"),
        "skarpnack": ("Karin", "Nyström"),
        "spanga-tensta": ("Amina", "Yusuf"),
        "sodermalm": ("Erik", "Sjöberg"),
    }
    for key, (first, last) in officer_names.items():
        user = _user(f"handlaggare.{key}", first, last, User.Role.OFFICER)
        user.bodies.set([bodies[key]])
        users[f"handlaggare.{key}"] = user
    for key, username in POLITICIAN_USERS.items():
        politician = politicians.get(key)
        if politician is None:
            continue
        user = _user(username, politician.first_name, politician.last_name, User.Role.POLITICIAN)
        if politician.user_id != user.pk:
            politician.user = user
            politician._change_reason = "Demoanvändare kopplad"  # type: ignore[attr-defined]  # read by simple-history
            politician.save()
        users[username] = user
    return users


def _authors(spec: list[dict[str, Any]], politicians: dict[str, Politician]) -> list[AuthorSpec]:
    return [AuthorSpec(politicians[a["politician"]], and_others=a.get("and_others", False)) for a in spec]


def _add_statements(
    decision: Decision, specs: list[dict[str, Any]], politicians, statements: dict[str, Statement], by: User
) -> None:
    for spec in specs:
        statements[spec["key"]] = workflow.add_statement(
            decision,
            kind=spec["kind"],
            authors=_authors(spec["authors"], politicians),
            text=spec.get("text_html", ""),
            backed_proposal=spec.get("backed_proposal", ""),
            endorses=statements[spec["endorses"]] if spec.get("endorses") else None,
            identical_to=statements[spec["identical_to"]] if spec.get("identical_to") else None,
            author_title=spec.get("author_title", ""),
            by=_first_author_user(spec, politicians) or by,
        )


def _first_author_user(spec: dict[str, Any], politicians: dict[str, Politician]) -> User | None:
    first = politicians[spec["authors"][0]["politician"]]
    return first.user


def _load_case(data, bodies, politicians, users, registrar: User) -> Case:
    c = data["case"]
    case = workflow.register_case(
        title=c["title"],
        reference=c["reference"],
        sender=c["sender"],
        city_dnr=c["city_dnr"],
        ministry_dnr=c.get("ministry_dnr", ""),
        received=_day(c["received"]),
        deadline=_day(c["deadline"]),
        commissioner=politicians[c["commissioner"]],
        memo_title=c.get("memo_title", ""),
        by=registrar,
    )
    for proposal in c.get("proposals", []):
        workflow.add_proposal(
            case,
            number=proposal["number"],
            kind=proposal["kind"],
            title=proposal["title"],
            summary=proposal.get("summary", ""),
            section=proposal.get("section", ""),
            by=registrar,
        )
    workflow.save_background(case, text=c["background_html"], by=registrar)
    referrals_spec = sorted(data["referrals"], key=lambda r: r["order"])
    referrals = workflow.refer(
        case,
        bodies=[ReferralSpec(bodies[r["body"]], _day(r["deadline"])) for r in referrals_spec],
        by=registrar,
    )
    statements: dict[str, Statement] = {}
    for spec, referral in zip(referrals_spec, referrals, strict=True):
        officer = users[f"handlaggare.{spec['body']}"]
        workflow.assign_officers(referral, officers=[officer], by=registrar)
        opinion = spec["opinion"]
        workflow.save_opinion(
            referral,
            text=opinion["text_html"],
            proposed_decision=opinion.get("proposed_decision_html", ""),
            date=_date(opinion["date"]),
            by=officer,
        )
        workflow.mark_opinion_ready(referral, by=officer)
        workflow.set_position(referral, position=spec.get("position", ""), by=officer)
        if spec.get("decision"):
            d = spec["decision"]
            decision = workflow.record_decision(
                referral,
                meeting_date=_day(d["meeting_date"]),
                points=d["points"],
                added_text=d.get("added_text_html", ""),
                added_text_after_point=d.get("added_text_after_point") or 1,
                immediate_justering=d.get("immediate_justering", False),
                by=officer,
            )
            _add_statements(decision, spec.get("statements", []), politicians, statements, officer)
            workflow.justera(decision, by=officer)
    workflow.start_compiling(case, by=registrar)
    cp = data["city_proposal"]
    workflow.save_city_proposal(
        case,
        decision_points=cp["decision_points"],
        summary=cp["summary_html"],
        views=cp["views_html"],
        signed_place=cp.get("signed_place", "Stockholm"),
        signed_date=_date(cp.get("signed_date")),
        by=registrar,
    )
    for spec in data["city_decisions"]:
        decision = workflow.record_city_decision(
            case,
            body=bodies[spec["body"]],
            points=spec.get("points", []),
            meeting_date=_date(spec.get("meeting_date")),
            by=registrar,
        )
        _add_statements(decision, spec.get("statements", []), politicians, statements, registrar)
        workflow.justera(decision, by=registrar)
    return case
