"""Demo fraud cases: fictional Hong Kong scams reported by the demo banks and the Police, chosen so
that the demo's checks answer each risk level (docs/fraud-demo.md lists them).

Everything is invented. Phone numbers are sequential-digit numbers that `phonenumbers` accepts as
valid HK numbers (no HK range is known to be reserved for fiction); accounts carry real HKICL bank
codes with patterned numbers (`888-000…`), because the bank-code table is the production rule that
refuses unknown codes and demo codes in it would be accepted on every hub; the TRON wallet is the
checksummed encoding of a hash of a demo phrase (nobody holds its key); domains are under .example.
Scam websites are not reported: reports have no `url` kind.

Report dates are counted back from the day of loading, so the levels hold when the demo is fresh and
fade with time as real reports do. Loading again adds only the (identifier, organisation) reports
not already stored, so quickstart can run any number of times.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from lionrock.access.model import Principal
from lionrock.fraud.identifiers import normalise
from lionrock.hub.context import Hub
from lionrock.hub.fraud import FraudReport, report_fraud
from lionrock.store import fraud as store
from lionrock.store.engine import read_transaction

# Reporters by part: "bank1".."bank3" are the demo banks in order, "police" the Police.
TRON_WALLET = "TQca4CcUc8uFVP1q4rBURuXsjr6r2YdLHU"


@dataclass(frozen=True)
class DemoCase:
    kind: str
    value: str  # as the reporters write it
    scam_type: str
    role: str
    reports: tuple[tuple[str, int, int], ...]  # (reporter, days ago, confidence)
    amount_band: str | None = None
    notes: str | None = None


CASES = (
    # high: three organisations, this week
    DemoCase(
        "bank-account",
        "BOC 012-888-000123-4",
        "investment",
        "receiving-account",
        (("bank1", 4, 100), ("bank2", 9, 90), ("police", 2, 100)),
        "100k-1m",
        "fake crypto trading platform; victims told to pay a 'release fee'",
    ),
    DemoCase(
        "phone",
        "+852 5123 4567",
        "impersonation-of-officials",
        "caller",
        (("bank1", 3, 100), ("bank3", 6, 90), ("police", 1, 100)),
        "1m-10m",
        "caller claims to be mainland public security; asks for a 'safe account' transfer",
    ),
    # high with two organisations: the count shows as '< 3'
    DemoCase(
        "fps-id",
        "FPS ID 168 8888",
        "shopping",
        "receiving-account",
        (("bank2", 5, 100), ("bank3", 8, 100)),
        "under-10k",
        "concert tickets sold on a social-media page, never delivered",
    ),
    # medium: one organisation, recent
    DemoCase("e-wallet", "PayMe 6123 4567", "romance", "receiving-account", (("bank3", 10, 100),), "10k-100k", None),
    DemoCase(
        "crypto-wallet",
        f"USDT TRC20: {TRON_WALLET}",
        "investment",
        "receiving-account",
        (("police", 14, 100),),
        "1m-10m",
        "pig-butchering: victims moved savings to this address",
    ),
    DemoCase("social", "telegram:@HK_Sifu_Demo", "investment", "contact", (("police", 20, 100),)),
    DemoCase(
        "email",
        "refund-desk@hk-parcel-demo.example",
        "phishing",
        "receiving-account",
        (("bank1", 7, 100),),
        "under-10k",
        "FPS e-mail proxy behind a fake parcel-refund SMS",
    ),
    # low: old reports
    DemoCase(
        "bank-account",
        "Hang Seng 024-888-000456-001",
        "employment",
        "receiving-account",
        (("bank1", 420, 100),),
        "10k-100k",
        "'like-for-pay' part-time job deposit",
    ),
    DemoCase("phone", "9876 5432", "loan", "caller", (("bank2", 150, 100),)),
)
# Checks with no record: never reported.
NO_RECORD = (("phone", "+852 9123 0000"), ("bank-account", "004-888-000789-001"))
# The demo checks and what they answer on the day the demo is loaded (docs/fraud-demo.md).
EXPECTED = (
    ("bank-account", "012-888-000123-4", "high"),
    ("phone", "5123 4567", "high"),
    ("fps", "FPS ID: 1688888", "high"),
    ("e-wallet", "PayMe 6123 4567", "medium"),
    ("crypto-wallet", TRON_WALLET, "medium"),
    ("email", "Refund-Desk@HK-Parcel-Demo.example", "medium"),
    ("social", "https://t.me/HK_Sifu_Demo", "medium"),
    ("bank-account", "024-888-000456-001", "low"),
    ("phone", "+852 9876 5432", "low"),
    *((kind, value, "no record") for kind, value in NO_RECORD),
)


def load_fraud_demo(hub: Hub, reporters: Mapping[str, Principal]) -> int:
    """Report the demo cases not yet reported by their reporter; returns how many were added."""
    today = datetime.fromtimestamp(hub.clock() / 1_000_000, UTC)
    ids = {case: normalise(case.kind, case.value).id for case in CASES}
    with read_transaction(hub.engine) as conn:
        stored = store.reports_of(conn, list(ids.values()))
    have = {(ident, r.org_id) for ident, reports in stored.items() for r in reports}
    by_reporter: dict[str, list[FraudReport]] = {}
    for case in CASES:
        for reporter, days, confidence in case.reports:
            if (ids[case], reporters[reporter].org_id) in have:
                continue
            by_reporter.setdefault(reporter, []).append(
                FraudReport(
                    type=case.kind,
                    value=case.value,
                    scam_type=case.scam_type,
                    role=case.role,
                    reported=(today - timedelta(days=days)).date().isoformat(),
                    amount_band=case.amount_band,
                    confidence=confidence,
                    notes=case.notes,
                )
            )
    for reporter, reports in sorted(by_reporter.items()):
        report_fraud(hub, reporters[reporter], reports)
    return sum(len(r) for r in by_reporter.values())
