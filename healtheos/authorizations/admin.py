from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from healtheos.authorizations.models import (
    AuthorizationEvent,
    AuthorizationRule,
    AuthorizationService,
    PriorAuthorization,
    Referral,
)


class ServiceInline(admin.TabularInline[AuthorizationService, PriorAuthorization]):
    model = AuthorizationService
    extra = 0


class EventInline(admin.TabularInline[AuthorizationEvent, PriorAuthorization]):
    model = AuthorizationEvent
    extra = 0
    raw_id_fields = ["actor"]


@admin.register(PriorAuthorization)
class PriorAuthorizationAdmin(admin.ModelAdmin[PriorAuthorization]):
    list_display = ["tracking_number", "plan", "status", "urgency", "submitted_at", "due_at"]
    list_filter = ["plan", "status", "urgency", "line_of_business"]
    search_fields = ["=tracking_number", "=authorization_number"]
    raw_id_fields = [
        "member",
        "requesting_organization",
        "requesting_provider",
        "servicing_provider",
        "reviewer",
    ]
    inlines = [ServiceInline, EventInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PriorAuthorization]:
        return super().get_queryset(request).payer_wide()  # type: ignore[attr-defined, no-any-return]


@admin.register(AuthorizationRule)
class AuthorizationRuleAdmin(admin.ModelAdmin[AuthorizationRule]):
    list_display = [
        "plan",
        "line_of_business",
        "procedure_code",
        "place_of_service",
        "required",
        "auto_approve",
    ]
    list_filter = ["plan", "line_of_business", "required"]
    search_fields = ["procedure_code", "description"]


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin[Referral]):
    list_display = ["referral_number", "plan", "status", "visits", "valid_from", "valid_to"]
    list_filter = ["plan", "status"]
    raw_id_fields = [
        "member",
        "referring_organization",
        "referring_provider",
        "servicing_organization",
        "servicing_provider",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Referral]:
        return super().get_queryset(request).payer_wide()  # type: ignore[attr-defined, no-any-return]
