"""Indicator extraction: lionrock against ioc-finder and iocsearcher, same texts, same run.

Texts: the 400 AnnoCTR reports and the ESET write-ups (README.adoc) in ../shared/data.
Prints MB/s for each tool, per-type counts, agreement with lionrock per type (found by both /
only lionrock / only the peer), and recall of the ESET gold hashes (samples.md5/sha1/sha256):
over every gold hash, and over the gold hashes that the write-up's text actually contains.

    .venv/bin/python benchmarks/extraction.py
"""

from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

from ioc_finder import find_iocs
from iocsearcher.searcher import Searcher

from lionrock.intake.document import Document
from lionrock.intake.findings import INDICATOR_TYPES
from lionrock.intake.indicators import extract

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
TYPES = [t for t in INDICATOR_TYPES if t not in ("cidr", "phone-number", "bank-account", "fps-id")]
IOC_FINDER = {
    "urls": "url",
    "domains": "domain-name",
    "ipv4s": "ipv4-addr",
    "ipv6s": "ipv6-addr",
    "email_addresses": "email-addr",
    "md5s": "md5",
    "sha1s": "sha1",
    "sha256s": "sha256",
    "sha512s": "sha512",
    "cves": "cve",
    "bitcoin_addresses": "bitcoin-address",
    "monero_addresses": "monero-address",
    "registry_key_paths": "registry-key",
    "asns": "asn",
}
IOCSEARCHER = {
    "url": "url",
    "fqdn": "domain-name",
    "ip4": "ipv4-addr",
    "ip6": "ipv6-addr",
    "email": "email-addr",
    "md5": "md5",
    "sha1": "sha1",
    "sha256": "sha256",
    "sha512": "sha512",
    "cve": "cve",
    "bitcoin": "bitcoin-address",
    "ethereum": "ethereum-address",
    "monero": "monero-address",
}
Found = dict[str, set[str]]


def lionrock(text: str) -> Found:
    out: Found = defaultdict(set)
    for f in extract(Document(text, "text")):
        if not f.personal:
            out[f.type].add(f.value.lower())
    return out


def ioc_finder(text: str) -> Found:
    out: Found = defaultdict(set)
    for key, values in find_iocs(text).items():
        if key in IOC_FINDER and isinstance(values, list):
            out[IOC_FINDER[key]].update(str(v).lower() for v in values)
    return out


_SEARCHER: Searcher | None = None


def iocsearcher(text: str) -> Found:
    global _SEARCHER
    if _SEARCHER is None:
        _SEARCHER = Searcher()
    out: Found = defaultdict(set)
    for ioc in _SEARCHER.search_data(text):
        if ioc.name in IOCSEARCHER:
            out[IOCSEARCHER[ioc.name]].add(str(ioc.value).lower())
    return out


def corpus() -> tuple[list[str], list[tuple[str, set[str]]]]:
    annoctr = [p.read_text(errors="replace") for p in sorted((DATA / "reports" / "annoctr" / "text").glob("*.txt"))]
    eset = []
    for folder in sorted((DATA / "ioc" / "eset").iterdir()):
        readme = folder / "README.adoc"
        if readme.exists():
            gold = {
                line.strip().lower()
                for name in ("samples.md5", "samples.sha1", "samples.sha256")
                if (folder / name).exists()
                for line in (folder / name).read_text().splitlines()
                if line.strip()
            }
            eset.append((readme.read_text(errors="replace"), gold))
    return annoctr, eset


def run(tool: Callable[[str], Found], texts: list[str]) -> tuple[float, list[Found]]:
    start = time.perf_counter()
    results = [tool(t) for t in texts]
    return time.perf_counter() - start, results


def main() -> None:
    logging.disable(logging.WARNING)
    annoctr, eset = corpus()
    texts = annoctr + [t for t, _ in eset]
    megabytes = sum(len(t.encode()) for t in texts) / 1e6
    print(f"{len(annoctr)} AnnoCTR texts + {len(eset)} ESET write-ups, {megabytes:.1f} MB\n")
    tools = {"lionrock": lionrock, "ioc-finder": ioc_finder, "iocsearcher": iocsearcher}
    results: dict[str, list[Found]] = {}
    speed: dict[str, float] = {}
    for name, tool in tools.items():
        seconds, results[name] = run(tool, texts)
        speed[name] = megabytes / seconds
        print(f"{name:<12} {speed[name]:7.2f} MB/s  ({seconds:6.1f} s)")
    print(
        f"\nlionrock / ioc-finder: {speed['lionrock'] / speed['ioc-finder']:.1f}x   "
        f"lionrock / iocsearcher: {speed['lionrock'] / speed['iocsearcher']:.1f}x\n"
    )
    print(f"{'type':<18}" + "".join(f"{n:>13}" for n in tools) + "   agreement with lionrock: both/only-lr/only-peer")
    for t in TYPES:
        counts = {n: sum(len(r.get(t, ())) for r in results[n]) for n in tools}
        agree = []
        for peer in ("ioc-finder", "iocsearcher"):
            c: Counter[str] = Counter()
            for mine, theirs in zip(results["lionrock"], results[peer], strict=True):
                a, b = mine.get(t, set()), theirs.get(t, set())
                c["both"] += len(a & b)
                c["lr"] += len(a - b)
                c["peer"] += len(b - a)
            agree.append(f"{peer}: {c['both']}/{c['lr']}/{c['peer']}")
        print(f"{t:<18}" + "".join(f"{counts[n]:>13}" for n in tools) + "   " + "   ".join(agree))
    print("\nESET gold hash recall (all gold hashes / gold hashes present in the write-up text):")
    offset = len(annoctr)
    for name in tools:
        hit_all = total_all = hit_text = total_text = 0
        for (text, gold), found in zip(eset, results[name][offset:], strict=True):
            got = found.get("md5", set()) | found.get("sha1", set()) | found.get("sha256", set())
            in_text = {g for g in gold if g in text.lower()}
            hit_all += len(gold & got)
            total_all += len(gold)
            hit_text += len(in_text & got)
            total_text += len(in_text)
        print(
            f"{name:<12} {hit_all / total_all:6.3f} ({hit_all}/{total_all})   "
            f"{hit_text / total_text:6.3f} ({hit_text}/{total_text})"
        )


if __name__ == "__main__":
    main()
