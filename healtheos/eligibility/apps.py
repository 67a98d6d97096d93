from __future__ import annotations

from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    name = "healtheos.eligibility"
    label = "eligibility"
    verbose_name = "Eligibility and benefits"

    def ready(self) -> None:
        from healtheos.core import recovery
        from healtheos.edi.handlers import Registration, register
        from healtheos.eligibility.batch import RESUMER
        from healtheos.eligibility.x12 import handle_270

        recovery.register(RESUMER)

        register(
            "270",
            Registration(
                scope="eligibility",
                handler=handle_270,
                request_payload_type="X12_270_Request_005010X279A1",
                response_payload_type="X12_271_Response_005010X279A1",
            ),
        )
