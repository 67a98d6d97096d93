"""Is prior authorization required? The plan's rules answer, and payer staff keep them.

A rule names a plan, a line of business, a procedure code (CPT/HCPCS) and optionally a
place of service. A rule for the exact place of service wins over the rule for any place,
so a plan can say "MRI needs authorization, except in the emergency room" with two rows.
A code with no rule needs no authorization at that plan. The same answer is shown on the
lookup page, returned by the JSON API, and listed on the public metrics page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from healtheos.audit.services import audit_record
from healtheos.authorizations.models import AuthorizationRule
from healtheos.interop.x12.claims.codes import procedure_shaped
from healtheos.plans.models import LineOfBusiness

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from healtheos.accounts.models import User
    from healtheos.plans.models import Plan


class RuleInputError(ValueError):
    """Bad input for a lookup or a rule, with the field it concerns."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Requirement:
    """The answer for one procedure code at one plan and line of business."""

    procedure_code: str
    line_of_business: str
    place_of_service: str
    required: bool
    #: What the plan calls the service (the rule's description), blank when no rule applies.
    description: str = ""
    #: The documentation the plan expects with a request.
    documentation: str = ""
    #: Approved on submission without review (recorded as such on the request).
    auto_approve: bool = False
    #: The rule applies only at this place of service (blank: at any place); when the
    #: question named no place, the places where the plan requires authorization.
    rule_place_of_service: str = ""

    @property
    def line_of_business_label(self) -> str:
        return str(LineOfBusiness(self.line_of_business).label)


def normalize_code(value: str) -> str:
    code = value.strip().upper()
    if not procedure_shaped(code):
        raise RuleInputError(
            "procedure_code", "Not a CPT or HCPCS code (five characters, e.g. 70551 or G0439)."
        )
    return code


def normalize_place(value: str) -> str:
    place = value.strip()
    if place and not (len(place) == 2 and place.isdigit()):
        raise RuleInputError(
            "place_of_service", "A place of service is two digits (e.g. 11 for an office)."
        )
    return place


def normalize_line(value: str) -> str:
    if value not in LineOfBusiness.values:
        raise RuleInputError("line_of_business", "Choose a line of business.")
    return value


def requirement_for(
    *, plan: Plan, line_of_business: str, procedure_code: str, place_of_service: str = ""
) -> Requirement:
    """The plan's answer for one code; raises :class:`RuleInputError` for bad input."""
    line = normalize_line(line_of_business)
    code = normalize_code(procedure_code)
    place = normalize_place(place_of_service)
    return requirements_for(plan=plan, line_of_business=line, codes=[code], place=place)[0]


def requirements_for(
    *, plan: Plan, line_of_business: str, codes: list[str], place: str = ""
) -> list[Requirement]:
    """Answers for several (already normalized) codes in one query."""
    rules = AuthorizationRule.objects.filter(
        plan=plan, line_of_business=line_of_business, procedure_code__in=codes
    )
    if place:
        rules = rules.filter(place_of_service__in=["", place])
    best: dict[str, AuthorizationRule] = {}
    #: Without a place of service: the places where a code needs authorization when the
    #: plan has no rule for it at any place.
    only_at: dict[str, list[AuthorizationRule]] = {}
    for rule in rules.order_by("place_of_service"):
        if not place and rule.place_of_service:
            if rule.required:
                only_at.setdefault(rule.procedure_code, []).append(rule)
            continue
        current = best.get(rule.procedure_code)
        if current is None or (rule.place_of_service and not current.place_of_service):
            best[rule.procedure_code] = rule
    answers = []
    for code in codes:
        found = best.get(code)
        if found is None and code in only_at:
            first = only_at[code][0]
            answers.append(
                Requirement(
                    code,
                    line_of_business,
                    place,
                    required=True,
                    description=first.description,
                    documentation=first.documentation,
                    auto_approve=first.auto_approve,
                    rule_place_of_service=", ".join(r.place_of_service for r in only_at[code]),
                )
            )
        elif found is None:
            answers.append(Requirement(code, line_of_business, place, required=False))
        else:
            answers.append(
                Requirement(
                    code,
                    line_of_business,
                    place,
                    required=found.required,
                    description=found.description,
                    documentation=found.documentation if found.required else "",
                    auto_approve=found.auto_approve and found.required,
                    rule_place_of_service=found.place_of_service,
                )
            )
    return answers


def rules_requiring_authorization(
    *, plan: Plan, line_of_business: str = ""
) -> QuerySet[AuthorizationRule]:
    """The items and services the plan requires authorization for (CMS-0057-F's list)."""
    rules = AuthorizationRule.objects.filter(plan=plan, required=True)
    if line_of_business:
        rules = rules.filter(line_of_business=line_of_business)
    return rules.order_by("line_of_business", "procedure_code", "place_of_service")


# -- payer staff keep the rules ---------------------------------------------------------------


@dataclass(frozen=True)
class RuleData:
    line_of_business: str
    procedure_code: str
    place_of_service: str
    required: bool
    description: str
    documentation: str
    auto_approve: bool


def _checked(plan: Plan, data: RuleData, *, exclude_pk: int | None) -> RuleData:
    checked = RuleData(
        line_of_business=normalize_line(data.line_of_business),
        procedure_code=normalize_code(data.procedure_code),
        place_of_service=normalize_place(data.place_of_service),
        required=data.required,
        description=data.description.strip()[:200],
        documentation=data.documentation.strip(),
        auto_approve=data.auto_approve and data.required,
    )
    if not checked.description:
        raise RuleInputError("description", "Say what the service is, as offices know it.")
    clash = AuthorizationRule.objects.filter(
        plan=plan,
        line_of_business=checked.line_of_business,
        procedure_code=checked.procedure_code,
        place_of_service=checked.place_of_service,
    )
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise RuleInputError(
            "procedure_code",
            "This plan already has a rule for this code, line of business and place of "
            "service; edit that one.",
        )
    return checked


def _rule_detail(rule: AuthorizationRule) -> dict[str, object]:
    return {
        "line_of_business": rule.line_of_business,
        "procedure_code": rule.procedure_code,
        "place_of_service": rule.place_of_service,
        "required": rule.required,
        "auto_approve": rule.auto_approve,
    }


def authorization_rule_create(*, plan: Plan, actor: User, data: RuleData) -> AuthorizationRule:
    """A new rule for ``plan``; raises :class:`RuleInputError` on bad or duplicate input."""
    checked = _checked(plan, data, exclude_pk=None)
    with transaction.atomic():
        rule = AuthorizationRule.objects.create(plan=plan, **checked.__dict__)
        audit_record(
            action="authorizations.rule_created", actor=actor, obj=rule, detail=_rule_detail(rule)
        )
    return rule


def authorization_rule_update(
    *, rule: AuthorizationRule, actor: User, data: RuleData
) -> AuthorizationRule:
    checked = _checked(rule.plan, data, exclude_pk=rule.pk)
    with transaction.atomic():
        before = _rule_detail(rule)
        for name, value in checked.__dict__.items():
            setattr(rule, name, value)
        rule.save(update_fields=list(checked.__dict__))
        audit_record(
            action="authorizations.rule_updated",
            actor=actor,
            obj=rule,
            detail={"before": before, "after": _rule_detail(rule)},
        )
    return rule


def authorization_rule_delete(*, rule: AuthorizationRule, actor: User) -> None:
    with transaction.atomic():
        audit_record(
            action="authorizations.rule_deleted", actor=actor, obj=rule, detail=_rule_detail(rule)
        )
        rule.delete()
