"""Whole-database reads and writes for backup and restore: a consistent snapshot, wiping, bulk loading.

Rows travel as JSON arrays in column order; binary columns as base64 text (the only type JSON lacks).
"""

from __future__ import annotations

import base64
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, LargeBinary, MetaData, Table, func, inspect, select, text
from sqlalchemy.exc import SAWarning

from lionrock.store.schema import metadata

VERSION_TABLE = "alembic_version"
BATCH = 1000


def begin_snapshot(conn: Connection) -> None:
    """Make the open transaction one read-only snapshot. SQLite in WAL mode: a read transaction sees
    the database as of its first read, whatever writers commit meanwhile. PostgreSQL: REPEATABLE READ."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))


def revision(conn: Connection) -> str:
    value = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar_one_or_none()
    return str(value or "")


def backup_tables() -> list[Table]:
    """Every table of the schema, parents before children (the order a restore inserts them in)."""
    return list(metadata.sorted_tables)


def count(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _order(table: Table) -> list[Any]:
    return list(table.primary_key.columns) or list(table.columns)


def encode_row(columns: Sequence[Any], row: Sequence[Any]) -> bytes:
    values = [
        base64.b64encode(v).decode() if v is not None and isinstance(c.type, LargeBinary) else v
        for c, v in zip(columns, row, strict=True)
    ]
    return orjson.dumps(values)


def decode_row(table: Table, columns: Sequence[str], values: Sequence[Any]) -> dict[str, Any]:
    if len(values) != len(columns):
        raise ValueError(f"a row of {table.name} has {len(values)} values for {len(columns)} columns")
    row = dict(zip(columns, values, strict=True))
    for c in table.columns:
        if isinstance(c.type, LargeBinary) and row.get(c.name) is not None:
            row[c.name] = base64.b64decode(row[c.name])
    return row


def stream(conn: Connection, table: Table, names: Sequence[str] | None = None) -> Iterator[bytes]:
    """The table's rows encoded, columns in `names` order (default: the table's), read BATCH at a time."""
    columns = [table.c[n] for n in names] if names is not None else list(table.columns)
    result = conn.execution_options(yield_per=BATCH).execute(select(*columns).order_by(*_order(table)))
    for row in result:
        yield encode_row(columns, row)


def reflected(engine: Engine) -> MetaData:
    meta = MetaData()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)  # expression indexes: not needed to read or drop
        meta.reflect(engine)
    return meta


def has_rows(engine: Engine) -> str | None:
    """The name of a table that holds rows (the version table aside), or None for an empty database."""
    meta = reflected(engine)
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            if table.name != VERSION_TABLE and conn.execute(select(table).limit(1)).first() is not None:
                return table.name
    return None


def wipe(engine: Engine) -> None:
    """Drop every table, the version table included, so migrations start from nothing."""
    meta = reflected(engine)
    with engine.begin() as conn:
        meta.drop_all(conn)


def load(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(table.insert(), rows)


def reset_sequences(conn: Connection, tables: Sequence[Table]) -> None:
    """PostgreSQL: rows came with their ids, so each serial's sequence must move past the largest."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        for column in table.primary_key.columns:
            seq = conn.execute(
                text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
            ).scalar_one_or_none()
            if seq:
                conn.execute(
                    text(
                        f'SELECT setval(:s, COALESCE((SELECT MAX("{column.name}") FROM "{table.name}"), 0) + 1, false)'
                    ),
                    {"s": seq},
                )


def table_named(conn: Connection, name: str) -> Table:
    """The table as the database has it now (a restore may stop at an older revision than the code's)."""
    if not inspect(conn).has_table(name):
        raise LookupError(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)
        return Table(name, MetaData(), autoload_with=conn)
