from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.utils.http import url_has_allowed_host_and_scheme

from healtheos.accounts import member_views, recovery_views, sessions, support_views
from healtheos.apiclients import openapi
from healtheos.apiclients import views as apiclient_views
from healtheos.authorizations import api as authorization_api
from healtheos.claims import review_views, submission_views
from healtheos.core import views as core_views
from healtheos.edi import views as edi_views
from healtheos.eligibility import api as eligibility_api
from healtheos.offices import registration_views
from healtheos.offices import views as offices_views
from healtheos.payments import api as payments_api

admin.site.site_header = "Healtheos payer console"


def _admin_login(
    request: HttpRequest, extra_context: dict[str, object] | None = None
) -> HttpResponse:
    """The payer console signs in through the portal's sign-in, second factor included;
    Django admin's own password-only form is never offered."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        # Passed on to the sign-in page, another site's address would only wait there.
        target = "/payer/admin/"
    return redirect_to_login(target, login_url="/accounts/login/")


admin.site.login = _admin_login  # type: ignore[method-assign]
admin.site.site_title = "Healtheos payer console"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("accounts/session/ping/", sessions.ping, name="session_ping"),
    path("accounts/session/extend/", sessions.extend, name="session_extend"),
    path("accounts/session/draft/", sessions.save_draft, name="session_draft"),
    path("accounts/username/", recovery_views.forgot_username, name="forgot_username"),
    path("accounts/sessions/", recovery_views.my_sessions, name="my_sessions"),
    path(
        "accounts/sessions/end-all/", recovery_views.sign_out_everywhere, name="sign_out_everywhere"
    ),
    path(
        "accounts/devices/<int:device_id>/revoke/",
        recovery_views.device_revoke_own,
        name="device_revoke",
    ),
    path(
        "accounts/devices/revoke-all/", recovery_views.devices_revoke_own, name="devices_revoke_all"
    ),
    path("accounts/", include("allauth.urls")),
    path("member/login/", member_views.MemberLoginView.as_view(), name="member_login"),
    path("member/", member_views.member_home, name="member_home"),
    path("payer/support/sign-in/", support_views.sign_in_support, name="support_search"),
    path(
        "payer/support/sign-in/<int:user_id>/",
        support_views.sign_in_support_user,
        name="support_user",
    ),
    path(
        "payer/support/sign-in/<int:user_id>/unlock/",
        support_views.sign_in_support_unlock,
        name="support_unlock",
    ),
    path(
        "payer/support/sign-in/<int:user_id>/revoke-devices/",
        support_views.sign_in_support_revoke_devices,
        name="support_revoke_devices",
    ),
    path("register/", registration_views.register, name="register"),
    path(
        "register/submitted/",
        registration_views.registration_submitted,
        name="registration_submitted",
    ),
    path("payer/registrations/", registration_views.registration_queue, name="registration_queue"),
    path(
        "payer/registrations/<int:registration_id>/",
        registration_views.registration_detail,
        name="registration_detail",
    ),
    path(
        "payer/registrations/<int:registration_id>/decide/",
        registration_views.registration_decide,
        name="registration_decide",
    ),
    path("payer/claims/pended/", review_views.pended_claims, name="pended_claims"),
    path(
        "payer/claims/pended/<str:claim_number>/",
        review_views.pended_claim_decide,
        name="pended_claim_decide",
    ),
    path("payer/admin/", admin.site.urls),
    # Prior-authorization rules, metrics and referrals (before any authorizations/ include).
    path("", include("healtheos.authorizations.rule_urls")),
    path("", include("healtheos.authorizations.metrics_urls")),
    path("referrals/", include("healtheos.authorizations.referral_urls")),
    path("office/api-clients/", include("healtheos.apiclients.urls")),
    path("office/", include("healtheos.offices.urls")),
    path("eligibility/", include("healtheos.eligibility.urls")),
    path("claims/", include("healtheos.claims.urls")),
    path("payments/", include("healtheos.payments.urls")),
    path("messages/", include("healtheos.messaging.urls")),
    path("authorizations/", include("healtheos.authorizations.urls")),
    path("payer/authorizations/", include("healtheos.authorizations.review_urls")),
    path("oauth/token", apiclient_views.token, name="oauth_token"),
    path("x12/v1/realtime", edi_views.realtime, name="x12_realtime"),
    path("fhir/r4/", include("healtheos.fhirapi.urls")),
    path("api/v1/openapi.json", openapi.openapi_json, name="api_openapi"),
    path("api/v1/whoami", apiclient_views.whoami, name="api_whoami"),
    path("api/v1/eligibility", eligibility_api.eligibility, name="api_eligibility"),
    path("api/v1/claims/submissions", submission_views.api_submit, name="api_claim_submit"),
    path(
        "api/v1/claims/submissions/<int:submission_id>",
        submission_views.api_submission,
        name="api_claim_submission",
    ),
    path(
        "api/v1/claims/submissions/<int:submission_id>/<str:which>",
        submission_views.api_submission_ack,
        name="api_claim_submission_ack",
    ),
    path("api/v1/authorizations", authorization_api.submit, name="api_authorization_submit"),
    path(
        "api/v1/authorizations/<str:tracking_number>",
        authorization_api.status,
        name="api_authorization",
    ),
    path("api/v1/remittances", payments_api.remittances, name="api_remittances"),
    path("api/v1/remittances/<int:payment_id>", payments_api.remittance, name="api_remittance"),
    path(
        "api/v1/remittances/<int:payment_id>/835",
        payments_api.remittance_835,
        name="api_remittance_835",
    ),
    path("invitations/<str:token>/", offices_views.accept_invitation, name="invitation"),
    path("", include("healtheos.portal.urls")),
]

handler404 = core_views.page_not_found
handler500 = core_views.server_error
