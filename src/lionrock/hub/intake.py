"""Report intake in the hub: upload -> extraction in a worker process -> review -> publish.

The upload is parsed and extracted once, in a worker process under memory and CPU limits
(lionrock.hub.intake_pool); the result is stored and every poll, review and publish reads it.
The hub keeps no copy of the uploaded document, and deletes the stored findings and evidence
text when the job is published or `intake_retention_hours` after upload, whichever comes first.
The findings, evidence text and title are stored sealed (AES-256-GCM under a data key of their own,
wrapped by the "intake" key-encryption key: hub.keyring, docs/keys.md), never in clear."""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from dataclasses import replace
from typing import Any

import orjson
from sqlalchemy import Connection

from lionrock.access.model import Audience, AudienceNames, Principal
from lionrock.access.permissions import require_publisher
from lionrock.errors import Conflict, Gone, Invalid, LionrockError, NotFound
from lionrock.hub import keyring, pseudonyms
from lionrock.hub.attack import attack_catalogue
from lionrock.hub.auditing import record
from lionrock.hub.context import Hub
from lionrock.hub.intake_pool import IntakePool, Job, Outcome, PoolConfig
from lionrock.hub.publish import PublishRequest, PublishResult, publish_in
from lionrock.intake.document import Limits
from lionrock.intake.draft import Extraction, draft_bundle, replacements
from lionrock.intake.results import from_json
from lionrock.intake.review import edited_value, masked, segments
from lionrock.intake.worker import Task
from lionrock.settings import Settings
from lionrock.stix.ids import us_to_timestamp
from lionrock.stix.tlp import Tlp
from lionrock.store import intake_jobs as jobs
from lionrock.store.engine import read_transaction, write_transaction

INTERRUPTED = "interrupted by a restart of the hub before it finished; upload the report again"
PURGE_EVERY_SECONDS = 300.0
_HOUR_US = 3600 * 1_000_000
KEY_PURPOSE = "intake"
SEAL_VERSION = 1
_pool_lock = threading.Lock()


def limits_for(settings: Settings) -> Limits:
    """The readers' limits for the hub's settings (the readers' own deadline is the job's time limit)."""
    return Limits(max_seconds=float(settings.intake_seconds))


def pool(hub: Hub) -> IntakePool:
    """The hub's worker pool, started on first use."""
    with _pool_lock:
        if hub.intake_pool is None:
            s = hub.settings
            config = PoolConfig(s.intake_workers, s.intake_queue_size, s.intake_memory_mib, s.intake_seconds)
            hub.intake_pool = IntakePool(
                config, lambda job_id: _start(hub, job_id), lambda job_id, out: _finish(hub, job_id, out)
            )
        return hub.intake_pool


def recover(hub: Hub) -> int:
    """At start-up: jobs left queued or running by a process that died are failed with the reason,
    and a publish it cut short goes back to review. Jobs this process is working on are kept."""
    keep = hub.intake_pool.in_flight() if hub.intake_pool is not None else frozenset()
    with write_transaction(hub.engine) as conn:
        count = jobs.interrupt(conn, keep, INTERRUPTED)
    purge_expired(hub, force=True)
    return count


def purge_expired(hub: Hub, *, force: bool = False) -> int:
    """Delete what jobs older than the retention period still hold. Cheap, and run at most every
    few minutes: on start-up, on upload and on polls."""
    if not pool(hub).due("purge", PURGE_EVERY_SECONDS) and not force:
        return 0
    now = hub.clock()
    with write_transaction(hub.engine) as conn:
        return jobs.purge(conn, now - hub.settings.intake_retention_hours * _HOUR_US, now)


def submit(hub: Hub, who: Principal, data: bytes, filename: str, *, wait: bool = False) -> str:
    """Queue the upload for a worker and store the job; returns the job id. A full queue raises
    Busy (503) and stores nothing."""
    require_publisher(who)
    if not data:
        raise Invalid("the upload is empty")
    workers = pool(hub)
    workers.reserve()
    job_id = str(uuid.uuid4())
    try:
        with write_transaction(hub.engine) as conn:
            jobs.add(conn, job_id, who.org_id, hub.clock(), filename[:300] or "report")
            # The audit log is kept for years and read by org-admins: a file name can itself be sensitive
            # ("HKMA-finding-client-X.pdf"), so the entry names only a prefix of its SHA-256.
            named = hashlib.sha256(filename[:300].encode()).hexdigest()[:16]
            record(
                conn, hub, who, "intake.submit", subject=job_id, detail={"filename_sha256": named, "bytes": len(data)}
            )
    except BaseException:
        workers.release()
        raise
    workers.enqueue(Job(job_id, lambda: _task(hub, who, data, filename)))
    purge_expired(hub)
    if wait:
        while job_id in workers.in_flight():
            time.sleep(0.02)
    return job_id


def _task(hub: Hub, who: Principal, data: bytes, filename: str) -> Task:
    s = hub.settings
    techniques = attack_catalogue(hub, who)
    return Task(data, filename, limits_for(s), s.intake_memory_mib, s.intake_seconds + 1, techniques or None)


def _start(hub: Hub, job_id: str) -> bool:
    with write_transaction(hub.engine) as conn:
        return jobs.transition(conn, job_id, [jobs.QUEUED], status=jobs.RUNNING, progress=10)


def _finish(hub: Hub, job_id: str, outcome: Outcome) -> None:
    error = outcome.error
    if outcome.result is not None:
        try:
            _store_sealed(hub, job_id, outcome.result)
            return
        except LionrockError as exc:  # a key provider that fails: the job fails with the reason, never stays running
            error = f"the findings could not be stored encrypted: {exc.message}"
    with write_transaction(hub.engine) as conn:
        jobs.transition(conn, job_id, [jobs.RUNNING], status=jobs.FAILED, progress=100, error=error)


def _store_sealed(hub: Hub, job_id: str, result: bytes) -> None:
    found = orjson.loads(result).get("title")
    title = str(found)[:500] if found else None
    plain = orjson.dumps({"result": result.decode(), "title": title})
    personal = [(p.type, p.value) for p in from_json(orjson.loads(result)).personal]
    with write_transaction(hub.engine) as conn:
        org_id = jobs.org_of(conn, job_id)
        data_key_id, sealed = keyring.seal(conn, hub, KEY_PURPOSE, plain, _aad(job_id), org_id)
        if org_id is not None:
            pseudonyms.record_values(conn, hub, org_id, job_id, personal)
        jobs.transition(
            conn, job_id, [jobs.RUNNING], status=jobs.DONE, progress=100, data_key_id=data_key_id, sealed=sealed
        )


def _aad(job_id: str) -> bytes:
    """What a sealed result is: this job's, in this format (a row copied into another job fails)."""
    return f"intake-result|{job_id}|{SEAL_VERSION}".encode()


sealed_aad = _aad
"""The AAD of a job's sealed row, for checks outside intake (a restore opens a sample)."""


def _opened(conn: Connection, hub: Hub, row: jobs.JobRow) -> jobs.JobRow:
    """The row with its sealed result and title decrypted into `result` and `title`."""
    if row.sealed is None or row.data_key_id is None:
        return row
    try:
        plain = orjson.loads(keyring.unseal(conn, hub, row.data_key_id, row.sealed, _aad(row.id)))
    except Gone as exc:
        raise Gone(f"the findings of intake job {row.id} cannot be read: {exc.message}") from exc
    return replace(row, result=plain["result"], title=plain["title"])


def _title(conn: Connection, hub: Hub, row: jobs.JobRow) -> str | None:
    """The title for a list: a job whose key was destroyed, or whose sealed result does not open, is
    listed without one (opening the job itself says why)."""
    try:
        return _opened(conn, hub, row).title
    except (Gone, keyring.KeyUnusable):
        return None


def _load(conn: Connection, hub: Hub, who: Principal, job_id: str) -> jobs.JobRow:
    row = jobs.load(conn, job_id, who.org_id)
    if row is None:
        raise NotFound(f"no intake job {job_id}")
    return _opened(conn, hub, row)


def _job(hub: Hub, who: Principal, job_id: str) -> tuple[jobs.JobRow, dict[str, str]]:
    """The job, and the pseudonym of each of its personal values (value -> pseudonym id)."""
    with read_transaction(hub.engine) as conn:
        row = _load(conn, hub, who, job_id)
        return row, _pseudonyms(conn, hub, row)


def _pseudonyms(conn: Connection, hub: Hub, row: jobs.JobRow) -> dict[str, str]:
    if row.status != jobs.DONE or row.result is None:
        return {}
    return pseudonyms.pseudonyms_for(conn, hub, [(p.type, p.value) for p in _extraction(row).personal])


def _not_reviewable(row: jobs.JobRow) -> Conflict:
    if row.status in (jobs.PUBLISHING, jobs.PUBLISHED):
        return Conflict("the job is already published")
    if row.purged is not None:
        return Conflict("the job's findings were deleted after the retention period; upload the report again")
    return Conflict(f"the job is {row.status}; wait until it is done")


def _extraction(row: jobs.JobRow) -> Extraction:
    """The stored extraction: read back, never computed again."""
    if row.status != jobs.DONE or row.result is None:
        raise _not_reviewable(row)
    return from_json(orjson.loads(row.result))


def _decisions(row: jobs.JobRow) -> dict[str, list[str]]:
    loaded: dict[str, list[str]] = orjson.loads(row.decisions)
    return {"rejected": loaded.get("rejected", []), "keep_personal": loaded.get("keep_personal", [])}


def _edits(row: jobs.JobRow) -> dict[str, str]:
    """Corrected values: finding key (`type:value` as extracted) -> the value the analyst gave."""
    loaded: dict[str, Any] = orjson.loads(row.decisions)
    edited = loaded.get("edited", {})
    return {str(k): str(v) for k, v in edited.items()} if isinstance(edited, dict) else {}


def _published_ids(row: jobs.JobRow) -> list[str]:
    loaded: dict[str, Any] = orjson.loads(row.decisions)
    ids = loaded.get("published_ids", [])
    return [str(i) for i in ids] if isinstance(ids, list) else []


def jobs_of(hub: Hub, who: Principal, limit: int = 50) -> list[dict[str, Any]]:
    """The caller's organisation's most recent intake jobs (newest first): status, no findings."""
    require_publisher(who)
    with read_transaction(hub.engine) as conn:
        rows = jobs.recent(conn, who.org_id, limit)
        titles = [_title(conn, hub, r) for r in rows]
    return [
        {
            "id": r.id,
            "filename": r.filename,
            "title": title,
            "status": r.status,
            "progress": r.progress,
            "created": us_to_timestamp(r.created),
            "published": r.published if r.status == jobs.PUBLISHED else None,
            "error": r.error,
        }
        for r, title in zip(rows, titles, strict=True)
    ]


def view(hub: Hub, who: Principal, job_id: str) -> dict[str, Any]:
    """The job's status and, once done, its findings (each with a key to decide on) and draft."""
    purge_expired(hub)
    return _view(*_job(hub, who, job_id))


def _view(row: jobs.JobRow, names: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": row.id,
        "filename": row.filename,
        "status": row.status,
        "progress": row.progress,
        "error": row.error,
        "published": row.published if row.status == jobs.PUBLISHED else None,
        "purged": us_to_timestamp(row.purged) if row.purged is not None else None,
    }
    if row.status == jobs.DONE and row.result is not None:
        ex = _extraction(row)
        decisions = _decisions(row)
        result = ex.as_dict()
        edits = _edits(row)
        for item in result["indicators"]:
            item["key"] = f"{item['type']}:{item['value']}"
            item["accepted"] = item["key"] not in decisions["rejected"]
            if item["key"] in edits:
                item["edited"] = edits[item["key"]]
        for item in result["techniques"]:
            item["key"] = f"technique:{item['id']}"
            item["accepted"] = item["key"] not in decisions["rejected"]
        for item in result["personal_data"]:
            item["kept"] = item["value"] in decisions["keep_personal"]
            item["pseudonym"] = names.get(item["value"])
        out["result"] = result
        out["draft"] = _draft(ex, row, decisions, us_to_timestamp(row.created), names)
    if row.status == jobs.PUBLISHED:
        out["published_ids"] = _published_ids(row)
    return out


def review(hub: Hub, who: Principal, job_id: str) -> dict[str, Any]:
    """`view` for a person: each piece of evidence also as segments (the finding marked in its
    sentence, personal data not kept redacted), personal values masked unless kept."""
    purge_expired(hub)
    row, names = _job(hub, who, job_id)
    out = _view(row, names)
    result = out.get("result")
    if result is None:
        return out
    kept = frozenset(p["value"] for p in result["personal_data"] if p["kept"])
    # each value not kept, as normalised and as written in the report (an HKID's brackets and spaces)
    instead = replacements(_extraction(row).personal, kept, names)
    secrets = list(instead)
    shown = {needle.lower(): mark for needle, mark in instead.items()}
    for item in result["indicators"]:
        marks = [item.get("as_written", ""), item["value"]]
        for e in item["evidence"]:
            e["segments"] = segments(e["text"], marks, secrets, shown)
    for item in result["techniques"]:
        for e in item["evidence"]:
            e["segments"] = segments(e["text"], [item["name"], item["id"]], secrets, shown)
    for item in result["personal_data"]:
        item["shown"] = item["value"] if item["kept"] else masked(item["value"])
        for e in item["evidence"]:
            e["segments"] = segments(e["text"], [item["value"]] if item["kept"] else [], secrets, shown)
    return out


def _draft(
    ex: Extraction, row: jobs.JobRow, decisions: dict[str, list[str]], created: str, names: dict[str, str]
) -> dict[str, Any]:
    """The draft; personal values not kept are written as their pseudonyms (`names`: value -> id)."""
    return draft_bundle(
        ex,
        created=created,
        name=row.title or row.filename,
        keep_personal=frozenset(decisions["keep_personal"]),
        rejected=frozenset(decisions["rejected"]),
        edited=_edits(row),
        pseudonyms=names,
    )


def decide(
    hub: Hub,
    who: Principal,
    job_id: str,
    *,
    accept: list[str],
    reject: list[str],
    keep_personal: list[str],
    redact_personal: list[str],
    edit: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Record the analyst's decisions: reject or accept findings by key, keep or redact personal data
    by value, and correct an indicator's value (`edit`: key -> new value, read by the extractors, so a
    defanged value is accepted and anything that is not exactly one value of the finding's type is
    refused; the original value as the new one undoes the correction)."""
    with write_transaction(hub.engine) as conn:
        row = _load(conn, hub, who, job_id)
        if row.status != jobs.DONE or row.result is None:
            raise _not_reviewable(row)
        decisions = _decisions(row)
        rejected = (set(decisions["rejected"]) | set(reject)) - set(accept)
        kept = (set(decisions["keep_personal"]) | set(keep_personal)) - set(redact_personal)
        edits = _edits(row)
        if edit:
            edits = _corrected(_extraction(row), edits, edit)
        new: dict[str, Any] = {"rejected": sorted(rejected), "keep_personal": sorted(kept)}
        if edits:
            new["edited"] = edits
        jobs.set_fields(conn, job_id, decisions=orjson.dumps(new).decode())
        if keep_personal:  # keeping personal data in what is shared is a reveal: audited
            record(conn, hub, who, "intake.reveal", subject=job_id, detail={"kept": len(keep_personal)})
    return new


def _corrected(ex: Extraction, edits: dict[str, str], edit: dict[str, str]) -> dict[str, str]:
    kinds = {f"{f.type}:{f.value}": f.type for f in ex.indicators}
    out = dict(edits)
    for key, text in edit.items():
        if key not in kinds:
            raise Invalid(f"no finding {key[:100]} to correct")
        value = edited_value(kinds[key], text)
        if value is None:
            raise Invalid(f"{text[:100]!r} is not one {kinds[key]} value")
        if value == key.split(":", 1)[1]:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def publish_job(
    hub: Hub, who: Principal, job_id: str, *, tlp: Tlp, audience: Audience | AudienceNames, anonymous: bool
) -> PublishResult:
    """Publish the reviewed draft: accepted findings only, personal data redacted unless kept.

    One transaction: the job moves from done to published and the draft is published with it, or
    nothing happens. Concurrent publishes queue on the write lock; all but the first find the job
    no longer done and get 409, storing nothing."""
    with write_transaction(hub.engine) as conn:
        row = _load(conn, hub, who, job_id)
        ex = _extraction(row)
        created = us_to_timestamp(hub.clock())
        if not jobs.transition(conn, job_id, [jobs.DONE], status=jobs.PUBLISHING, published=created):
            raise Conflict("the job is already published")
        names = _pseudonyms(conn, hub, row)
        bundle = _draft(ex, row, _decisions(row), created, names)
        objects = [_reviewed(o) for o in bundle["objects"]]
        result = publish_in(conn, hub, who, PublishRequest(objects, audience, tlp, anonymous))
        # published: what was uploaded is no longer needed; the ids published are kept to link to
        published = list(dict.fromkeys([*result.stored, *result.unchanged]))
        jobs.transition(
            conn,
            job_id,
            [jobs.PUBLISHING],
            status=jobs.PUBLISHED,
            result=None,
            title=None,
            sealed=None,
            purged=hub.clock(),
            decisions=orjson.dumps({"published_ids": published}).decode(),
        )
    return result


def _reviewed(obj: dict[str, Any]) -> dict[str, Any]:
    labels = obj.get("labels")
    if isinstance(labels, list) and "unreviewed" in labels:
        return {**obj, "labels": [label for label in labels if label != "unreviewed"] + ["reviewed"]}
    return obj
