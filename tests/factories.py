"""factory_boy factories; `user_for_role` builds a user of any role with its organisation."""

import factory

from pilotage.accounts.models import User
from pilotage.core.identifiers import fake_siren, fake_siret
from pilotage.core.roles import Role
from pilotage.reference.models import (
    Department,
    Funder,
    FunderType,
    LegalForm,
    MissionLocale,
    NationalBody,
    Region,
    RegionalAssociation,
    StateService,
    StateServiceLevel,
)

PASSWORD = "mot-de-passe-de-test-1"


def department(code: str) -> Department:
    return Department.objects.get(code=code)


def region(code: str) -> Region:
    return Region.objects.get(code=code)


class MissionLocaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MissionLocale
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"T{n:05d}S00")
    name = factory.Sequence(lambda n: f"Mission Locale de test {n}")
    siret = factory.Sequence(lambda n: fake_siret(50000 + n))
    legal_form = LegalForm.ASSOCIATION
    department = factory.LazyFunction(lambda: department("13"))
    city = "Marseille"

    class Params:
        gip = factory.Trait(legal_form=LegalForm.GIP)


class RegionalAssociationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegionalAssociation
        django_get_or_create = ["region"]

    name = factory.LazyAttribute(lambda o: f"Association régionale des Missions Locales {o.region.name}")
    acronym = factory.LazyAttribute(lambda o: f"ARML {o.region.code}")
    siret = factory.Sequence(lambda n: fake_siret(60000 + n))
    region = factory.LazyFunction(lambda: region("93"))


class StateServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StateService

    level = StateServiceLevel.NATIONAL
    name = "DGEFP"

    class Params:
        regional = factory.Trait(
            level=StateServiceLevel.REGIONAL,
            region=factory.LazyFunction(lambda: region("93")),
            name=factory.LazyAttribute(lambda o: f"DREETS {o.region.name}"),
        )
        departmental = factory.Trait(
            level=StateServiceLevel.DEPARTMENTAL,
            department=factory.LazyFunction(lambda: department("13")),
            name=factory.LazyAttribute(lambda o: f"DDETS {o.department.name}"),
        )


class FunderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Funder

    type = FunderType.FRANCE_TRAVAIL
    name = factory.Sequence(lambda n: f"Financeur {n}")

    class Params:
        regional_council = factory.Trait(
            type=FunderType.REGION,
            region=factory.LazyFunction(lambda: region("93")),
            code=factory.LazyAttribute(lambda o: o.region.code),
            name=factory.LazyAttribute(lambda o: f"Conseil régional {o.region.name}"),
        )
        departmental_council = factory.Trait(
            type=FunderType.DEPARTEMENT,
            department=factory.LazyFunction(lambda: department("13")),
            region=factory.LazyAttribute(lambda o: o.department.region),
            code=factory.LazyAttribute(lambda o: o.department.code),
            name=factory.LazyAttribute(lambda o: f"Conseil départemental {o.department.name}"),
        )
        municipality = factory.Trait(
            type=FunderType.COMMUNE_EPCI,
            department=factory.LazyFunction(lambda: department("13")),
            siren=factory.Sequence(lambda n: fake_siren(70000 + n)),
            code=factory.LazyAttribute(lambda o: o.siren),
            name=factory.Sequence(lambda n: f"Communauté de communes {n}"),
        )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Test{n}")
    password = factory.django.Password(PASSWORD)


def user_for_role(
    role: Role, *, department_code: str = "13", mission_locale: MissionLocale | None = None, **kwargs
) -> User:
    """A user of `role` whose organisation sits in `department_code` (and its region).

    Mission Locale roles use `mission_locale` (or a new one in that department); a municipality gets a new
    EPCI funder that lists `mission_locale` (or a new one) as a Mission Locale of its territory.
    """
    dep = department(department_code)
    match role:
        case Role.NATIONAL_ADMIN:
            service = StateService.objects.filter(level=StateServiceLevel.NATIONAL).first()
            kwargs["state_service"] = service or StateServiceFactory()
        case Role.REGIONAL_STATE:
            kwargs["state_service"] = StateService.objects.filter(region=dep.region).first() or (
                StateServiceFactory(regional=True, region=dep.region)
            )
        case Role.DEPARTMENTAL_STATE:
            kwargs["state_service"] = StateService.objects.filter(department=dep).first() or (
                StateServiceFactory(departmental=True, department=dep)
            )
        case Role.REGIONAL_COUNCIL:
            kwargs["funder"] = Funder.objects.filter(type=FunderType.REGION, region=dep.region).first() or (
                FunderFactory(regional_council=True, region=dep.region)
            )
        case Role.DEPARTMENTAL_COUNCIL:
            kwargs["funder"] = Funder.objects.filter(type=FunderType.DEPARTEMENT, department=dep).first() or (
                FunderFactory(departmental_council=True, department=dep)
            )
        case Role.MUNICIPALITY:
            funder = FunderFactory(municipality=True, department=dep)
            funder.missions_locales.add(mission_locale or MissionLocaleFactory(department=dep))
            kwargs["funder"] = funder
        case Role.ML_DIRECTOR | Role.ML_STAFF:
            kwargs["mission_locale"] = mission_locale or MissionLocaleFactory(department=dep)
        case Role.ARML:
            kwargs["regional_association"] = RegionalAssociationFactory(region=dep.region)
        case Role.NATIONAL_OBSERVER:
            kwargs["national_body"] = NationalBody.objects.get_or_create(
                acronym="UNML", defaults={"name": "Union nationale des Missions Locales"}
            )[0]
    return UserFactory(role=role, **kwargs)


def state_funder() -> Funder:
    return Funder.objects.filter(type=FunderType.ETAT).first() or FunderFactory(type=FunderType.ETAT, name="État")


def cpo_for(mission_locale, *, start="2024-01-01", planned="1000000.00", signed=True):
    """A 4-year CPO of the State with `mission_locale`, planned yearly subsidy `planned`."""
    from datetime import date
    from decimal import Decimal

    from pilotage.funding.models import Convention, ConventionKind, ConventionStatus
    from pilotage.funding.models.conventions import CPO_YEARS, add_years

    start_date = date.fromisoformat(start)
    return Convention.objects.create(
        kind=ConventionKind.CPO,
        title=f"CPO {start_date.year}-{start_date.year + CPO_YEARS - 1} — {mission_locale}",
        funder=state_funder(),
        mission_locale=mission_locale,
        start_date=start_date,
        end_date=add_years(start_date, CPO_YEARS) - (date(2000, 1, 2) - date(2000, 1, 1)),
        status=ConventionStatus.SIGNED if signed else ConventionStatus.DRAFT,
        signed_on=start_date if signed else None,
        planned_annual_amount=Decimal(planned),
    )
