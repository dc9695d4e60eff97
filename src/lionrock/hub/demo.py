"""Demo members and a fictional campaign against Hong Kong banks ("Operation Harbour Lantern").

Everything here is invented for the demo: organisations, domains (under .example and .test),
documentation IP ranges (RFC 5737 / 3849), hashes derived from names.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from typing import Any

from lionrock.access.model import Audience, AudienceNames, OrgKind, Principal, Role
from lionrock.hub.advisories import Action, AdvisoryRequest, ResponseRequest, publish_advisory, respond
from lionrock.hub.context import Hub
from lionrock.hub.demo_fraud import load_fraud_demo
from lionrock.hub.fraud_disputes import set_bank_codes
from lionrock.hub.members import add_group, add_org, authenticate, own_identity, reissue_token
from lionrock.hub.publish import PublishRequest, publish
from lionrock.hub.users import ensure_user
from lionrock.stix.tlp import TLP2_MARKINGS, Tlp
from lionrock.store import members
from lionrock.store.engine import read_transaction

_NS = uuid.UUID("0b7d3c55-93a4-4d7e-b1c0-2f5e8f1d4a10")
T0 = "2026-09-01T08:00:00.000Z"

REGULATOR = "Hong Kong Monetary Authority"
POLICE = "Hong Kong Police Force"
BANKS = ("Victoria Harbour Bank", "Kowloon Pearl Bank", "Lantau Trust Bank")
OPERATOR = "lionrock operations"
GROUP = "Retail Banking Fraud Circle"
DEMO_ANALYST = "demo analyst"
DEMO_OPERATOR = "demo operator"


@dataclass
class DemoResult:
    stored: int = 0
    total: int = 0
    tokens: list[tuple[str, str, str]] = field(default_factory=list)
    users: list[tuple[str, str, str]] = field(default_factory=list)  # (organisation, user, password)
    fraud_reports: int = 0  # demo fraud reports added by this run (0 when already loaded)


def _id(kind: str, name: str) -> str:
    return f"{kind}--{uuid.uuid5(_NS, name)}"


def _sdo(kind: str, key: str, tlp: Tlp, author: str, **props: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "spec_version": "2.1",
        "id": _id(kind, key),
        "created": T0,
        "modified": T0,
        "created_by_ref": author,
        "object_marking_refs": [TLP2_MARKINGS[tlp]],
        **props,
    }


def _indicator(value_type: str, value: str, tlp: Tlp, author: str, campaign: str) -> dict[str, Any]:
    path = {"file": "hashes.'SHA-256'"}.get(value_type, "value")
    return _sdo(
        "indicator",
        f"{value_type}:{value}",
        tlp,
        author,
        name=f"{campaign} {value_type} {value}",
        indicator_types=["malicious-activity"],
        pattern=f"[{value_type}:{path} = '{value}']",
        pattern_type="stix",
        valid_from=T0,
        description=f"Seen in {campaign} against Hong Kong retail banking customers.",
    )


def _rel(source: str, rtype: str, target: str, tlp: Tlp, author: str) -> dict[str, Any]:
    return _sdo(
        "relationship",
        f"{source}|{rtype}|{target}",
        tlp,
        author,
        relationship_type=rtype,
        source_ref=source,
        target_ref=target,
    )


def campaign_bundles(authors: dict[str, str]) -> list[tuple[str, Tlp, dict[str, Any], list[dict[str, Any]]]]:
    """(publisher, TLP, audience spec, objects) for each demo publication; audience spec uses names."""
    bank_a, bank_b, police, hkma = (authors[BANKS[0]], authors[BANKS[1]], authors[POLICE], authors[REGULATOR])
    name = "Operation Harbour Lantern"
    camp = _sdo(
        "campaign",
        name,
        Tlp.GREEN,
        police,
        name=name,
        description="SMS phishing and fake banking apps aimed at customers of Hong Kong banks.",
    )
    actor = _sdo("intrusion-set", "Lantern Spider", Tlp.GREEN, police, name="Lantern Spider", aliases=["HarbourFox"])
    malware = _sdo(
        "malware",
        "PearlDrop",
        Tlp.GREEN,
        police,
        name="PearlDrop",
        is_family=True,
        malware_types=["trojan"],
        description="Android banking trojan posing as a bank app.",
    )
    techniques = [
        _sdo(
            "attack-pattern",
            tid,
            Tlp.CLEAR,
            police,
            name=tname,
            external_references=[{"source_name": "mitre-attack", "external_id": tid}],
        )
        for tid, tname in (
            ("T1566.002", "Spearphishing Link"),
            ("T1660", "Phishing"),
            ("T1417", "Input Capture"),
            ("T1582", "SMS Control"),
        )
    ]
    out: list[tuple[str, Tlp, dict[str, Any], list[dict[str, Any]]]] = []
    core = [
        camp,
        actor,
        malware,
        *techniques,
        _rel(camp["id"], "attributed-to", actor["id"], Tlp.GREEN, police),
        _rel(camp["id"], "uses", malware["id"], Tlp.GREEN, police),
    ]
    core += [_rel(camp["id"], "uses", t["id"], Tlp.GREEN, police) for t in techniques]
    out.append((POLICE, Tlp.GREEN, {"community": True}, core))
    levels: list[tuple[Tlp, dict[str, Any]]] = [
        (Tlp.CLEAR, {"community": True}),
        (Tlp.GREEN, {"community": True}),
        (Tlp.AMBER, {"groups": [GROUP]}),
        (Tlp.AMBER_STRICT, {"orgs": [BANKS[1], REGULATOR]}),
        (Tlp.RED, {"orgs": [BANKS[0]]}),
    ]
    publishers = [(BANKS[0], bank_a), (POLICE, police), (BANKS[1], bank_b)]  # group posts come from a member
    for n, (tlp, audience) in enumerate(levels):
        org_name, author = publishers[n % len(publishers)]
        objs: list[dict[str, Any]] = []
        for i in range(20):
            domain = f"hk-{['secure', 'verify', 'login', 'fps', 'otp'][i % 5]}-{n}{i}.example"
            ip = f"198.51.100.{n * 20 + i + 1}" if n % 2 == 0 else f"203.0.113.{n * 20 + i + 1}"
            digest = hashlib.sha256(f"pearldrop-{n}-{i}".encode()).hexdigest()
            for ind in (
                _indicator("domain-name", domain, tlp, author, name),
                _indicator("ipv4-addr", ip, tlp, author, name),
                _indicator("file", digest, tlp, author, name),
            ):
                objs.append(ind)
                objs.append(_rel(ind["id"], "indicates", camp["id"], tlp, author))
        report = _sdo(
            "report",
            f"report-{n}",
            tlp,
            author,
            name=f"{name}: {tlp.value.upper()} indicators",
            published=T0,
            report_types=["threat-report"],
            object_refs=[o["id"] for o in objs[:40]],
        )
        out.append((org_name, tlp, audience, [*objs, report]))
    advisory = _sdo(
        "note",
        "hkma-advisory",
        Tlp.GREEN,
        hkma,
        abstract="Circular: SMS phishing wave",
        content="Banks should review SMS sender registration and alert customers.",
        object_refs=[camp["id"]],
    )
    out.append((REGULATOR, Tlp.GREEN, {"community": True}, [advisory]))
    return out


def _ensure_members(hub: Hub) -> None:
    with read_transaction(hub.engine) as conn:
        have = {o.name for o in members.all_orgs(conn)}
        have_group = members.group_by_name(conn, GROUP) is not None
    wanted = [(REGULATOR, OrgKind.REGULATOR), (POLICE, OrgKind.LAW_ENFORCEMENT), (OPERATOR, OrgKind.OPERATOR)]
    wanted += [(b, OrgKind.BANK) for b in BANKS]
    for org_name, kind in wanted:
        if org_name not in have:
            add_org(hub, org_name, kind)
    if not have_group:
        add_group(hub, GROUP, [BANKS[0], BANKS[1], REGULATOR])


def demo_user_name(org_name: str) -> str:
    """'Victoria Harbour Bank' -> 'victoria-harbour-bank'."""
    return "-".join(org_name.lower().split())


DEMO_HELD_CODE = "024"


def load_demo(hub: Hub) -> DemoResult:
    """Idempotent: members are created once, objects re-published as unchanged; each run revokes the
    previous run's demo tokens and prints fresh ones, so valid tokens do not pile up."""
    _ensure_members(hub)
    result = DemoResult()
    principals: dict[str, Principal] = {}
    for org_name in (REGULATOR, POLICE, *BANKS):
        issued = reissue_token(hub, org_name, Role.ANALYST, DEMO_ANALYST)
        principals[org_name] = authenticate(hub, issued.secret)
        result.tokens.append((org_name, "analyst", issued.secret))
        user = demo_user_name(org_name)  # a web sign-in; each run replaces its password
        result.users.append((org_name, user, ensure_user(hub, org_name, user, Role.ANALYST).password))
    operator = reissue_token(hub, OPERATOR, Role.OPERATOR, DEMO_OPERATOR)
    result.tokens.append((OPERATOR, "operator", operator.secret))
    authors = {n: own_identity(hub, p) for n, p in principals.items()}
    with read_transaction(hub.engine) as conn:
        ids = {g[1]: g[0] for g in members.all_groups(conn)}
        org_ids = {o.name: o.id for o in members.all_orgs(conn)}
    for org_name, tlp, spec, objs in campaign_bundles(authors):
        audience = Audience(
            bool(spec.get("community")),
            frozenset(ids[g] for g in spec.get("groups", [])),
            frozenset(org_ids[o] for o in spec.get("orgs", [])),
        )
        res = publish(hub, principals[org_name], PublishRequest(objs, audience, tlp))
        result.stored += len(res.stored)
        result.total += len(objs)
    _load_advisories(hub, principals)
    reporters = {f"bank{n}": principals[bank] for n, bank in enumerate(BANKS, start=1)} | {"police": principals[POLICE]}
    result.fraud_reports = load_fraud_demo(hub, reporters)
    # The demo banks are fictional; Lantau Trust Bank is made the holder of code 024 so that a demo
    # user can try disputing the listing of the demo's 024 account (docs/fraud-demo.md).
    set_bank_codes(hub, BANKS[2], [DEMO_HELD_CODE])
    return result


DEMO_ADVISORIES = (
    (
        REGULATOR,
        AdvisoryRequest(
            title="Circular: SMS phishing wave against retail banking customers",
            summary="Review SMS sender ID registration, alert customers, and report your exposure by the deadline.",
            severity="high",
            audience=AudienceNames(orgs=BANKS),
            tlp=Tlp.GREEN,
            deadline="2026-09-15T09:00:00Z",
            affected=("Retail mobile banking apps", "SMS sender ID registry"),
            actions=(
                Action("Register every SMS sender ID", "Use only registered sender IDs for customer SMS."),
                Action("Warn customers", "Remind customers that banks never send links by SMS."),
            ),
            refs=(_id("campaign", "Operation Harbour Lantern"),),
            advisory_id=_id("report", "hkma-advisory-sms-phishing"),
            created=T0,
        ),
    ),
    (
        POLICE,
        AdvisoryRequest(
            title="Fake banking app distributed through look-alike domains",
            summary=(
                "A fake app (HarbourFox) harvests one-time passwords; block the domains and watch for mule accounts."
            ),
            severity="critical",
            audience=AudienceNames(community=True),
            tlp=Tlp.AMBER,
            deadline="2026-12-31T09:00:00Z",
            affected=("Android banking apps",),
            actions=(Action("Block the look-alike domains", "Add them to your DNS and proxy block lists."),),
            refs=(_id("intrusion-set", "Lantern Spider"),),
            advisory_id=_id("report", "police-advisory-fake-app"),
            created=T0,
        ),
    ),
)
DEMO_ANSWERS = (
    (0, BANKS[0], ResponseRequest("affected", "Sender IDs being re-registered; customers alerted.")),
    (0, BANKS[1], ResponseRequest("not-affected")),
    (1, BANKS[0], ResponseRequest("investigating", "Checking proxy logs for the domains.")),
)


def _load_advisories(hub: Hub, principals: dict[str, Principal]) -> None:
    """Two advisories (HKMA to the banks, Police to the community) and answers from two banks; the
    third bank has not answered the HKMA circular, whose deadline has passed: it shows as overdue."""
    for publisher, request in DEMO_ADVISORIES:
        publish_advisory(hub, principals[publisher], request)
    for n, bank, answer in DEMO_ANSWERS:
        respond(hub, principals[bank], str(DEMO_ADVISORIES[n][1].advisory_id), answer)
