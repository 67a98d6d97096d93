"""Model instances from hand-written SQL, for the few hot paths where compiling an ORM query
costs more than running it (real-time eligibility answers in well under a millisecond of
database time; the ORM spent several times that building the SQL).

The SQL stays portable (SQLite and PostgreSQL); table and column names come from the
models, so a renamed field fails loudly here rather than silently elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Model

M = TypeVar("M", bound=Model)


def select_list(model: type[Model], alias: str) -> str:
    """Every concrete column of ``model`` under ``alias``, in field order (what
    :func:`build` expects)."""
    return ", ".join(f"{alias}.{field.column}" for field in model._meta.concrete_fields)


def width(model: type[Model]) -> int:
    return len(model._meta.concrete_fields)


def build(model: type[M], values: Sequence[Any]) -> M:
    """An instance as the ORM would load it, from a row of :func:`select_list` columns."""
    return model.from_db(DEFAULT_DB_ALIAS, None, list(values))  # type: ignore[arg-type]


def placeholders(values: Iterable[object]) -> str:
    return ", ".join("%s" for _ in values)


def fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found: list[tuple[Any, ...]] = cursor.fetchall()
        return found


def decimal(value: Any) -> Decimal:
    """SQLite hands back decimals as numbers; PostgreSQL as Decimal."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


_INSERTS: dict[tuple[str, type[Model]], tuple[str, list[Any]]] = {}


def insert(instance: M) -> M:
    """Store a new instance with one written-out INSERT (no signals, no ``save()``
    override: only for append-only log rows on hot paths). Values are adapted by the
    fields, as ``save()`` would; the new key is set on the instance."""
    model = type(instance)
    key = (connection.vendor, model)
    cached = _INSERTS.get(key)
    if cached is None:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        returning = " RETURNING id" if connection.features.can_return_columns_from_insert else ""
        sql = (
            f"INSERT INTO {model._meta.db_table} ({', '.join(f.column for f in fields)}) "  # noqa: S608 (names from the models; values bound)
            f"VALUES ({placeholders(fields)}){returning}"
        )
        cached = (sql, fields)
        _INSERTS[key] = cached
    sql, fields = cached
    params = [f.get_db_prep_save(getattr(instance, f.attname), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if connection.features.can_return_columns_from_insert:
            row = cursor.fetchone()
            instance.pk = row[0]
        else:  # pragma: no cover (every supported database returns columns)
            instance.pk = cursor.lastrowid
    instance._state.adding = False
    instance._state.db = DEFAULT_DB_ALIAS
    return instance


def update(instance: Model, fields: Sequence[str]) -> None:
    """Write ``fields`` of a stored instance with one written-out UPDATE."""
    model = type(instance)
    chosen = [model._meta.get_field(name) for name in fields]
    assignments = ", ".join(f"{f.column} = %s" for f in chosen)  # type: ignore[union-attr]
    params = [
        f.get_db_prep_save(getattr(instance, f.attname), connection)  # type: ignore[union-attr]
        for f in chosen
    ]
    with connection.cursor() as cursor:
        sql = f"UPDATE {model._meta.db_table} SET {assignments} WHERE id = %s"  # noqa: S608 (names from the models; values bound)
        cursor.execute(sql, [*params, instance.pk])
