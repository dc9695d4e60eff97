"""Tables. Alembic migrations in store/migrations create exactly these."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    literal_column,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import Grouping

metadata = MetaData()

orgs = Table(
    "orgs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("kind", String(32), nullable=False),
    Column("identity_id", String(100), nullable=False, unique=True),
    Column("created", BigInteger, nullable=False),
)

groups = Table(
    "sharing_groups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("created", BigInteger, nullable=False),
)

group_members = Table(
    "group_members",
    metadata,
    Column("group_id", Integer, ForeignKey("sharing_groups.id", ondelete="CASCADE"), primary_key=True),
    Column("org_id", Integer, ForeignKey("orgs.id", ondelete="CASCADE"), primary_key=True),
)

tokens = Table(
    "tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("org_id", Integer, ForeignKey("orgs.id", ondelete="CASCADE"), nullable=False),
    Column("role", String(32), nullable=False),
    Column("name", String(200), nullable=False),
    Column("secret_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("created", BigInteger, nullable=False),
    Column("expires", BigInteger, nullable=True),
    Column("revoked", BigInteger, nullable=True),
    Column("last_used", BigInteger, nullable=True),
)

objects = Table(
    "objects",
    metadata,
    Column("pk", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("stix_id", String(300), nullable=False),
    Column("stix_type", String(250), nullable=False),
    Column("version", String(40), nullable=False),
    Column("spec_version", String(8), nullable=False),
    Column("date_added", BigInteger, nullable=False),
    Column("producer_org_id", Integer, ForeignKey("orgs.id"), nullable=False),
    Column("tlp", String(16), nullable=False),
    Column("community", Boolean, nullable=False),
    Column("anonymous", Boolean, nullable=False),
    Column("channel", String(32), nullable=True),
    Column("has_refs", Boolean, nullable=False),
    Column("value", String(2000), nullable=True),
    Column("search_text", Text, nullable=False),
    Column("body", Text, nullable=False),
    # False: stored under an id another organisation owns; shown to its producer only (access.policy)
    Column("owner_record", Boolean, nullable=False, server_default=true()),
    # sightings: the sighting_of_ref, whose owner may see the sighting one by one
    Column("about_ref", String(300), nullable=True),
    # sealed versions (migration 0016, docs/keys.md "Object bodies"): the envelope and its data key; `body`
    # then holds only the clear facts SQL reads (the pattern's object type, "revoked"), `value` and
    # `search_text` keyed blind indexes
    Column("sealed", LargeBinary, nullable=True),
    Column("data_key_id", Integer, nullable=True),
    UniqueConstraint("stix_id", "version", "producer_org_id", name="uq_objects_id_version_producer"),
)
Index("ix_objects_date_added", objects.c.date_added, objects.c.pk)
Index("ix_objects_type_date_added", objects.c.stix_type, objects.c.date_added)
Index("ix_objects_value", objects.c.value)
Index("ix_objects_data_key", objects.c.data_key_id)
Index(  # sightings only: a partial index costs nothing for the other rows
    "ix_objects_about_ref",
    objects.c.about_ref,
    sqlite_where=objects.c.about_ref.isnot(None),
    postgresql_where=objects.c.about_ref.isnot(None),
)


def pattern_object_type_sql(position: str) -> str:
    """The expression as SQL text, `position` being instr (SQLite) or strpos (PostgreSQL). Written
    as PostgreSQL prints an indexed expression back (line breaks included), so that the schema test
    finds the migration's index equal to this one; SQLite compares expressions by their parse."""
    start = f"""{position}(body, '"pattern":"')"""
    head = f"ltrim(substr(body, {start} + 11, 120), '[( ')"
    colon = f"{position}({head}, ':')"
    return f"\nCASE\n    WHEN {start} > 0 AND {colon} > 1 THEN substr({head}, 1, {colon} - 1)\n    ELSE ''\nEND"


class _PatternObjectType(ColumnElement[str]):
    type = String()
    inherit_cache = True


@compiles(_PatternObjectType)
def _with_instr(element: _PatternObjectType, compiler: Any, **kw: Any) -> str:
    return pattern_object_type_sql("instr")


@compiles(_PatternObjectType, "postgresql")
def _with_strpos(element: _PatternObjectType, compiler: Any, **kw: Any) -> str:
    return pattern_object_type_sql("strpos")


INDICATOR: ColumnElement[str] = literal_column("'indicator'")
PATTERN_OBJECT_TYPE: ColumnElement[str] = _PatternObjectType()
"""An indicator's main observable type, in SQL: the object type of its pattern's first comparison
(stix.observable_kinds is the reference). Bodies are compact JSON with sorted keys, so the pattern is
the text after the first `"pattern":"`; leading brackets, parentheses and spaces are dropped and the
type ends at ':'. Indexed for indicators (ix_objects_indicator_kind, migration 0009), so the
dashboard counts indicators by kind from the index instead of reading every body. It names `body`
unqualified: use it only where `objects` is the one table in the FROM clause with a body column."""
Index(
    "ix_objects_indicator_kind",
    Grouping(PATTERN_OBJECT_TYPE),  # PostgreSQL wants an indexed expression in parentheses
    objects.c.stix_id,
    sqlite_where=objects.c.stix_type == INDICATOR,
    postgresql_where=objects.c.stix_type == INDICATOR,
)

# The organisation that first published an object id (SDOs, SROs, definitions). Never deleted, so an
# id cannot change hands when its owner deletes its versions.
owners = Table(
    "owners",
    metadata,
    Column("stix_id", String(300), primary_key=True),
    Column("org_id", Integer, ForeignKey("orgs.id"), nullable=False),
)

audience = Table(
    "audience",
    metadata,
    Column(
        "object_pk",
        BigInteger().with_variant(Integer, "sqlite"),
        ForeignKey("objects.pk", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("org_id", Integer, nullable=True),
    Column("group_id", Integer, nullable=True),
)
Index("ix_audience_object", audience.c.object_pk)
Index("ix_audience_group", audience.c.group_id, audience.c.object_pk)

refs = Table(
    "refs",
    metadata,
    Column(
        "object_pk",
        BigInteger().with_variant(Integer, "sqlite"),
        ForeignKey("objects.pk", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("ref_id", String(300), nullable=False),
)
Index("ix_refs_object", refs.c.object_pk)
Index("ix_refs_ref", refs.c.ref_id)

audit = Table(
    "audit",
    metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("at", BigInteger, nullable=False),
    Column("org_id", Integer, nullable=True),
    Column("token_id", Integer, nullable=True),
    Column("action", String(64), nullable=False),
    Column("subject", String(300), nullable=True),
    Column("detail", Text, nullable=False),
    Column("anonymous", Boolean, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    # "hmac-sha256" (keyed, see store/audit.py) or "sha256" (rows from before migration 0005)
    Column("scheme", String(16), nullable=False, server_default="sha256"),
    # the web user who acted (migration 0010); NULL for tokens, the CLI and rows from before it
    Column("user_id", Integer, nullable=True),
)

taxii_status = Table(
    "taxii_status",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("org_id", Integer, nullable=False),
    Column("created", BigInteger, nullable=False),
    Column("body", Text, nullable=False),
)
Index("ix_taxii_status_created", taxii_status.c.created)

intake_jobs = Table(
    "intake_jobs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("org_id", Integer, nullable=False),
    Column("created", BigInteger, nullable=False),
    Column("status", String(16), nullable=False),
    Column("progress", Integer, nullable=False),
    Column("filename", String(300), nullable=False),
    Column("error", Text, nullable=True),
    Column("title", String(500), nullable=True),
    Column("decisions", Text, nullable=False),
    Column("published", Text, nullable=True),
    Column("result", Text, nullable=True),  # the extraction as JSON, computed once by the worker
    Column("purged", BigInteger, nullable=True),  # when result and title were deleted
    # since 0015: result and title sealed together (AES-256-GCM, docs/keys.md); the clear columns stay None
    Column("data_key_id", Integer, nullable=True),
    Column("sealed", LargeBinary, nullable=True),
)
Index("ix_intake_jobs_status", intake_jobs.c.status)
Index("ix_intake_jobs_created", intake_jobs.c.created)

# One row per (advisory, responding organisation): its acknowledgement, exposure and note.
advisory_responses = Table(
    "advisory_responses",
    metadata,
    Column("advisory_id", String(300), primary_key=True),
    Column("org_id", Integer, ForeignKey("orgs.id", ondelete="CASCADE"), primary_key=True),
    Column("acknowledged_at", BigInteger, nullable=True),
    Column("exposure", String(16), nullable=True),
    Column("note", Text, nullable=True),
    Column("updated_at", BigInteger, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("org_id", Integer, ForeignKey("orgs.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False, unique=True),
    Column("role", String(32), nullable=False),
    Column("password_hash", String(200), nullable=False),  # argon2id, never the password
    Column("disabled", BigInteger, nullable=True),  # when it was disabled
    Column("created", BigInteger, nullable=False),
    Column("language", String(16), nullable=True),  # the user's interface language; None = English
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),  # SHA-256 of the cookie value, never the value
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created", BigInteger, nullable=False),
    Column("last_seen", BigInteger, nullable=False),
    Column("csrf", String(64), nullable=False),
)
Index("ix_web_sessions_user", web_sessions.c.user_id)

# One row per fraud report: an organisation says this identifier (its STIX deterministic id and
# canonical value) was used in a scam. Notes are checked free of victims' data before they get here.
fraud_reports = Table(
    "fraud_reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("identifier_id", String(300), nullable=False),  # the SCO's deterministic STIX id
    Column("kind", String(32), nullable=False),  # lionrock.fraud.identifiers.Kind, never 'fps'
    Column("value", String(300), nullable=False),  # the canonical value
    Column("org_id", Integer, ForeignKey("orgs.id", ondelete="CASCADE"), nullable=False),
    Column("scam_type", String(40), nullable=False),
    Column("role", String(32), nullable=False),
    Column("reported", BigInteger, nullable=False),  # when the scam was reported, microseconds
    Column("amount_band", String(16), nullable=True),
    Column("confidence", Integer, nullable=False),  # 0-100
    Column("notes", Text, nullable=True),
    Column("created", BigInteger, nullable=False),
)
Index("ix_fraud_reports_identifier", fraud_reports.c.identifier_id)
Index("ix_fraud_reports_reported", fraud_reports.c.reported)  # the dashboard panel's last 30 days

# Which HK bank codes (fraud/hk_banks.py) an organisation holds: it may dispute reports of accounts there.
org_bank_codes = Table(
    "org_bank_codes",
    metadata,
    Column("org_id", Integer, ForeignKey("orgs.id", ondelete="CASCADE"), primary_key=True),
    Column("bank_code", String(3), primary_key=True),
)

# A dispute of a reported identifier by its holder (or the operator on the holder's behalf).
fraud_disputes = Table(
    "fraud_disputes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("identifier_id", String(300), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("value", String(300), nullable=False),
    Column("filed_by", Integer, ForeignKey("orgs.id", ondelete="CASCADE"), nullable=False),
    Column("filed_by_user", Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("reason", Text, nullable=False),  # checked free of victims' data (fraud/notes.py)
    Column("evidence", Text, nullable=True),  # a description or reference, never files
    Column("state", String(16), nullable=False),  # open, upheld, rejected, withdrawn
    Column("filed_at", BigInteger, nullable=False),
    Column("resolved_at", BigInteger, nullable=True),
    Column("resolved_by", Integer, ForeignKey("orgs.id", ondelete="CASCADE"), nullable=True),
    Column("resolution", Text, nullable=True),
)
Index("ix_fraud_disputes_identifier", fraud_disputes.c.identifier_id)
# One open dispute per identifier, whatever two requests race to do (the use case checks first).
Index(
    "ux_fraud_disputes_open",
    fraud_disputes.c.identifier_id,
    unique=True,
    sqlite_where=fraud_disputes.c.state == "open",
    postgresql_where=fraud_disputes.c.state == "open",
)

# An organisation saw the identifier in legitimate use; each organisation counts once per identifier.
fraud_false_positives = Table(
    "fraud_false_positives",
    metadata,
    Column("identifier_id", String(300), primary_key=True),
    Column("org_id", Integer, ForeignKey("orgs.id", ondelete="CASCADE"), primary_key=True),
    Column("noted_at", BigInteger, nullable=False),
    Column("note", Text, nullable=True),
)

# An organisation's inbox: plain-text messages the hub leaves it (dispute filed, dispute resolved).
notifications = Table(
    "notifications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("org_id", Integer, ForeignKey("orgs.id", ondelete="CASCADE"), nullable=False),
    Column("created", BigInteger, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("subject", String(300), nullable=True),  # the identifier's STIX id
    Column("text", Text, nullable=False),
    Column("read_at", BigInteger, nullable=True),
)
Index("ix_notifications_org", notifications.c.org_id, notifications.c.id)
fraud_prf_index = Table(  # the private check's index (docs/fraud-private-check.md)
    "fraud_prf_index",
    metadata,
    Column("identifier_id", String(300), primary_key=True),  # a reported identifier's STIX id
    Column("prefix", Integer, nullable=False),  # the tag's first PREFIX_BITS bits
    Column("tag", LargeBinary(64), nullable=False),  # the OPRF output of the STIX id under the hub's key
)
Index("ix_fraud_prf_index_prefix", fraud_prf_index.c.prefix)

fraud_prf_usage = Table(  # OPRF evaluations per organisation per window: the private check's rate limit
    "fraud_prf_usage",
    metadata,
    Column("org_id", Integer, ForeignKey("orgs.id", ondelete="CASCADE"), primary_key=True),
    Column("window_start", BigInteger, primary_key=True),  # microseconds
    Column("evaluations", Integer, nullable=False),
)

# Key-encryption keys (KEKs): the provider holds the key itself; this row holds its reference and life.
keys = Table(
    "keys",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("purpose", String(64), nullable=False),
    Column("org_id", Integer, ForeignKey("orgs.id", ondelete="RESTRICT"), nullable=True),  # BYOK owner
    Column("provider", String(16), nullable=False),
    Column("provider_ref", String(200), nullable=False, unique=True),
    Column("state", String(16), nullable=False),  # active | retired | destroyed
    Column("created", BigInteger, nullable=False),
    Column("last_rotated", BigInteger, nullable=True),
    Column("rotation_days", Integer, nullable=False),
    Column("usage_count", BigInteger, nullable=False),
    Column("replaced_by", Integer, nullable=True),  # the key a rotation moved this key's data keys to
)
Index("ix_keys_purpose_state", keys.c.purpose, keys.c.state)

# Data keys (DEKs), each wrapped by one KEK; the data itself names its data key.
data_keys = Table(
    "data_keys",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kek_id", Integer, ForeignKey("keys.id", ondelete="RESTRICT"), nullable=False),
    Column("wrapped", LargeBinary(512), nullable=False),
    Column("created", BigInteger, nullable=False),
)
Index("ix_data_keys_kek", data_keys.c.kek_id)

# Keyed pseudonyms of personal values (0016, docs/pseudonyms.md): the value sealed under a data key of
# purpose "pseudonym-value" (AAD names the pseudonym), never in clear; key_id: the data key holding the
# HMAC key that made the pseudonym.
pseudonyms = Table(
    "pseudonyms",
    metadata,
    Column("pseudonym", String(40), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("key_id", Integer, nullable=False),
    Column("data_key_id", Integer, nullable=False),
    Column("sealed", LargeBinary, nullable=False),
    Column("first_seen", BigInteger, nullable=False),
)

# Which organisations submitted a document holding the value: they may reveal it.
pseudonym_sources = Table(
    "pseudonym_sources",
    metadata,
    Column("pseudonym", String(40), ForeignKey("pseudonyms.pseudonym", ondelete="CASCADE"), primary_key=True),
    Column("org_id", Integer, ForeignKey("orgs.id", ondelete="CASCADE"), primary_key=True),
    Column("job_id", String(36), nullable=False),
    Column("first_seen", BigInteger, nullable=False),
)
# reveals per organisation per hour are counted from the audit log
Index("ix_audit_action_org_at", audit.c.action, audit.c.org_id, audit.c.at)
