from __future__ import annotations

from django.apps import AppConfig


class AuthorizationsConfig(AppConfig):
    name = "healtheos.authorizations"
    label = "authorizations"
    verbose_name = "Prior authorizations and referrals"

    def ready(self) -> None:
        from healtheos.authorizations.notifications import RESUMER
        from healtheos.authorizations.x12 import handle_278
        from healtheos.core import recovery
        from healtheos.edi.handlers import Registration, register

        recovery.register(RESUMER)

        register(
            "278",
            Registration(
                scope="authorizations",
                handler=handle_278,
                request_payload_type="X12_278_Request_005010X217E1_2",
                response_payload_type="X12_278_Response_005010X217E1_2",
            ),
        )
