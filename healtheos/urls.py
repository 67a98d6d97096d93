from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from healtheos.core import views as core_views

admin.site.site_header = "Healtheos payer console"
admin.site.site_title = "Healtheos payer console"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("accounts/", include("allauth.urls")),
    path("payer/admin/", admin.site.urls),
    path("", include("healtheos.portal.urls")),
]
