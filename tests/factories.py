"""factory_boy factories for the payer data model. Valid NPIs and TINs by construction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from healtheos.accounts.models import Realm, User
from healtheos.authorizations.models import AuthorizationStatus, PriorAuthorization
from healtheos.claims.models import Claim, ClaimLine, ClaimStatus, ClaimType
from healtheos.core.identifiers import luhn_digit_for_npi
from healtheos.directory.models import EntityType, Provider, ProviderOrganization
from healtheos.members.models import Coverage, Member
from healtheos.messaging.models import Department, Thread
from healtheos.offices.models import Membership, Office, OfficeStatus
from healtheos.payments.models import Payment, PaymentMethod
from healtheos.plans.models import BenefitPlan, LineOfBusiness, Plan, ProductType

TEST_PASSWORD = "correct horse battery staple"
#: Every test user's authenticator-app secret (base32), so tests can compute codes.
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def enroll_totp(user: User, secret: str = TEST_TOTP_SECRET) -> None:
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, secret)


def totp_code(secret: str = TEST_TOTP_SECRET, step: int = 0) -> str:
    import time

    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
    )

    counter = int(time.time()) // 30 + step
    return format_hotp_value(hotp_value(secret, counter))


def api_token(*, office: Office, actor: User | None, scopes: list[str], name: str = "PM") -> str:
    """A bearer token of a new API client of ``office`` holding ``scopes``."""
    from healtheos.apiclients.services import apiclient_create, token_issue

    client, _ = apiclient_create(office=office, actor=actor, name=name, scopes=scopes)
    raw, _ = token_issue(client=client, scopes=scopes)
    return raw


def npi_for(sequence: int, entity_type: int = 1) -> str:
    stem = f"{entity_type}{sequence:08d}"
    return stem + str(luhn_digit_for_npi(stem))


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"plan-{n}")
    name = factory.LazyAttribute(lambda o: f"{o.code.title()} Health Plan")
    brand = "Healtheos Test"
    state = "TX"
    payer_id = factory.Sequence(lambda n: f"HE{n:05d}")


class BenefitPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BenefitPlan

    plan = factory.SubFactory(PlanFactory)
    line_of_business = LineOfBusiness.COMMERCIAL
    code = factory.Sequence(lambda n: f"BP{n:04d}")
    name = factory.LazyAttribute(lambda o: f"Benefit plan {o.code}")
    product_type = ProductType.PPO


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderOrganization

    tin = factory.Sequence(lambda n: f"{900000000 + n}")
    legal_name = factory.Sequence(lambda n: f"Test Clinic {n}")
    npi = factory.Sequence(lambda n: npi_for(n, 2))


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider
        skip_postgeneration_save = True

    npi = factory.Sequence(lambda n: npi_for(500000 + n, 1))
    entity_type = EntityType.INDIVIDUAL
    first_name = "Pat"
    last_name = factory.Sequence(lambda n: f"Practitioner{n}")
    specialty = "Family medicine"

    @factory.post_generation
    def organizations(
        self, create: bool, extracted: list[ProviderOrganization] | None, **kwargs: object
    ) -> None:
        if create and extracted:
            self.organizations.add(*extracted)


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office

    plan = factory.SubFactory(PlanFactory)
    organization = factory.SubFactory(OrganizationFactory)
    name = factory.LazyAttribute(lambda o: o.organization.legal_name)
    status = OfficeStatus.APPROVED
    approved_at = factory.LazyFunction(timezone.now)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    @classmethod
    def _create(cls, model_class: type[User], *args: object, **kwargs: object) -> User:
        verified = kwargs.pop("email_verified", True)
        mfa = kwargs.pop("mfa", True)
        user = super()._create(model_class, *args, **kwargs)
        user._email_verified = verified  # type: ignore[attr-defined]
        if mfa and user.realm != Realm.MEMBER:
            enroll_totp(user)
        return user

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.test")
    first_name = factory.LazyAttribute(lambda o: o.username.title())
    last_name = "Tester"
    realm = Realm.PROVIDER
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def email_address(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create and self.email:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.get_or_create(
                user=self,
                email=self.email,
                defaults={"verified": self._email_verified, "primary": True},
            )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    office = factory.SubFactory(OfficeFactory)
    role = "front_desk"


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    plan = factory.SubFactory(PlanFactory)
    member_id = factory.Sequence(lambda n: f"TM{n:09d}")
    first_name = "Synthetic"
    last_name = factory.Sequence(lambda n: f"Member{n}")
    birth_date = dt.date(1980, 5, 17)
    sex = "F"


class CoverageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coverage

    member = factory.SubFactory(MemberFactory)
    benefit_plan = factory.SubFactory(
        BenefitPlanFactory, plan=factory.SelfAttribute("..member.plan")
    )
    line_of_business = factory.SelfAttribute("benefit_plan.line_of_business")
    group_number = "GRP001"
    start_date = dt.date(2026, 1, 1)


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    plan = factory.SubFactory(PlanFactory)
    claim_number = factory.Sequence(lambda n: f"C{n:011d}")
    patient_account_number = factory.Sequence(lambda n: f"PA{n:06d}")
    claim_type = ClaimType.PROFESSIONAL
    member = factory.SubFactory(MemberFactory, plan=factory.SelfAttribute("..plan"))
    billing_organization = factory.SubFactory(OrganizationFactory)
    billing_provider = factory.SubFactory(ProviderFactory)
    diagnosis_codes = ["J06.9"]
    service_from = dt.date(2026, 10, 1)
    service_to = dt.date(2026, 10, 1)
    total_charge = Decimal("150.00")
    status = ClaimStatus.RECEIVED
    received_at = factory.LazyFunction(timezone.now)


class ClaimLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClaimLine

    claim = factory.SubFactory(ClaimFactory)
    line_number = 1
    procedure_code = "99213"
    service_date = dt.date(2026, 10, 1)
    charge = Decimal("150.00")


class AuthorizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriorAuthorization

    plan = factory.SubFactory(PlanFactory)
    tracking_number = factory.Sequence(lambda n: f"PA{n:010d}")
    member = factory.SubFactory(MemberFactory, plan=factory.SelfAttribute("..plan"))
    line_of_business = LineOfBusiness.COMMERCIAL
    requesting_organization = factory.SubFactory(OrganizationFactory)
    requesting_provider = factory.SubFactory(ProviderFactory)
    servicing_provider = factory.SelfAttribute("requesting_provider")
    diagnosis_codes = ["M17.11"]
    status = AuthorizationStatus.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    plan = factory.SubFactory(PlanFactory)
    payee_organization = factory.SubFactory(OrganizationFactory)
    trace_number = factory.Sequence(lambda n: f"EFT{n:09d}")
    method = PaymentMethod.ACH
    payment_date = dt.date(2026, 11, 2)
    total_amount = Decimal("0.00")


class ThreadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Thread

    office = factory.SubFactory(OfficeFactory)
    department = Department.PROVIDER_SERVICES
    subject = factory.Sequence(lambda n: f"Question {n}")
    created_by = factory.SubFactory(UserFactory)
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyFunction(timezone.now)
