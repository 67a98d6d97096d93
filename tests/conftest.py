"""The people every test talks about: two offices at two plans, and who works where.

- Bluebonnet Family Medicine (TIN 74-1234567) at Sunrise Health, Texas:
  alice (office administrator), frank (front desk), bill (billing), clara (clinical),
  rita (read-only).
- Prairie Pediatrics (TIN 36-1234567) at Lakeshore Health, Illinois: olga (office administrator).
- bianca works for a billing service with the billing role at both offices.
- petra is a utilization-management reviewer at Sunrise Health (payer realm).
- mona is a member-realm account at Sunrise Health.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from redis import Redis
from rq import Queue
from rq.job import Job
from rq.results import Result

from healtheos.accounts.models import PayerRole, Realm, User
from healtheos.authorizations.models import PriorAuthorization
from healtheos.claims.models import Claim
from healtheos.core import tasks
from healtheos.directory.models import Provider
from healtheos.members.models import Member
from healtheos.messaging.models import Thread
from healtheos.offices.models import Office
from healtheos.payments.models import Payment
from healtheos.plans.models import Plan
from tests import factories as f


@dataclass
class OfficeWorld:
    office: Office
    practitioner: Provider
    member: Member
    claim: Claim
    authorization: PriorAuthorization
    payment: Payment
    thread: Thread


@dataclass
class World:
    sunrise: Plan
    lakeshore: Plan
    bluebonnet: OfficeWorld
    prairie: OfficeWorld
    alice: User
    frank: User
    bill: User
    clara: User
    rita: User
    olga: User
    bianca: User
    petra: User
    mona: User

    def client_for(self, user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client


def _office_world(plan: Plan, tin: str, name: str, npi_seq: int, creator: User) -> OfficeWorld:
    organization = f.OrganizationFactory(tin=tin, legal_name=name)
    office = f.OfficeFactory(plan=plan, organization=organization, name=name)
    practitioner = f.ProviderFactory(npi=f.npi_for(npi_seq), organizations=[organization])
    member = f.MemberFactory(plan=plan)
    f.CoverageFactory(member=member)
    claim = f.ClaimFactory(
        plan=plan,
        member=member,
        billing_organization=organization,
        billing_provider=practitioner,
        total_charge=Decimal("200.00"),
    )
    f.ClaimLineFactory(claim=claim, charge=Decimal("200.00"), service_date=dt.date(2026, 10, 1))
    authorization = f.AuthorizationFactory(
        plan=plan,
        member=member,
        requesting_organization=organization,
        requesting_provider=practitioner,
        servicing_provider=practitioner,
    )
    payment = f.PaymentFactory(plan=plan, payee_organization=organization)
    thread = f.ThreadFactory(office=office, created_by=creator)
    return OfficeWorld(office, practitioner, member, claim, authorization, payment, thread)


@pytest.fixture
def world(db: None) -> World:
    sunrise = f.PlanFactory(code="sunrise-tx", name="Sunrise Health", state="TX", payer_id="SUNTX")
    lakeshore = f.PlanFactory(
        code="lakeshore-il", name="Lakeshore Health", state="IL", payer_id="LAKIL"
    )
    alice = f.UserFactory(username="alice")
    olga = f.UserFactory(username="olga")
    bluebonnet = _office_world(sunrise, "741234567", "Bluebonnet Family Medicine", 1001, alice)
    prairie = _office_world(lakeshore, "361234567", "Prairie Pediatrics", 2002, olga)
    people = {
        "frank": "front_desk",
        "bill": "billing",
        "clara": "clinical",
        "rita": "read_only",
    }
    f.MembershipFactory(user=alice, office=bluebonnet.office, role="office_admin")
    f.MembershipFactory(user=olga, office=prairie.office, role="office_admin")
    users = {}
    for username, role in people.items():
        users[username] = f.UserFactory(username=username)
        f.MembershipFactory(user=users[username], office=bluebonnet.office, role=role)
    bianca = f.UserFactory(username="bianca")
    f.MembershipFactory(user=bianca, office=bluebonnet.office, role="billing")
    f.MembershipFactory(user=bianca, office=prairie.office, role="billing")
    petra = f.UserFactory(
        username="petra", realm=Realm.PAYER, payer_role=PayerRole.UM_REVIEWER, plan=sunrise
    )
    mona = f.UserFactory(
        username="mona", realm=Realm.MEMBER, plan=sunrise, member=bluebonnet.member
    )
    return World(
        sunrise=sunrise,
        lakeshore=lakeshore,
        bluebonnet=bluebonnet,
        prairie=prairie,
        alice=alice,
        olga=olga,
        bianca=bianca,
        petra=petra,
        mona=mona,
        **users,
    )


@pytest.fixture(autouse=True)
def _fresh_cache(settings: object) -> None:
    """Rate-limit counters and used one-time codes must not leak from one test to the next.
    Each test gets its own key prefix rather than clearing the cache: parallel workers
    share one Redis, and clearing it would wipe another test's counters mid-run."""
    import copy

    caches = copy.deepcopy(settings.CACHES)  # type: ignore[attr-defined]
    caches["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = caches  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: object) -> None:
    """Tests sign people in thousands of times; the production hasher is tested on its own
    (tests/test_passwords.py) and measured by the benchmark."""
    settings.PASSWORD_HASHERS = [  # type: ignore[attr-defined]
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "healtheos.accounts.hashers.HealtheosArgon2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def _fresh_process_caches() -> None:
    """Each worker process keeps benefit tables, checked tokens and checked NPIs for a
    while; a test's are its own (rolled-back rows can come back under the same keys)."""
    from healtheos.apiclients.services import token_cache_clear
    from healtheos.eligibility import lookup, providers
    from healtheos.eligibility.benefits import PROCESS_TABLES

    PROCESS_TABLES.clear()
    token_cache_clear()
    providers.forget()
    lookup.forget_prefixes()


#: The Redis that the rq backend's tests queue on (a database of its own; every
#: environment here runs Redis on the default port).
RQ_TEST_REDIS_URL = os.environ.get("HEALTHEOS_TEST_RQ_REDIS_URL", "redis://127.0.0.1:6379/11")


@pytest.fixture
def rq_queue(settings: Any) -> Iterator[Queue]:
    """The rq backend on a queue of this test's own, emptied of its jobs afterwards
    (parallel workers share the Redis database, so nothing else in it is touched). An RQ
    worker run in the test installs its own SIGINT and SIGTERM handlers; the test run's
    own come back afterwards."""
    settings.TASK_BACKEND = "rq"
    settings.REDIS_URL = RQ_TEST_REDIS_URL
    settings.TASK_QUEUE = f"healtheos-test-{uuid.uuid4().hex}"
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    queue = tasks.queue()
    yield queue
    for sig, handler in handlers.items():
        signal.signal(sig, handler)
    redis = Redis.from_url(RQ_TEST_REDIS_URL)
    registries = (
        queue.scheduled_job_registry,
        queue.started_job_registry,
        queue.finished_job_registry,
        queue.failed_job_registry,
        queue.deferred_job_registry,
        queue.canceled_job_registry,
    )
    job_ids = set(queue.get_job_ids())
    for registry in registries:
        job_ids.update(registry.get_job_ids())
    for job_id in job_ids:
        redis.delete(Job.key_for(job_id), Result.get_key(job_id))
    for key in redis.scan_iter(f"*{queue.name}*"):
        redis.delete(key)
    redis.srem("rq:queues", queue.key)
