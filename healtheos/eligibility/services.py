"""Eligibility checks: the one function every channel calls."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from healtheos.audit.services import audit_record
from healtheos.core import rows
from healtheos.eligibility.benefits import (
    PROCESS_TABLES,
    MemberRecords,
    PlanTables,
    coverage_answer,
    coverages_on,
    member_facts,
    member_records,
)
from healtheos.eligibility.lookup import HINTS, inquiry_window, members_find
from healtheos.eligibility.models import Inquiry
from healtheos.eligibility.result import (
    Channel,
    EligibilityQuery,
    EligibilityResult,
    Outcome,
    Problem,
)
from healtheos.eligibility.service_types import expand

if TYPE_CHECKING:
    from healtheos.accounts.models import User
    from healtheos.apiclients.models import ApiClient
    from healtheos.members.models import Member
    from healtheos.offices.models import Office

FIRST_RESULT_SESSION_KEY = "he_first_eligibility_recorded"


class RateLimited(Exception):
    """Too many searches in the current minute: a brake on member enumeration."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many eligibility searches; try again in {retry_after} seconds.")
        self.retry_after = retry_after


def _count(key: str, limit: int) -> bool:
    """Count one search against a per-minute window; False when over ``limit``."""
    window = int(time.time() // 60)
    full_key = f"elig-rate:{key}:{window}"
    try:
        value = cache.incr(full_key)
    except ValueError:
        cache.add(full_key, 0, timeout=120)
        value = cache.incr(full_key)
    return value <= limit


def eligibility_rate_check(
    *, office: Office, user: User | None = None, api_client: ApiClient | None = None
) -> None:
    """Searches are limited per person (or API client) and per office, per minute."""
    seconds_left = 60 - int(time.time()) % 60
    if user is not None and not _count(f"u{user.pk}", settings.ELIGIBILITY_RATE_PER_USER):
        raise RateLimited(seconds_left)
    if api_client is not None and not _count(
        f"c{api_client.pk}", settings.ELIGIBILITY_RATE_PER_CLIENT
    ):
        raise RateLimited(seconds_left)
    if not _count(f"o{office.pk}", settings.ELIGIBILITY_RATE_PER_OFFICE):
        raise RateLimited(seconds_left)


def eligibility_answers(
    *, office: Office, queries: Sequence[EligibilityQuery], tables: PlanTables | None = None
) -> list[EligibilityResult]:
    """The answers alone, with nothing recorded, for many questions at once: a handful of
    queries in all, not per question (batch runs record their rows in bulk)."""
    tables = tables or PROCESS_TABLES
    today = timezone.localdate()
    earliest, latest = inquiry_window(today)
    plan = office.plan
    bases = []
    for query in queries:
        bases.append(
            EligibilityResult(
                query=query,
                outcome=Outcome.INVALID,
                date_of_service=query.date_of_service or today,
                service_types=tuple(expand(list(query.service_types))),
                payer_name=plan.name,
                payer_id=plan.payer_id,
                identifiers_used=(
                    ("member ID", "date of birth")
                    if query.member_id
                    else ("last name", "first name", "date of birth")
                ),
            )
        )
    askable = [i for i, b in enumerate(bases) if earliest <= b.date_of_service <= latest]
    matches = dict(
        zip(askable, members_find(plan=plan, queries=[queries[i] for i in askable]), strict=True)
    )
    found = [m.member for m in matches.values() if m.member is not None]
    records = member_records(
        [m.pk for m in found], {bases[i].date_of_service.year for i in askable}, tables
    )
    results = []
    for index, base in enumerate(bases):
        match = matches.get(index)
        if match is None:
            problem = Problem.DATE_OF_SERVICE_RANGE
            results.append(replace(base, problem=problem, hint=HINTS[problem]))
        elif match.member is None:
            outcome = (
                Outcome.AMBIGUOUS if match.problem == Problem.SEVERAL_MATCHES else Outcome.NOT_FOUND
            )
            results.append(replace(base, outcome=outcome, problem=match.problem, hint=match.hint))
        else:
            results.append(_found(base, match.member, records, tables))
    return results


def _found(
    base: EligibilityResult, member: Member, records: MemberRecords, tables: PlanTables
) -> EligibilityResult:
    day = base.date_of_service
    active, latest_span = coverages_on(records.coverages.get(member.pk, []), day)
    # members_find annotates has_dependents; a member from elsewhere asks the database.
    has_dependents = getattr(member, "has_dependents", None)
    if has_dependents is None:
        has_dependents = member.dependents.exists()
    family = member.subscriber_id is not None or bool(has_dependents)
    chosen = active
    others: tuple[str, ...] = ()
    wanted = base.query.line_of_business
    if wanted and active:
        chosen = [c for c in active if c.line_of_business == wanted] or active
        others = tuple(
            sorted({c.line_of_business for c in active} - {c.line_of_business for c in chosen})
        )
    answers = tuple(
        coverage_answer(
            c,
            records=records,
            day=day,
            service_types=list(base.service_types),
            active=True,
            family=family,
            tables=tables,
        )
        for c in chosen
    )
    if not answers and latest_span is not None:
        answers = (
            coverage_answer(
                latest_span,
                records=records,
                day=day,
                service_types=[],
                active=False,
                family=family,
                tables=tables,
            ),
        )
    return replace(
        base,
        outcome=Outcome.ACTIVE if active else Outcome.INACTIVE,
        member=member_facts(member),
        coverages=answers,
        other_lines_of_business=others,
    )


def eligibility_answer(
    *, office: Office, query: EligibilityQuery, tables: PlanTables | None = None
) -> EligibilityResult:
    """One answer, with nothing recorded."""
    return eligibility_answers(office=office, queries=[query], tables=tables)[0]


def _seconds_after_sign_in(request: HttpRequest | None) -> float | None:
    if request is None or not hasattr(request, "session"):
        return None
    if request.session.get(FIRST_RESULT_SESSION_KEY):
        return None
    from healtheos.accounts.models import UserSession

    record = UserSession.objects.filter(session_key=request.session.session_key).first()
    request.session[FIRST_RESULT_SESSION_KEY] = True
    if record is None:
        return None
    return max((timezone.now() - record.created_at).total_seconds(), 0.0)


def eligibility_check(
    *,
    office: Office,
    query: EligibilityQuery,
    channel: Channel,
    user: User | None = None,
    api_client: ApiClient | None = None,
    request: HttpRequest | None = None,
    control_numbers: dict[str, str] | None = None,
    rate_limited: bool = True,
) -> EligibilityResult:
    """Answer one eligibility question for ``office`` and record it.

    The member is looked up only at the office's plan. Every inquiry is logged with its
    channel, outcome and server time; a result that shows a member is an audit event.
    Raises :class:`RateLimited` when the person, client or office searched too often.
    """
    started = time.perf_counter()
    if rate_limited:
        eligibility_rate_check(office=office, user=user, api_client=api_client)
    result = eligibility_answer(office=office, query=query)
    elapsed = (time.perf_counter() - started) * 1000
    result = replace(result, server_ms=elapsed)
    member_pk = result.member.member_pk if result.member else None
    with transaction.atomic():
        # One written-out INSERT: this runs for every real-time answer.
        rows.insert(
            Inquiry(
                office=office,
                user=user,
                api_client=api_client,
                channel=channel,
                outcome=result.outcome,
                problem=result.problem or "",
                member_id=member_pk,
                date_of_service=result.date_of_service,
                service_types=",".join(query.service_types)[:120],
                server_ms=elapsed,
                seconds_after_sign_in=(
                    _seconds_after_sign_in(request)
                    if channel == Channel.PORTAL and member_pk is not None
                    else None
                ),
                control_numbers=control_numbers or {},
                created_at=timezone.now(),
            )
        )
        if member_pk is not None:
            audit_record(
                action="eligibility.viewed",
                actor=user,
                office=office,
                member_pk=member_pk,
                request=request,
                detail={"channel": channel.value, "outcome": result.outcome.value},
            )
    return result
