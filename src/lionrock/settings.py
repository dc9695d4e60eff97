"""One typed settings object, read from the environment (LIONROCK_*)."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

DEFAULT_DB = "sqlite:///.lionrock/hub.db"
"""One database location for the CLI, `lionrock serve` and quickstart.sh: .lionrock/hub.db under the
current folder (quickstart.sh runs in the source folder)."""


@dataclass(frozen=True)
class Settings:
    """Hub configuration; every field has an environment variable LIONROCK_<NAME>."""

    database_url: str = DEFAULT_DB
    """SQLAlchemy URL: sqlite:///path (default, WAL) or postgresql+psycopg://user@host/db."""
    max_content_length: int = 10 * 1024 * 1024
    """Largest request body accepted, in bytes (TAXII max_content_length); larger gets 413."""
    page_size: int = 1000
    """Default and maximum number of objects per page on TAXII and REST lists."""
    status_retention_hours: int = 72
    """How long TAXII status resources are kept (the spec asks for at least 24 h)."""
    title: str = "lionrock"
    """Name shown in TAXII discovery and the API docs."""
    audit_key_file: str = ""
    """File holding the audit log's MAC key (the Ed25519 checkpoint key sits beside it, same name +
    ".ed25519"); created 0600 on first use. Empty: beside the SQLite database file (<db>.audit-key),
    or $XDG_CONFIG_HOME (~/.config)/lionrock/<host>-<port>-<database>.audit-key for PostgreSQL."""
    login_failure_limit: int = 20
    """Failed logins one client (IP address, IPv6 /64) may make within a window before it gets 429."""
    login_failure_window: int = 60
    """Length of a failed-login window in seconds; each client's failures are audited once per window."""
    login_lockout: int = 300
    """Seconds a client that reached the failure limit is answered 429 (with Retry-After)."""
    token_cache_seconds: int = 2
    """Seconds a token that authenticated is remembered by the process that checked it (0: never).
    A revocation made through the same process takes effect at once; one made by another process on
    the same database (another server process, the CLI) within this many seconds."""
    web_session_idle: int = 1800
    """Seconds a web session may sit unused before it ends (the user signs in again)."""
    web_session_absolute: int = 12 * 3600
    """Seconds after sign-in when a web session ends however busy it is."""
    web_secure_cookie: int = 0
    """1: always mark the web session cookie Secure (behind a TLS-terminating proxy that forwards plain
    HTTP); 0: Secure exactly when the request came over https."""
    intake_workers: int = 2
    """Report intake: documents parsed at once, each in its own worker process."""
    intake_queue_size: int = 8
    """Report intake: uploads waiting for a worker; when full, an upload gets 503 with Retry-After."""
    intake_memory_mib: int = 1024
    """Report intake: address-space limit of one worker process (RLIMIT_AS), in MiB."""
    intake_seconds: int = 60
    """Report intake: wall-clock and CPU seconds one document may take before its worker is stopped."""
    intake_retention_hours: int = 72
    """Report intake: hours after upload when a job's findings and evidence text are deleted (also on publish)."""
    fraud_prf_key_file: str = ""
    """File holding the private fraud check's OPRF secret key (a ristretto255 scalar, hex); created 0600 on
    first use. Empty: beside the audit MAC key file, named <name>.fraud-prf-key instead of <name>.audit-key."""
    fraud_private_evaluations_per_hour: int = 1000
    """Private fraud check: OPRF evaluations (one per identifier checked) one organisation may ask for per
    clock hour; beyond it the hub answers 429 with Retry-After."""
    key_provider: str = "local"
    """Where the key-encryption keys live: local (a 0600 key file, key_file) or pkcs11 (an HSM token,
    key_pkcs11_*). Data encrypted at rest (docs/keys.md) has its data keys wrapped by these keys."""
    key_file: str = ""
    """File holding the local key-encryption keys; created 0600 on first use. Empty: beside the audit MAC
    key file, named <name>.keys instead of <name>.audit-key."""
    key_pkcs11_library: str = "/usr/lib/softhsm/libsofthsm2.so"
    """key_provider pkcs11: the PKCS#11 module (.so) of the HSM."""
    key_pkcs11_token: str = ""
    """key_provider pkcs11: the label of the token holding the key-encryption keys."""
    key_pkcs11_pin: str = ""
    """key_provider pkcs11: the token's user PIN."""
    key_rotation_days: int = 365
    """Days a new key-encryption key may serve before `lionrock keys review` lists it as due for rotation."""
    seal_objects: str = "all"
    """Which STIX object versions are stored sealed (AES-256-GCM, docs/keys.md "Object bodies"): `all`,
    `restricted` (TLP:AMBER+STRICT and TLP:RED only) or `off`. Versions stored before keep their form until
    `lionrock keys seal-objects`; reads open either form."""

    backup_key_file: str = ""
    """File holding the backup key (32 random bytes, hex) that encrypts `lionrock backup` files; created 0600
    by the first backup. Empty: beside the audit MAC key file, named <name>.backup-key. Keep a copy away from
    the backups: a backup cannot be restored without it."""
    retention_intake_job_days: int = 30
    """Retention: days after upload when an intake job's remaining record (file name, decisions, outcome) is
    deleted, once its text is gone (intake_retention_hours); 0: never."""
    retention_sighting_days: int = 400
    """Retention: days after it was added when a sighting object is deleted (0: never)."""
    retention_notification_days: int = 180
    """Retention: days after it was left when an inbox notification that has been read is deleted (0: never)."""
    pseudonym_reveals_per_hour: int = 30
    """Reveals of the value behind a pseudonym one organisation may ask for in an hour, refused ones
    included (docs/pseudonyms.md); beyond, 429. Bounds what a stolen law-enforcement token can read."""

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: object) -> Settings:
        src = os.environ if env is None else env
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = src.get(f"LIONROCK_{f.name.upper()}")
            if raw is None:
                continue
            if f.type == "int":
                if not raw.strip().isdigit():
                    raise ValueError(f"LIONROCK_{f.name.upper()} must be a whole number, not {raw!r}")
                values[f.name] = int(raw)
            else:
                values[f.name] = raw
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]
