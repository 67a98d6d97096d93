from __future__ import annotations

from django.contrib import admin

from healtheos.directory.models import (
    Location,
    NetworkParticipation,
    Provider,
    ProviderOrganization,
)


class LocationInline(admin.TabularInline[Location, ProviderOrganization]):
    model = Location
    extra = 0


class ParticipationInline(admin.TabularInline[NetworkParticipation, ProviderOrganization]):
    model = NetworkParticipation
    extra = 0


@admin.register(ProviderOrganization)
class ProviderOrganizationAdmin(admin.ModelAdmin[ProviderOrganization]):
    list_display = ["legal_name", "tin", "npi"]
    search_fields = ["legal_name", "tin", "npi"]
    inlines = [LocationInline, ParticipationInline]


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin[Provider]):
    list_display = [
        "npi",
        "entity_type",
        "last_name",
        "first_name",
        "organization_name",
        "specialty",
    ]
    list_filter = ["entity_type", "specialty"]
    search_fields = ["npi", "last_name", "organization_name"]
    filter_horizontal = ["organizations"]
