"""The migration chain builds exactly the tables store/schema.py describes, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from lionrock.store.engine import make_engine
from lionrock.store.migrate import MIGRATIONS, upgrade
from lionrock.store.schema import metadata


def _differences(database_url: str) -> list[Any]:
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def test_alembic_upgrade_head_matches_the_schema_metadata(database_url: str) -> None:
    assert _differences(database_url) == []


def test_upgrade_is_idempotent_and_creates_every_table(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        upgrade(engine)
        assert set(metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_baseline_migration_never_reads_the_live_schema_module() -> None:
    """A baseline built from schema.py would grow every later column into fresh databases, and the
    migration adding that column would then fail on them."""
    source = (MIGRATIONS / "versions" / "0001_baseline.py").read_text()
    assert "lionrock" not in source.split('"""', 2)[2]
    assert "create_all" not in source and "metadata" not in source


def test_every_migration_is_explicit_and_chained() -> None:
    versions = sorted(Path(MIGRATIONS / "versions").glob("0*.py"))
    assert [v.name[:4] for v in versions] == [f"{i:04d}" for i in range(1, len(versions) + 1)]
    for v in versions:
        assert "create_all" not in v.read_text()
