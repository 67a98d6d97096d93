from __future__ import annotations

from django.apps import AppConfig


class ApiClientsConfig(AppConfig):
    name = "healtheos.apiclients"
    label = "apiclients"
    verbose_name = "API clients"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from healtheos.apiclients.models import AccessToken, ApiClient
        from healtheos.offices.models import Office

        # A revoked client, a suspended office or a deleted token stops working in this
        # process at once; other processes see it within API_TOKEN_CACHE_SECONDS.
        for model in (ApiClient, Office, AccessToken):
            post_save.connect(_forget_tokens, sender=model, dispatch_uid=f"tokens-{model}")
            post_delete.connect(_forget_tokens, sender=model, dispatch_uid=f"tokens-d-{model}")


def _forget_tokens(**kwargs: object) -> None:
    from healtheos.apiclients.services import token_cache_clear

    token_cache_clear()
