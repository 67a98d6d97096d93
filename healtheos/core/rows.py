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

from django.conf import settings
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
    return _run(sql, params, returns=True)


def execute(sql: str, params: Sequence[Any]) -> None:
    _run(sql, params, returns=False)


def _run(sql: str, params: Sequence[Any], *, returns: bool) -> list[tuple[Any, ...]]:
    """Run one statement. On PostgreSQL it is a prepared statement of this connection
    (planning these small indexed queries took ten times longer than running them);
    elsewhere, or with ``HEALTHEOS_DB_PREPARED_STATEMENTS=false`` (connection poolers in
    transaction mode), an ordinary Django cursor."""
    if connection.vendor == "postgresql" and settings.DB_PREPARED_STATEMENTS:
        import psycopg

        connection.ensure_connection()
        with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
            cursor.execute(sql, params, prepare=True)
            return cursor.fetchall() if returns else []
    with connection.cursor() as django_cursor:
        django_cursor.execute(sql, params)
        found: list[tuple[Any, ...]] = django_cursor.fetchall() if returns else []
        return found


def decimal(value: Any) -> Decimal:
    """SQLite hands back decimals as numbers; PostgreSQL as Decimal."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


_INSERTS: dict[tuple[str, type[Model]], tuple[str, list[Any]]] = {}


def log_commit() -> None:
    """Call first in a transaction that only records what was read or answered (the
    real-time exchange log, the inquiry log and the audit event of a view): on
    PostgreSQL its commit does not wait for the write-ahead log to reach the disk. A crash
    of the database server can lose the last fraction of a second of such records, whole
    transactions at a time (an event and its chain head together, so the audit chain
    still verifies); it never loses or reorders anything a person submitted, whose
    transactions keep the server's setting (ADR 0009)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


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
    # Every supported database returns the new key (SQLite 3.35 and later).
    instance.pk = fetch(sql, params)[0][0]
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
    sql = f"UPDATE {model._meta.db_table} SET {assignments} WHERE id = %s"  # noqa: S608 (names from the models; values bound)
    execute(sql, [*params, instance.pk])
