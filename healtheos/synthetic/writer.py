"""Fast bulk writing of generated rows: COPY on PostgreSQL, executemany on SQLite.

Rows carry their own primary keys (assigned by the generator), so related rows can point
at each other without reading anything back from the database. After loading, PostgreSQL's
sequences are moved past the largest key.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Model


class TableWriter:
    def __init__(self, model: type[Model], columns: Sequence[str], *, batch: int = 5000) -> None:
        self.model = model
        self.columns = list(columns)
        self.table = model._meta.db_table
        self.batch = batch
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0
        self.postgres = connection.vendor == "postgresql"
        fields = {f.column: f for f in model._meta.concrete_fields}
        fields.update({f.attname: f for f in model._meta.concrete_fields})
        self._json = [fields[c].get_internal_type() == "JSONField" for c in self.columns]

    def add(self, *values: Any) -> None:
        self.rows.append(values)
        if len(self.rows) >= self.batch:
            self.flush()

    def _prepare(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        prepared = []
        for value, is_json in zip(row, self._json, strict=True):
            if is_json:
                value = json.dumps(value)
            elif not self.postgres:
                if isinstance(value, dt.datetime):
                    value = value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
                elif isinstance(value, dt.date):
                    value = value.isoformat()
                elif isinstance(value, Decimal):
                    value = str(value)
            prepared.append(value)
        return tuple(prepared)

    def flush(self) -> None:
        if not self.rows:
            return
        rows = [self._prepare(row) for row in self.rows]
        quoted = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor:
            if self.postgres:
                raw = cursor.cursor  # the psycopg cursor under Django's wrapper
                with raw.copy(f"COPY {self.table} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(
                    f"INSERT INTO {self.table} ({quoted}) VALUES ({marks})",  # noqa: S608
                    rows,
                )
        self.written += len(rows)
        self.rows.clear()


def reset_sequences(models: Sequence[type[Model]]) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            pk = model._meta.pk.column
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), "  # noqa: S608
                f"COALESCE((SELECT MAX({pk}) FROM {table}), 0) + 1, false)",
                [table, pk],
            )
