"""Report intake in the hub: upload → background extraction with progress → review → publish."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import orjson

from lionrock.access.model import Audience, AudienceNames, Principal
from lionrock.errors import Conflict, Forbidden, Invalid, NotFound
from lionrock.hub.attack import attack_catalogue
from lionrock.hub.auditing import record
from lionrock.hub.context import Hub
from lionrock.hub.publish import PublishRequest, PublishResult, publish
from lionrock.intake.document import Document, DocumentError
from lionrock.intake.draft import Extraction, draft_bundle, run_extraction
from lionrock.intake.readers import read_document
from lionrock.intake.techniques import Mapper
from lionrock.stix.ids import us_to_timestamp
from lionrock.stix.tlp import Tlp
from lionrock.store import intake_jobs as jobs
from lionrock.store.engine import read_transaction, write_transaction


def submit(hub: Hub, who: Principal, data: bytes, filename: str, *, wait: bool = False) -> str:
    """Store the upload as a job and process it in the background; returns the job id."""
    if not who.role.may_publish:
        raise Forbidden("only analysts and org-admins submit reports")
    if not data:
        raise Invalid("the upload is empty")
    job_id = str(uuid.uuid4())
    with write_transaction(hub.engine) as conn:
        jobs.add(conn, job_id, who.org_id, hub.clock(), filename[:300] or "report")
        record(
            conn,
            hub,
            who,
            "intake.submit",
            subject=job_id,
            detail={"filename": filename[:300], "bytes": len(data)},
        )
    worker = threading.Thread(target=_process, args=(hub, who, job_id, data, filename), daemon=True)
    worker.start()
    if wait:
        worker.join()
    return job_id


def _progress(hub: Hub, job_id: str, percent: int, **values: object) -> None:
    with write_transaction(hub.engine) as conn:
        jobs.set_fields(conn, job_id, progress=percent, **values)


def _mapper(hub: Hub, who: Principal) -> Mapper | None:
    techniques = attack_catalogue(hub, who)
    return Mapper.build(techniques) if techniques else None


def _process(hub: Hub, who: Principal, job_id: str, data: bytes, filename: str) -> None:
    try:
        _progress(hub, job_id, 5, status="running")
        document = read_document(data, filename)
        _progress(hub, job_id, 40, text=document.text, title=document.title)
        run_extraction(document, _mapper(hub, who))  # fail here, not at review time
        _progress(hub, job_id, 100, status="done")
    except DocumentError as exc:
        _progress(hub, job_id, 100, status="failed", error=exc.message)
    except Exception as exc:  # a job must end, whatever happened; the reason is kept for the analyst
        _progress(hub, job_id, 100, status="failed", error=f"{type(exc).__name__}: {exc}")


def _job(hub: Hub, who: Principal, job_id: str) -> jobs.JobRow:
    with read_transaction(hub.engine) as conn:
        row = jobs.load(conn, job_id, who.org_id)
    if row is None:
        raise NotFound(f"no intake job {job_id}")
    return row


def _extraction(hub: Hub, who: Principal, row: jobs.JobRow) -> Extraction:
    if row.status != "done" or row.text is None:
        raise Conflict(f"the job is {row.status}; wait until it is done")
    return run_extraction(Document(row.text, "text", title=row.title), _mapper(hub, who))


def _decisions(row: jobs.JobRow) -> dict[str, list[str]]:
    loaded: dict[str, list[str]] = orjson.loads(row.decisions)
    return {"rejected": loaded.get("rejected", []), "keep_personal": loaded.get("keep_personal", [])}


def view(hub: Hub, who: Principal, job_id: str) -> dict[str, Any]:
    """The job's status and, once done, its findings (each with a key to decide on) and draft."""
    row = _job(hub, who, job_id)
    out: dict[str, Any] = {
        "id": row.id,
        "filename": row.filename,
        "status": row.status,
        "progress": row.progress,
        "error": row.error,
        "published": row.published,
    }
    if row.status == "done":
        ex = _extraction(hub, who, row)
        decisions = _decisions(row)
        result = ex.as_dict()
        for item in result["indicators"]:
            item["key"] = f"{item['type']}:{item['value']}"
            item["accepted"] = item["key"] not in decisions["rejected"]
        for item in result["techniques"]:
            item["key"] = f"technique:{item['id']}"
            item["accepted"] = item["key"] not in decisions["rejected"]
        for item in result["personal_data"]:
            item["kept"] = item["value"] in decisions["keep_personal"]
        out["result"] = result
        out["draft"] = _draft(ex, row, decisions, us_to_timestamp(row.created))
    return out


def _draft(ex: Extraction, row: jobs.JobRow, decisions: dict[str, list[str]], created: str) -> dict[str, Any]:
    return draft_bundle(
        ex,
        created=created,
        name=row.title or row.filename,
        keep_personal=frozenset(decisions["keep_personal"]),
        rejected=frozenset(decisions["rejected"]),
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
) -> dict[str, list[str]]:
    row = _job(hub, who, job_id)
    if row.published:
        raise Conflict("the job is already published")
    decisions = _decisions(row)
    rejected = (set(decisions["rejected"]) | set(reject)) - set(accept)
    kept = (set(decisions["keep_personal"]) | set(keep_personal)) - set(redact_personal)
    new = {"rejected": sorted(rejected), "keep_personal": sorted(kept)}
    with write_transaction(hub.engine) as conn:
        jobs.set_fields(conn, job_id, decisions=orjson.dumps(new).decode())
        if keep_personal:  # keeping personal data in what is shared is a reveal: audited
            record(
                conn,
                hub,
                who,
                "intake.reveal",
                subject=job_id,
                detail={"kept": len(keep_personal)},
            )
    return new


def publish_job(
    hub: Hub, who: Principal, job_id: str, *, tlp: Tlp, audience: Audience | AudienceNames, anonymous: bool
) -> PublishResult:
    """Publish the reviewed draft: accepted findings only, personal data redacted unless kept."""
    row = _job(hub, who, job_id)
    if row.published:
        raise Conflict("the job is already published")
    ex = _extraction(hub, who, row)
    created = us_to_timestamp(hub.clock())
    bundle = _draft(ex, row, _decisions(row), created)
    objects = [_reviewed(o) for o in bundle["objects"]]
    result = publish(hub, who, PublishRequest(objects, audience, tlp, anonymous))
    with write_transaction(hub.engine) as conn:
        jobs.set_fields(conn, job_id, published=created)
    return result


def _reviewed(obj: dict[str, Any]) -> dict[str, Any]:
    labels = obj.get("labels")
    if isinstance(labels, list) and "unreviewed" in labels:
        return {**obj, "labels": [label for label in labels if label != "unreviewed"] + ["reviewed"]}
    return obj
