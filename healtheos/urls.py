from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from healtheos.accounts import sessions
from healtheos.core import views as core_views

admin.site.site_header = "Healtheos payer console"
admin.site.site_title = "Healtheos payer console"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("accounts/session/ping/", sessions.ping, name="session_ping"),
    path("accounts/session/extend/", sessions.extend, name="session_extend"),
    path("accounts/session/draft/", sessions.save_draft, name="session_draft"),
    path("accounts/", include("allauth.urls")),
    path("payer/admin/", admin.site.urls),
    path("", include("healtheos.portal.urls")),
]
