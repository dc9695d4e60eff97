"""ATT&CK mapping quality: report-level precision / recall / F1 of technique sets.

- AnnoCTR dev documents (../shared/data/reports/annoctr): the development set the lexicon's stoplist
  was tuned on.
- TRAM reports (../shared/data/reports/tram/mjson): held out; nothing was trained or tuned on them.

Scores are micro-averaged over documents and also given as the mean per-document F1, with
sub-techniques rolled up to their parent technique (AnnoCTR labels mostly at parent level) and,
for TRAM, also exact. ATT&CK Enterprise v18.1.

    .venv/bin/python benchmarks/attack_mapping.py
"""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from pathlib import Path

from lionrock.intake.attack import catalogue, load_bundle
from lionrock.intake.document import Document
from lionrock.intake.techniques import Mapper

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
_TID = re.compile(r"T\d{4}(?:\.\d{3})?")


def roll_up(ids: set[str]) -> set[str]:
    return {i.split(".", 1)[0] for i in ids}


def score(pairs: list[tuple[set[str], set[str]]]) -> tuple[float, float, float, float]:
    tp = sum(len(p & g) for p, g in pairs)
    fp = sum(len(p - g) for p, g in pairs)
    fn = sum(len(g - p) for p, g in pairs)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    per_doc = []
    for p, g in pairs:
        if not g and not p:
            continue
        tp_d = len(p & g)
        pr = tp_d / len(p) if p else 0.0
        rc = tp_d / len(g) if g else 0.0
        per_doc.append(2 * pr * rc / (pr + rc) if pr + rc else 0.0)
    return precision, recall, f1, sum(per_doc) / len(per_doc) if per_doc else 0.0


def annoctr_dev() -> list[tuple[str, set[str]]]:
    gold: dict[str, set[str]] = defaultdict(set)
    for line in (DATA / "reports" / "annoctr" / "dev-attack-links.jsonl").open():
        row = json.loads(line)
        if row["entity_type"] == "TECHNIQUE":
            found = _TID.search(row["label_link"].replace("/", "."))
            if found:
                gold[row["document"]].add(found.group())
    texts = DATA / "reports" / "annoctr" / "text"
    return [((texts / f"{doc}.txt").read_text(), ids) for doc, ids in sorted(gold.items())]


def tram() -> list[tuple[str, set[str]]]:
    out = []
    for path in sorted((DATA / "reports" / "tram" / "mjson").glob("*.mjson")):
        try:
            data = json.loads(path.read_text())
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue  # the folder holds a stray .DS_Store renamed .mjson
        ids = set()
        for aset in data["asets"]:
            found = _TID.search(aset["type"])
            if found and aset.get("annots"):
                ids.add(found.group())
        out.append((data["signal"], ids))
    return out


def evaluate(name: str, mapper: Mapper, docs: list[tuple[str, set[str]]], exact: bool) -> None:
    start = time.perf_counter()
    predicted = [{m.attack_id for m in mapper.map(Document(text, "text"))} for text, _ in docs]
    seconds = time.perf_counter() - start
    rolled = score([(roll_up(p), roll_up(g)) for p, (_, g) in zip(predicted, docs, strict=True)])
    line = (
        f"{name:<22} {len(docs):>4} docs  rolled-up  P {rolled[0]:.3f}  R {rolled[1]:.3f}  "
        f"F1 {rolled[2]:.3f}  mean doc F1 {rolled[3]:.3f}"
    )
    if exact:
        ex = score([(p, g) for p, (_, g) in zip(predicted, docs, strict=True)])
        line += f"  | exact P {ex[0]:.3f} R {ex[1]:.3f} F1 {ex[2]:.3f} mean doc F1 {ex[3]:.3f}"
    chars = sum(len(t) for t, _ in docs)
    print(line + f"  ({chars / seconds / 1e6:.1f} MB/s)")


def main() -> None:
    mapper = Mapper.build(catalogue(load_bundle(DATA / "attack" / "enterprise-attack-v18.1.json.gz")))
    evaluate("AnnoCTR dev (tuned)", mapper, annoctr_dev(), exact=False)
    evaluate("TRAM (held out)", mapper, tram(), exact=True)


if __name__ == "__main__":
    main()
