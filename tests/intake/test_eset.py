"""Real write-ups: every gold hash (samples.*) that an ESET README mentions is recovered."""

from __future__ import annotations

from lionrock.intake.indicators import extract
from lionrock.intake.readers import read_document
from tests.conftest import shared


def test_eset_hash_recall() -> None:
    root = shared("ioc", "eset")
    expected = recovered = 0
    for folder in sorted(p for p in root.iterdir() if (p / "README.adoc").exists()):
        data = (folder / "README.adoc").read_bytes()
        text = data.decode("utf-8", "replace").lower()
        gold = {
            line.strip().lower()
            for name in ("samples.md5", "samples.sha1", "samples.sha256")
            if (folder / name).exists()
            for line in (folder / name).read_text().splitlines()
            if line.strip()
        }
        gold = {h for h in gold if h in text}
        got = {f.value for f in extract(read_document(data, "README.adoc")) if f.type in ("md5", "sha1", "sha256")}
        expected += len(gold)
        recovered += len(gold & got)
        assert gold <= got, folder.name
    assert expected > 3000 and recovered == expected
