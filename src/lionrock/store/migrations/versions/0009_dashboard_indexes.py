"""Indicators by the main observable type of their pattern, for the dashboard: an index on the
expression store/schema.py calls PATTERN_OBJECT_TYPE (instr in SQLite, strpos in PostgreSQL).

Revision ID: 0009_dashboard_indexes
Revises: 0008_user_language
"""

from alembic import op

revision = "0009_dashboard_indexes"
down_revision = "0008_user_language"
branch_labels = None
depends_on = None


def _expression(position: str) -> str:
    """store/schema.py pattern_object_type_sql, as it was when this migration was written."""
    start = f"""{position}(body, '"pattern":"')"""
    head = f"ltrim(substr(body, {start} + 11, 120), '[( ')"
    colon = f"{position}({head}, ':')"
    return f"\nCASE\n    WHEN {start} > 0 AND {colon} > 1 THEN substr({head}, 1, {colon} - 1)\n    ELSE ''\nEND"


def upgrade() -> None:
    position = "strpos" if op.get_bind().dialect.name == "postgresql" else "instr"
    op.execute(
        f"CREATE INDEX ix_objects_indicator_kind ON objects (({_expression(position)}), stix_id) "
        "WHERE stix_type = 'indicator'"
    )


def downgrade() -> None:
    op.drop_index("ix_objects_indicator_kind", table_name="objects")
