"""A synthetic, deterministic case for the memo benchmark: many answering bodies, long texts.

`build_synthetic_case(40)` refers one made-up betänkande to 40 bodies (kontor, facknämnder and
stadsdelsnämnder) and answers it completely through `remiss.workflow`, exactly as the app would:
every body gets a tjänsteutlåtande of realistic length with subheadings and lists, every nämnd a
decision with särskilda uttalanden, reservationer and ersättaryttranden by several authors of
several parties, and the city level its förslag till beslut, borgarrådsberedningens and
kommunstyrelsens decisions. Going through the workflow (rather than inserting rows) keeps the case
valid for `build_memo` and gives it the history rows a real case has. With the default sizes the
memo is about 200 pages.

The texts are Swedish-looking prose put together from phrases with a seeded `random.Random`, so
the same arguments always give the same case (and the same PDF, up to its creation time).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from remiss import workflow
from remiss.models import Body, Case, Decision, Party, Politician, Position, Proposal, Seat, Statement, User
from remiss.positions import draft_summary_with_stances
from remiss.workflow import AuthorSpec, ReferralSpec

REFERENCE = "SOU 2031:40"
DEFAULT_SEED = 2031
# Paragraphs in each tjänsteutlåtande; with 40 bodies this gives a memo of about 200 pages.
DEFAULT_PARAGRAPHS = 5

PARTIES = (
    ("S", "Socialdemokraterna", "Socialdemokraternas"),
    ("M", "Moderaterna", "Moderaternas"),
    ("L", "Liberalerna", "Liberalernas"),
    ("C", "Centerpartiet", "Centerpartiets"),
    ("KD", "Kristdemokraterna", "Kristdemokraternas"),
    ("V", "Vänsterpartiet", "Vänsterpartiets"),
    ("MP", "Miljöpartiet de gröna", "Miljöpartiets"),
    ("SD", "Sverigedemokraterna", "Sverigedemokraternas"),
)

OFFICES = ("Stadsledningskontoret", "Exploateringskontoret", "Stadsbyggnadskontoret", "Serviceförvaltningen")
FACKNAMNDER = (
    "Socialnämnden",
    "Utbildningsnämnden",
    "Kulturnämnden",
    "Idrottsnämnden",
    "Miljö- och hälsoskyddsnämnden",
    "Trafiknämnden",
    "Äldrenämnden",
    "Arbetsmarknadsnämnden",
    "Fastighetsnämnden",
    "Stadsbyggnadsnämnden",
    "Exploateringsnämnden",
    "Servicenämnden",
    "Överförmyndarnämnden",
    "Kyrkogårdsnämnden",
)
STADSDELAR = (
    "Rinkeby-Kista",
    "Spånga-Tensta",
    "Hässelby-Vällingby",
    "Bromma",
    "Kungsholmen",
    "Norrmalm",
    "Östermalm",
    "Södermalm",
    "Enskede-Årsta-Vantör",
    "Skarpnäck",
    "Farsta",
    "Älvsjö",
    "Hägersten-Liljeholmen",
    "Skärholmen",
    "Vantör",
    "Årsta",
    "Liljeholmen",
    "Hägersten",
    "Kista",
    "Tensta",
    "Vällingby",
    "Hässelby",
)

FIRST_NAMES = (
    "Anna",
    "Erik",
    "Maria",
    "Lars",
    "Karin",
    "Anders",
    "Eva",
    "Johan",
    "Kristina",
    "Per",
    "Lena",
    "Mikael",
    "Sara",
    "Karl",
    "Emma",
    "Jonas",
    "Ingrid",
    "Fredrik",
    "Elin",
    "Mats",
    "Sofia",
    "Magnus",
    "Helena",
    "Björn",
    "Linnea",
    "Gustav",
    "Malin",
    "Oskar",
    "Åsa",
    "Nils",
    "Märta",
    "Östen",
)
LAST_NAMES = (
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Lindberg",
    "Lindqvist",
    "Bergström",
    "Sjöberg",
    "Åberg",
    "Öberg",
    "Holmgren",
    "Engström",
    "Hedlund",
    "Sandberg",
    "Ekström",
    "Wallin",
    "Forsberg",
    "Nyström",
)

SUBJECTS = (
    "Förvaltningen",
    "Nämnden",
    "Utredningen",
    "Kommittén",
    "Staden",
    "Förvaltningen för sin del",
    "Socialtjänsten i staden",
    "Skolan",
    "Stadsdelsförvaltningen",
    "Regeringen",
)
VERBS = (
    "bedömer att",
    "delar utredningens uppfattning att",
    "vill understryka att",
    "ser positivt på att",
    "anser att",
    "konstaterar att",
    "vill framhålla att",
    "ställer sig bakom bedömningen att",
    "är tveksam till om",
    "saknar en analys av hur",
)
CLAUSES = (
    "det förebyggande arbetet behöver stärkas och ges långsiktiga förutsättningar",
    "samverkan mellan skola, socialtjänst, fritidsverksamhet och polis är avgörande",
    "barn och unga som riskerar att dras in i kriminalitet behöver nås betydligt tidigare",
    "kommunens ansvar för det brottsförebyggande arbetet tydliggörs i lagstiftningen",
    "de ekonomiska konsekvenserna för kommunerna är otillräckligt belysta",
    "vårdnadshavarnas delaktighet är en förutsättning för att insatserna ska få effekt",
    "informationsutbytet mellan myndigheterna måste vara förenligt med sekretesslagstiftningen",
    "det behövs en nationell samordning av kunskapsstödet till kommunerna",
    "förslagen kan leda till ökad administration utan motsvarande nytta för den enskilde",
    "insatserna behöver följas upp och utvärderas på ett systematiskt sätt",
    "skolans kompensatoriska uppdrag behöver förstärkas i socioekonomiskt utsatta områden",
    "den sociala insatsgruppens arbetssätt bör spridas till fler stadsdelar",
    "fritidsgårdarnas öppettider och bemanning har stor betydelse för ungas trygghet",
    "det saknas en tydlig ansvarsfördelning mellan huvudmännen",
)
TAILS = (
    "för att fler barn och unga ska få stöd i tid.",
    "i synnerhet i de områden där behoven är störst.",
    "vilket även framhålls i tidigare utredningar på området.",
    "och detta bör beaktas i den fortsatta beredningen.",
    "inom ramen för befintliga resurser.",
    "utan att den enskildes integritet åsidosätts.",
    "vilket förvaltningen återkommer till nedan.",
    "något som förvaltningen har goda erfarenheter av.",
)
OPINION_HEADINGS = (
    "Sammanfattning",
    "Bakgrund",
    "Förvaltningens synpunkter",
    "Samverkan och informationsutbyte",
    "Ekonomiska konsekvenser",
    "Konsekvenser för barn och unga",
    "Förvaltningens slutsatser",
)
LIST_ITEMS = (
    "tidiga och samordnade insatser i förskola och skola",
    "stöd till vårdnadshavare genom föräldraskapsprogram",
    "fler fältassistenter under kvällar och helger",
    "ett förtydligat ansvar för kommunens brottsförebyggande arbete",
    "långsiktig finansiering av sociala investeringar",
    "uppföljning med gemensamma indikatorer",
)


@dataclass
class _Writer:
    """Swedish-looking prose from a seeded random source."""

    rng: random.Random

    def sentence(self) -> str:
        r = self.rng
        return f"{r.choice(SUBJECTS)} {r.choice(VERBS)} {r.choice(CLAUSES)} {r.choice(TAILS)}"

    def paragraph(self, sentences: tuple[int, int] = (4, 7)) -> str:
        return "<p>" + " ".join(self.sentence() for _ in range(self.rng.randint(*sentences))) + "</p>"

    def bullet_list(self) -> str:
        items = self.rng.sample(LIST_ITEMS, self.rng.randint(3, 5))
        return "<ul>" + "".join(f"<li>{item[0].upper()}{item[1:]}.</li>" for item in items) + "</ul>"

    def opinion(self, paragraphs: int) -> str:
        parts: list[str] = []
        headings = iter(OPINION_HEADINGS)
        for i in range(paragraphs):
            if i % 3 == 0 and (heading := next(headings, None)):
                parts.append(f"<h3>{heading}</h3>")
            parts.append(self.paragraph())
            if i % 5 == 2:
                parts.append(self.bullet_list())
        return "".join(parts)

    def text(self, paragraphs: int) -> str:
        return "".join(self.paragraph() for _ in range(paragraphs))


def _parties() -> list[Party]:
    return [Party.objects.get_or_create(abbreviation=a, defaults={"name": n, "genitive": g})[0] for a, n, g in PARTIES]


def _bodies(n: int) -> list[Body]:
    """n answering bodies: about a tenth kontor, a third facknämnder, the rest stadsdelsnämnder."""
    offices = max(1, n // 10)
    fack = max(0, min(len(FACKNAMNDER), n // 3))
    specs: list[tuple[str, str, str, str]] = []
    for name in OFFICES[:offices]:
        specs.append((name, name.lower(), Body.Kind.OFFICE, name))
    for name in FACKNAMNDER[:fack]:
        administration = name.replace("nämnden", "förvaltningen")
        specs.append((name, name[0].lower() + name[1:], Body.Kind.FACKNAMND, administration))
    i = 0
    while len(specs) < n:
        stadsdel = STADSDELAR[i % len(STADSDELAR)] + (f" {i // len(STADSDELAR) + 1}" if i >= len(STADSDELAR) else "")
        name = f"{stadsdel} stadsdelsnämnd"
        specs.append((name, name, Body.Kind.STADSDELSNAMND, f"{stadsdel} stadsdelsförvaltning"))
        i += 1
    # Names are unique: a benchmark database that also holds the demo reuses its bodies.
    return [
        Body.objects.get_or_create(
            name=name,
            defaults={"name_in_text": in_text, "kind": kind, "administration": administration},
        )[0]
        for name, in_text, kind, administration in specs[:n]
    ]


def _politician(rng: random.Random, party: Party) -> Politician:
    return Politician.objects.create(first_name=rng.choice(FIRST_NAMES), last_name=rng.choice(LAST_NAMES), party=party)


def _seated(rng: random.Random, body: Body, parties: list[Party], role: str, count: int) -> list[Politician]:
    people = [_politician(rng, parties[i % len(parties)]) for i in range(count)]
    Seat.objects.bulk_create([Seat(politician=p, body=body, role=role) for p in people])
    return people


def _add_statements(rng: random.Random, writer: _Writer, decision: Decision, parties: list[Party], by: User) -> None:
    """Five statements: a reservation (S, V m.fl.), a joint särskilt uttalande (M, L, C, KD), an
    ersättaryttrande backing it (M, L), one with its own text (S), and a reservation likalydande
    with the first (SD)."""
    body = decision.body
    members = _seated(rng, body, parties, Seat.Role.LEDAMOT, 8)
    substitutes = _seated(rng, body, parties, Seat.Role.ERSATTARE, 4)
    add = workflow.add_statement
    # Members are seated party by party (S, M, L, C, KD, V, MP, SD): pick authors by party.
    reservation = add(
        decision,
        kind=Statement.Kind.RESERVATION,
        by=by,
        authors=[AuthorSpec(members[0]), AuthorSpec(members[5], and_others=True)],
        text=writer.text(rng.randint(2, 4)),
        backed_proposal="Vänsterpartiets förslag",
    )
    joint = add(
        decision,
        kind=Statement.Kind.SARSKILT_UTTALANDE,
        by=by,
        authors=[AuthorSpec(members[1]), AuthorSpec(members[2]), AuthorSpec(members[3]), AuthorSpec(members[4])],
        text=writer.text(rng.randint(2, 3)),
    )
    add(
        decision,
        kind=Statement.Kind.ERSATTARYTTRANDE,
        by=by,
        authors=[AuthorSpec(substitutes[1]), AuthorSpec(substitutes[2])],
        endorses=joint,
    )
    add(
        decision, kind=Statement.Kind.ERSATTARYTTRANDE, by=by, authors=[AuthorSpec(substitutes[0])], text=writer.text(1)
    )
    add(decision, kind=Statement.Kind.RESERVATION, by=by, authors=[AuthorSpec(members[7])], identical_to=reservation)


def build_synthetic_case(
    n_bodies: int = 40,
    *,
    seed: int = DEFAULT_SEED,
    paragraphs: int = DEFAULT_PARAGRAPHS,
    reference: str = REFERENCE,
) -> Case:
    """Create and completely answer a case referred to `n_bodies` bodies; returns the case.

    Deterministic for a given (n_bodies, seed, paragraphs). Needs an empty reference.
    """
    rng = random.Random(seed)
    writer = _Writer(rng)
    by, _created = User.objects.get_or_create(username="bench.registrator", defaults={"role": User.Role.REGISTRAR})
    parties = _parties()
    brb = Body.objects.get_or_create(
        name="Borgarrådsberedningen",
        defaults={
            "name_in_text": "borgarrådsberedningen",
            "kind": Body.Kind.BORGARRADSBEREDNINGEN,
            "administration": "Stadsledningskontoret",
        },
    )[0]
    ks = Body.objects.get_or_create(
        name="Kommunstyrelsen",
        defaults={
            "name_in_text": "kommunstyrelsen",
            "kind": Body.Kind.KOMMUNSTYRELSEN,
            "administration": "Stadsledningskontoret",
        },
    )[0]
    commissioner = _politician(rng, parties[0])
    case = workflow.register_case(
        title="Ett tryggare uppväxtvillkor för alla barn och unga",
        reference=reference,
        sender="Justitiedepartementet",
        ministry_dnr="Ju2031/04040",
        city_dnr="KS 2031/40-1.1",
        received=date(2031, 1, 10),
        deadline=date(2031, 4, 28),
        commissioner=commissioner,
        by=by,
    )
    workflow.save_background(case, text=writer.text(4), by=by)
    proposals = [
        workflow.add_proposal(
            case,
            number=str(i),
            kind=Proposal.Kind.FORSLAG if i % 3 else Proposal.Kind.BEDOMNING,
            title=f"{CLAUSES[i % len(CLAUSES)][0].upper()}{CLAUSES[i % len(CLAUSES)][1:]}",
            by=by,
        )
        for i in range(1, 7)
    ]
    bodies = _bodies(n_bodies)
    referrals = workflow.refer(case, bodies=[ReferralSpec(b, date(2031, 3, 31)) for b in bodies], by=by)
    stances = list(Position.Stance.values)
    for referral in referrals:
        workflow.save_opinion(
            referral,
            text=writer.opinion(paragraphs),
            proposed_decision=writer.text(1),
            date=date(2031, 2, rng.randint(1, 28)),
            by=by,
        )
        for proposal in proposals:
            workflow.set_proposal_position(referral, proposal=proposal, stance=rng.choice(stances), by=by)
        workflow.mark_opinion_ready(referral, by=by)
        body = referral.body
        position = f"{body.name} ställer sig i huvudsak positiv till utredningens förslag."
        if not body.makes_decisions:
            workflow.set_position(referral, position=position, by=by)
            continue
        decision = workflow.record_decision(
            referral,
            meeting_date=date(2031, 3, rng.randint(10, 25)),
            by=by,
            position=position,
            points=[
                f"{body.name} godkänner förvaltningens tjänsteutlåtande som svar på remissen.",
                "Beslutet justeras omedelbart.",
            ],
            added_text=writer.text(1),
        )
        _add_statements(rng, writer, decision, parties, by)
        workflow.justera(decision, by=by)
    workflow.start_compiling(case, by=by)
    workflow.save_city_proposal(
        case,
        decision_points=[
            "Remissen besvaras med hänvisning till vad som sägs i detta tjänsteutlåtande.",
            "Paragrafen justeras omedelbart.",
        ],
        summary=writer.text(1) + draft_summary_with_stances(case) + writer.text(1),
        views=writer.text(6),
        signed_date=date(2031, 4, 20),
        by=by,
    )
    for body, points in ((brb, ["Borgarrådsberedningen tillstyrker förslaget."]), (ks, [])):
        decision = workflow.record_city_decision(case, body=body, points=points, by=by)
        members = _seated(rng, body, parties, Seat.Role.LEDAMOT, 4)
        workflow.add_statement(
            decision,
            kind=Statement.Kind.SARSKILT_UTTALANDE,
            by=by,
            authors=[AuthorSpec(members[1]), AuthorSpec(members[2])],
            text=writer.text(2),
        )
        workflow.add_statement(
            decision, kind=Statement.Kind.RESERVATION, by=by, authors=[AuthorSpec(members[3])], text=writer.text(1)
        )
    case.refresh_from_db()
    return case
