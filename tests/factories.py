"""factory-boy factories for the domain. Build states through `remiss.workflow` in tests."""

from datetime import date

import factory
from factory.django import DjangoModelFactory

from remiss import models


class UserFactory(DjangoModelFactory):
    class Meta:
        model = models.User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    role = models.User.Role.OTHER
    password = factory.django.Password("losenord-123")


class RegistrarFactory(UserFactory):
    role = models.User.Role.REGISTRAR


class OfficerFactory(UserFactory):
    role = models.User.Role.OFFICER

    @factory.post_generation
    def bodies(self, create, extracted, **kwargs):
        if create and extracted:
            self.bodies.set(extracted)


class PartyFactory(DjangoModelFactory):
    class Meta:
        model = models.Party
        django_get_or_create = ("abbreviation",)

    abbreviation = "M"
    name = factory.LazyAttribute(
        lambda o: {
            "M": "Moderaterna",
            "L": "Liberalerna",
            "C": "Centerpartiet",
            "KD": "Kristdemokraterna",
            "S": "Socialdemokraterna",
        }.get(o.abbreviation, f"Parti {o.abbreviation}")
    )
    genitive = factory.LazyAttribute(lambda o: f"{o.name}s")


class BodyFactory(DjangoModelFactory):
    class Meta:
        model = models.Body

    name = factory.Sequence(lambda n: f"Nämnd {n}")
    name_in_text = factory.LazyAttribute(lambda o: o.name[0].lower() + o.name[1:])
    kind = models.Body.Kind.FACKNAMND
    administration = factory.Sequence(lambda n: f"Förvaltning {n}")


class OfficeFactory(BodyFactory):
    name = factory.Sequence(lambda n: f"Kontor {n}")
    kind = models.Body.Kind.OFFICE


class PoliticianFactory(DjangoModelFactory):
    class Meta:
        model = models.Politician

    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    party = factory.SubFactory(PartyFactory)


class TermFactory(DjangoModelFactory):
    """A mandatperiod: 2023–2026 unless told otherwise."""

    class Meta:
        model = models.Term
        django_get_or_create = ("name",)

    starts = date(2023, 1, 1)
    ends = factory.LazyAttribute(lambda o: date(o.starts.year + 3, 12, 31))
    name = factory.LazyAttribute(lambda o: f"{o.starts.year}–{o.ends.year}")


class SeatFactory(DjangoModelFactory):
    class Meta:
        model = models.Seat

    politician = factory.SubFactory(PoliticianFactory)
    body = factory.SubFactory(BodyFactory)
    role = models.Seat.Role.LEDAMOT


class CaseFactory(DjangoModelFactory):
    """A registered case, saved directly: status starts at 'registered' as the workflow would."""

    class Meta:
        model = models.Case
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Ett betänkande om allt nummer {n}")
    reference = factory.Sequence(lambda n: f"SOU 2030:{n}")
    sender = "Justitiedepartementet"
    ministry_dnr = factory.Sequence(lambda n: f"Ju2030/{n:05d}")
    city_dnr = factory.Sequence(lambda n: f"KS 2030/{n}-1.1")
    received = date(2030, 1, 10)
    deadline = date(2030, 4, 28)

    @factory.post_generation
    def city_proposal(self, create, extracted, **kwargs):
        if create:
            models.CityProposal.objects.get_or_create(case=self)


class StadsdelsnamndFactory(BodyFactory):
    name = factory.Sequence(lambda n: f"Stadsdel {n} stadsdelsnämnd")
    name_in_text = factory.LazyAttribute(lambda o: o.name)
    kind = models.Body.Kind.STADSDELSNAMND
    administration = factory.LazyAttribute(lambda o: o.name.replace("stadsdelsnämnd", "stadsdelsförvaltning"))


class BorgarradsberedningenFactory(BodyFactory):
    class Meta:
        django_get_or_create = ("name",)

    name = "Borgarrådsberedningen"
    name_in_text = "borgarrådsberedningen"
    kind = models.Body.Kind.BORGARRADSBEREDNINGEN
    administration = "Stadsledningskontoret"


class KommunstyrelsenFactory(BodyFactory):
    class Meta:
        django_get_or_create = ("name",)

    name = "Kommunstyrelsen"
    name_in_text = "kommunstyrelsen"
    kind = models.Body.Kind.KOMMUNSTYRELSEN
    administration = "Stadsledningskontoret"


class PoliticianUserFactory(UserFactory):
    role = models.User.Role.POLITICIAN


class ProposalFactory(DjangoModelFactory):
    class Meta:
        model = models.Proposal

    case = factory.SubFactory(CaseFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    kind = models.Proposal.Kind.FORSLAG
    title = factory.Sequence(lambda n: f"Ett förslag nummer {n}")
    order = factory.Sequence(lambda n: n + 1)


class ReferralFactory(DjangoModelFactory):
    """A referral saved directly, for model tests. Workflow tests refer through `workflow.refer`."""

    class Meta:
        model = models.Referral

    case = factory.SubFactory(CaseFactory)
    body = factory.SubFactory(BodyFactory)
    deadline = factory.LazyAttribute(lambda o: o.case.deadline)
    order = factory.Sequence(lambda n: n + 1)


class OpinionFactory(DjangoModelFactory):
    class Meta:
        model = models.Opinion

    referral = factory.SubFactory(ReferralFactory)
    date = date(2030, 2, 1)
    text = "<p>Förvaltningen ställer sig positiv till förslagen.</p>"


class DecisionFactory(DjangoModelFactory):
    """A nämnd's decision saved directly (not justered)."""

    class Meta:
        model = models.Decision

    case = factory.SubFactory(CaseFactory)
    body = factory.SubFactory(BodyFactory)
    meeting_date = date(2030, 3, 20)
    points = factory.LazyAttribute(lambda o: [f"{o.body.name} godkänner förvaltningens tjänsteutlåtande."])


class StatementFactory(DjangoModelFactory):
    class Meta:
        model = models.Statement

    decision = factory.SubFactory(DecisionFactory)
    kind = models.Statement.Kind.SARSKILT_UTTALANDE
    text = "<p>Vi vill framhålla vikten av tidiga insatser.</p>"
    order = factory.Sequence(lambda n: n + 1)


class StatementAuthorFactory(DjangoModelFactory):
    class Meta:
        model = models.StatementAuthor

    statement = factory.SubFactory(StatementFactory)
    politician = factory.SubFactory(PoliticianFactory)
    and_others = False
    accepted = True
    order = factory.Sequence(lambda n: n + 1)
