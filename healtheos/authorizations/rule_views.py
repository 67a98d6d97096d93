"""Pages and API for "is authorization required?", and the payer's rule editor.

The lookup carries no health information (a plan, a line of business, procedure codes and a
place of service), so it is a GET form whose answer can be bookmarked and linked to from the
eligibility result and the claim form.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from healtheos.accounts.models import PayerRole
from healtheos.accounts.permissions import payer_role_required, signed_in_user
from healtheos.apiclients.auth import require_bearer, unknown_parameters
from healtheos.authorizations.models import AuthorizationRule
from healtheos.authorizations.rules import (
    Requirement,
    RuleData,
    RuleInputError,
    authorization_rule_create,
    authorization_rule_delete,
    authorization_rule_update,
    normalize_code,
    normalize_line,
    normalize_place,
    requirements_for,
)
from healtheos.claims.claim_form import PLACES_OF_SERVICE
from healtheos.core.forms import UswdsFormMixin
from healtheos.offices.permissions import acting_membership, office_function_required
from healtheos.offices.roles import Function
from healtheos.plans.models import LineOfBusiness, Plan

MAX_CODES = 10


class LookupForm(UswdsFormMixin, forms.Form):
    line_of_business = forms.ChoiceField(
        label="Line of business", choices=[("", "- Select -"), *LineOfBusiness.choices]
    )
    procedure_codes = forms.CharField(
        label="Procedure codes (CPT/HCPCS)",
        max_length=80,
        help_text="Up to 10 codes separated by spaces or commas, e.g. 70551 97110.",
    )
    place_of_service = forms.ChoiceField(
        label="Place of service",
        required=False,
        choices=[("", "Any place"), *PLACES_OF_SERVICE],
    )

    def clean_procedure_codes(self) -> list[str]:
        raw = [c for c in re.split(r"[\s,;]+", self.cleaned_data["procedure_codes"]) if c]
        if not raw:
            raise forms.ValidationError("Enter at least one procedure code.")
        if len(raw) > MAX_CODES:
            raise forms.ValidationError("Ask about at most 10 codes at a time.")
        codes: list[str] = []
        for value in raw:
            try:
                code = normalize_code(value)
            except RuleInputError:
                raise forms.ValidationError(
                    f"{value[:10]} is not a CPT or HCPCS code (five characters, e.g. 70551)."
                ) from None
            if code not in codes:
                codes.append(code)
        return codes


@office_function_required(Function.ELIGIBILITY)
@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """The office's question, answered from its plan's rules."""
    plan = acting_membership(request).office.plan
    asked = "procedure_codes" in request.GET
    form = LookupForm(request.GET if asked else None)
    answers: list[Requirement] = []
    if asked and form.is_valid():
        answers = requirements_for(
            plan=plan,
            line_of_business=form.cleaned_data["line_of_business"],
            codes=form.cleaned_data["procedure_codes"],
            place=form.cleaned_data["place_of_service"],
        )
    elif not asked and request.GET.get("line_of_business") in LineOfBusiness.values:
        # Linked from an eligibility result: the patient's line of business, preselected.
        form = LookupForm(initial={"line_of_business": request.GET["line_of_business"]})
    return render(
        request,
        "authorizations/lookup.html",
        {"form": form, "answers": answers, "plan": plan, "asked": asked},
        status=400 if form.errors else 200,
    )


def requirement_json(answer: Requirement) -> dict[str, Any]:
    return {
        "procedure_code": answer.procedure_code,
        "line_of_business": answer.line_of_business,
        "place_of_service": answer.place_of_service or None,
        "authorization_required": answer.required,
        "service": answer.description or None,
        "documentation_required": answer.documentation or None,
        "auto_approved": answer.auto_approve,
        "rule_place_of_service": answer.rule_place_of_service or None,
    }


@require_GET
@require_bearer("authorizations")
def api_requirements(request: HttpRequest) -> JsonResponse:
    """``GET /api/v1/authorizations/requirements?line_of_business=…&procedure_code=…``
    (``procedure_code`` repeatable, ``place_of_service`` optional)."""
    office = request.acting_office  # type: ignore[attr-defined]
    refused = unknown_parameters(
        request, frozenset({"line_of_business", "procedure_code", "place_of_service"})
    )
    if refused is not None:
        return refused
    codes = request.GET.getlist("procedure_code")
    errors: dict[str, list[str]] = {}
    normalized: list[str] = []
    line = place = ""
    try:
        line = normalize_line(request.GET.get("line_of_business", ""))
    except RuleInputError as error:
        errors["line_of_business"] = [error.message]
    try:
        place = normalize_place(request.GET.get("place_of_service", ""))
    except RuleInputError as error:
        errors["place_of_service"] = [error.message]
    if not codes or len(codes) > MAX_CODES:
        errors["procedure_code"] = ["Give between 1 and 10 procedure_code parameters."]
    for code in codes[:MAX_CODES]:
        try:
            value = normalize_code(code)
        except RuleInputError as error:
            errors.setdefault("procedure_code", []).append(f"{code[:10]}: {error.message}")
        else:
            if value not in normalized:
                normalized.append(value)
    if errors:
        return JsonResponse(
            {
                "type": "about:blank",
                "title": "Bad Request",
                "status": 400,
                "detail": "Some parameters are not valid; see errors.",
                "errors": errors,
            },
            status=400,
            content_type="application/problem+json",
        )
    answers = requirements_for(
        plan=office.plan, line_of_business=line, codes=normalized, place=place
    )
    return JsonResponse(
        {"plan": office.plan.code, "requirements": [requirement_json(a) for a in answers]}
    )


# -- the plan's rule editor --------------------------------------------------------------------

RULE_EDITORS = (PayerRole.UM_REVIEWER,)


class RuleForm(UswdsFormMixin, forms.Form):
    line_of_business = forms.ChoiceField(label="Line of business", choices=LineOfBusiness.choices)
    procedure_code = forms.CharField(label="Procedure code (CPT/HCPCS)", max_length=5)
    place_of_service = forms.ChoiceField(
        label="Place of service",
        required=False,
        choices=[("", "Any place"), *PLACES_OF_SERVICE],
        help_text="A rule for one place of service wins over the rule for any place.",
    )
    description = forms.CharField(label="Service, as offices know it", max_length=200)
    required = forms.BooleanField(label="Authorization required", required=False, initial=True)
    documentation = forms.CharField(
        label="Documentation the plan requires",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    auto_approve = forms.BooleanField(
        label="Approve on submission without review (recorded as an automatic decision)",
        required=False,
    )

    def rule_data(self) -> RuleData:
        data = self.cleaned_data
        return RuleData(
            line_of_business=data["line_of_business"],
            procedure_code=data["procedure_code"],
            place_of_service=data["place_of_service"],
            required=data["required"],
            description=data["description"],
            documentation=data["documentation"],
            auto_approve=data["auto_approve"],
        )


def _staff_plan(request: HttpRequest) -> Plan:
    plan = signed_in_user(request).plan
    if plan is None:
        raise Http404("no plan")
    return plan


def _rule(request: HttpRequest, rule_id: int) -> AuthorizationRule:
    rule = AuthorizationRule.objects.filter(plan=_staff_plan(request), pk=rule_id).first()
    if rule is None:
        raise Http404("no such rule")
    return rule


@payer_role_required(*RULE_EDITORS)
@require_http_methods(["GET", "POST"])
def payer_rules(request: HttpRequest) -> HttpResponse:
    plan = _staff_plan(request)
    form = RuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rule = authorization_rule_create(
                plan=plan, actor=signed_in_user(request), data=form.rule_data()
            )
        except RuleInputError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, f"Rule for {rule.procedure_code} added.")
            return HttpResponseRedirect(reverse("pa_rules:payer_rules"))
    line = request.GET.get("line_of_business", "")
    code = request.GET.get("code", "").strip().upper()[:5]
    rules = AuthorizationRule.objects.filter(plan=plan)
    if line in LineOfBusiness.values:
        rules = rules.filter(line_of_business=line)
    if code:
        rules = rules.filter(procedure_code=code)
    return render(
        request,
        "authorizations/payer_rules.html",
        {
            "plan": plan,
            "rules": rules.order_by("line_of_business", "procedure_code", "place_of_service"),
            "form": form,
            "line": line,
            "code": code,
            "lines": LineOfBusiness.choices,
        },
        status=400 if form.errors else 200,
    )


@payer_role_required(*RULE_EDITORS)
@require_http_methods(["GET", "POST"])
def payer_rule_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = _rule(request, rule_id)
    initial = {
        name: getattr(rule, name)
        for name in (
            "line_of_business",
            "procedure_code",
            "place_of_service",
            "description",
            "required",
            "documentation",
            "auto_approve",
        )
    }
    form = RuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            authorization_rule_update(
                rule=rule, actor=signed_in_user(request), data=form.rule_data()
            )
        except RuleInputError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, f"Rule for {rule.procedure_code} saved.")
            return HttpResponseRedirect(reverse("pa_rules:payer_rules"))
    return render(
        request,
        "authorizations/payer_rule_edit.html",
        {"rule": rule, "form": form},
        status=400 if form.errors else 200,
    )


@payer_role_required(*RULE_EDITORS)
@require_POST
def payer_rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = _rule(request, rule_id)
    code = rule.procedure_code
    authorization_rule_delete(rule=rule, actor=signed_in_user(request))
    messages.success(request, f"Rule for {code} removed.")
    return HttpResponseRedirect(reverse("pa_rules:payer_rules"))
