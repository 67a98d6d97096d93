"""Finding the one member a query names, or saying precisely why none was found.

Two identifiers always: a member ID with the date of birth, or last name, first name and
date of birth. There is no partial match and no listing. When nothing matches, the hint
points at the likely mistake (a dependent searched with the subscriber's date of birth,
day and month swapped, names swapped) while saying nothing about who else is on file.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass

from healtheos.core import rows
from healtheos.eligibility.result import EligibilityQuery, Problem
from healtheos.members.models import Member
from healtheos.plans.models import Plan

HINTS: dict[Problem, str] = {
    Problem.NO_MATCH: (
        "No member matches these identifiers. Check them against the member's ID card."
    ),
    Problem.BIRTH_DATE_MISMATCH: (
        "The member ID was found, but the date of birth does not match it. Check the date "
        "of birth against the patient's records."
    ),
    Problem.SUBSCRIBER_BIRTH_DATE: (
        "The date of birth given is the subscriber's, not this patient's. For a spouse or "
        "child, enter the patient's own date of birth."
    ),
    Problem.DAY_MONTH_SWAPPED: (
        "The date of birth does not match; the day and the month may be swapped. Dates are "
        "month/day/year."
    ),
    Problem.NAMES_SWAPPED: ("No match with these names; the first and last names may be swapped."),
    Problem.FIRST_NAME_DIFFERS: (
        "No match with this first name. Use the legal first name as printed on the ID card, "
        "not a nickname — or search with the member ID."
    ),
    Problem.ID_FORMAT: "This plan's member IDs do not look like this one.",
    Problem.SEVERAL_MATCHES: (
        "More than one member has this name and date of birth. Search with the member ID."
    ),
    Problem.DATE_OF_SERVICE_RANGE: (
        "The date of service must be between 12 months ago and the end of this month."
    ),
}


@dataclass(frozen=True)
class Match:
    member: Member | None
    problem: Problem | None = None
    hint: str = ""


#: Values per IN list: well under SQLite's limit on bound parameters.
_IN_CHUNK = 1000


def _swapped(day: dt.date) -> dt.date | None:
    if day.day > 12 or day.day == day.month:
        return None
    try:
        return day.replace(month=day.day, day=day.month)
    except ValueError:
        return None


def normalize_member_id(value: str) -> str:
    return "".join(value.split()).upper().replace("-", "")


_PREFIXES: dict[int, tuple[float, str]] = {}


def forget_prefixes() -> None:
    _PREFIXES.clear()


def _id_prefix(plan: Plan) -> str:
    """The letters every member ID of the plan starts with, when they share any (kept for
    an hour: it only feeds the hint for an ID in the wrong format)."""
    cached = _PREFIXES.get(plan.pk)
    if cached is not None and time.monotonic() - cached[0] < 3600:
        return cached[1]
    sample = list(
        Member.objects.filter(plan=plan).order_by("pk").values_list("member_id", flat=True)[:20]
    )
    prefix = sample[0] if sample else ""
    for other in sample[1:]:
        while not other.startswith(prefix):
            prefix = prefix[:-1]
    letters = "".join(ch for ch in prefix if ch.isalpha()) if prefix[:1].isalpha() else ""
    _PREFIXES[plan.pk] = (time.monotonic(), letters)
    return letters


def _failure(problem: Problem, extra: str = "") -> Match:
    return Match(None, problem, (HINTS[problem] + (" " + extra if extra else "")).strip())


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def _by_member_id(plan: Plan, query: EligibilityQuery, member: Member | None) -> Match:
    if member is None:
        prefix = _id_prefix(plan)
        if prefix and not normalize_member_id(query.member_id).startswith(prefix):
            return _failure(
                Problem.ID_FORMAT, f"They start with {prefix}, as printed on the ID card."
            )
        return _failure(Problem.NO_MATCH)
    if member.birth_date == query.birth_date:
        return Match(member)
    if member.subscriber is not None and member.subscriber.birth_date == query.birth_date:
        return _failure(Problem.SUBSCRIBER_BIRTH_DATE)
    if _swapped(query.birth_date) == member.birth_date:
        return _failure(Problem.DAY_MONTH_SWAPPED)
    return _failure(Problem.BIRTH_DATE_MISMATCH)


def _by_name(query: EligibilityQuery, born: dict[dt.date, list[Member]]) -> Match:
    last, first = _fold(query.last_name), _fold(query.first_name)
    same_day = born.get(query.birth_date, [])
    found = [m for m in same_day if _fold(m.last_name) == last and _fold(m.first_name) == first]
    if len(found) == 1:
        return Match(found[0])
    if found:
        return _failure(Problem.SEVERAL_MATCHES)
    if any(_fold(m.last_name) == first and _fold(m.first_name) == last for m in same_day):
        return _failure(Problem.NAMES_SWAPPED)
    swapped = _swapped(query.birth_date)
    if swapped is not None and any(
        _fold(m.last_name) == last and _fold(m.first_name) == first for m in born.get(swapped, [])
    ):
        return _failure(Problem.DAY_MONTH_SWAPPED)
    if any(_fold(m.last_name) == last for m in same_day):
        return _failure(Problem.FIRST_NAME_DIFFERS)
    return _failure(Problem.NO_MATCH)


def _members(plan: Plan, condition: str, values: Sequence[object]) -> list[Member]:
    """Members of ``plan`` matching ``condition`` on ``m``, with their subscriber loaded and
    whether they have dependents: one query, written out (this is the real-time path)."""
    table = Member._meta.db_table
    sql = (
        f"SELECT {rows.select_list(Member, 'm')}, {rows.select_list(Member, 's')}, "  # noqa: S608 (names from the models; values bound)
        f"EXISTS (SELECT 1 FROM {table} d WHERE d.subscriber_id = m.id) "
        f"FROM {table} m LEFT JOIN {table} s ON s.id = m.subscriber_id "
        f"WHERE m.plan_id = %s AND {condition}"
    )
    width = rows.width(Member)
    found = []
    for row in rows.fetch(sql, [plan.pk, *values]):
        member = rows.build(Member, row[:width])
        subscriber = rows.build(Member, row[width : 2 * width]) if row[width] is not None else None
        Member.subscriber.field.set_cached_value(member, subscriber)
        member.has_dependents = bool(row[-1])  # type: ignore[attr-defined]
        found.append(member)
    return found


def members_find(*, plan: Plan, queries: Sequence[EligibilityQuery]) -> list[Match]:
    """The member each query names at ``plan``, or why there is none: two queries at most,
    whatever the number of questions (a batch schedule asks thousands)."""
    ids = sorted({normalize_member_id(q.member_id) for q in queries if q.member_id})
    by_id: dict[str, Member] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        found = _members(plan, f"m.member_id IN ({rows.placeholders(chunk)})", chunk)
        by_id.update((m.member_id, m) for m in found)
    days: set[dt.date] = set()
    for q in queries:
        if not q.member_id:
            days.add(q.birth_date)
            swapped = _swapped(q.birth_date)
            if swapped is not None:
                days.add(swapped)
    born: dict[dt.date, list[Member]] = {}
    ordered_days = sorted(days)
    for start in range(0, len(ordered_days), _IN_CHUNK):
        chunk_days = ordered_days[start : start + _IN_CHUNK]
        for member in _members(
            plan, f"m.birth_date IN ({rows.placeholders(chunk_days)})", chunk_days
        ):
            born.setdefault(member.birth_date, []).append(member)
    return [
        _by_member_id(plan, q, by_id.get(normalize_member_id(q.member_id)))
        if q.member_id
        else _by_name(q, born)
        for q in queries
    ]


def inquiry_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """CAQH CORE: inquiries from 12 months back through the end of the current month."""
    try:
        earliest = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        earliest = today.replace(year=today.year - 1, day=28)
    next_month = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return earliest, next_month - dt.timedelta(days=1)
