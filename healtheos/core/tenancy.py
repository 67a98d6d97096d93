"""Office scoping: the safety net under the selectors.

Office data (claims, authorizations, payments, message threads, …) may only be read through
a queryset that says whose data it is: ``.for_office(office)`` for an office user, or
``.payer_wide()`` for the plan's own staff and for batch jobs. An unscoped query raises
:class:`UnscopedQueryError` when it is evaluated, so a forgotten filter fails loudly instead
of showing one office another office's claims. Child rows (claim lines, messages) are reached
through their scoped parent and need no guard of their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from healtheos.offices.models import Office

_M = TypeVar("_M", bound=models.Model)


class UnscopedQueryError(RuntimeError):
    """Office data was queried without naming the office (or saying it is payer-wide)."""


class OfficeScopedQuerySet(models.QuerySet[_M]):
    """Subclasses say what "belongs to this office" means in :meth:`office_q`."""

    _scope: str | None = None

    def office_q(self, office: Office) -> models.Q:
        raise NotImplementedError(f"{type(self).__name__} must define office_q()")

    def for_office(self, office: Office) -> Self:
        queryset = self.filter(self.office_q(office))
        queryset._scope = "office"
        return queryset

    def payer_wide(self) -> Self:
        queryset = self.all()
        queryset._scope = "payer"
        return queryset

    # Django copies querysets on every chained call; the scope has to travel with them.
    def _clone(self) -> Self:
        clone = super()._clone()  # type: ignore[misc]
        clone._scope = self._scope
        return clone  # type: ignore[no-any-return]

    def _check_scope(self) -> None:
        if self._scope is None and settings.SCOPE_GUARD:
            raise UnscopedQueryError(
                f"{self.model.__name__} queried without .for_office(office) or .payer_wide()"
            )

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._check_scope()
        super()._fetch_all()

    def iterator(self, chunk_size: int | None = None) -> Iterator[_M]:
        self._check_scope()
        return super().iterator(chunk_size=chunk_size)

    def count(self) -> int:
        self._check_scope()
        return super().count()

    def exists(self) -> bool:
        self._check_scope()
        return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._check_scope()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        self._check_scope()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._check_scope()
        return super().delete()
