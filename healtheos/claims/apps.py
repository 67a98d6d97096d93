from __future__ import annotations

from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "healtheos.claims"
    label = "claims"
    verbose_name = "Claims"

    def ready(self) -> None:
        from healtheos.claims.submission import RESUMER
        from healtheos.claims.x12 import handle_276
        from healtheos.core import recovery
        from healtheos.edi.handlers import Registration, register

        recovery.register(RESUMER)

        register(
            "276",
            Registration(
                scope="claims.read",
                handler=handle_276,
                request_payload_type="X12_276_Request_005010X212",
                response_payload_type="X12_277_Response_005010X212",
            ),
        )
