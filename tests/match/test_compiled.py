"""Compiled sets: save/load round trip, incremental updates, damaged files, sources."""

import json
import random
from pathlib import Path

import pytest

from lionrock.match import BadSetFile, CompiledSet, aggregate, compile_file, rules_of, sighting_objects
from lionrock.match.sources import plain_id
from tests.match.helpers import compiled, ind, scan

LOG = "\n".join(
    [
        "198.51.100.7 evil.com",
        "203.0.113.77",
        "GET http://bad.example/x.php",
        "bob@phish.example",
        "2001:db8::1",
        "d41d8cd98f00b204e9800998ecf8427e",
        "nothing here",
    ]
)
PATTERNS = [
    "[ipv4-addr:value = '198.51.100.7']",
    "[domain-name:value = 'evil.com']",
    "[ipv4-addr:value = '203.0.113.0/24']",
    "[url:value = 'http://bad.example/x.php']",
    "[email-addr:value = 'bob@phish.example']",
    "[ipv6-addr:value = '2001:db8::/64']",
    "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']",
    "[domain-name:value = 'evil.com' AND ipv4-addr:value = '198.51.100.7']",
    "[process:name = 'x.exe']",
]


def later(obj: dict, **changes: object) -> dict:
    """A newer version of `obj` with `changes`."""
    return {**obj, **changes, "modified": "2026-02-01T00:00:00.000Z"}


def hits_of(cs: CompiledSet) -> list[tuple[int, str]]:
    return sorted((h.line, h.indicator_id) for h in scan(cs, LOG)[0])


def test_save_and_load_give_the_same_matches(tmp_path: Path) -> None:
    objs = [ind(p) for p in PATTERNS]
    cs = compiled(*objs)
    cs.cursor = "2026-11-22T00:00:00.000000Z"
    before = hits_of(cs)
    assert len(before) == 8  # three on line 1, one on each of lines 2-6; process:name cannot be evaluated
    cs.save(tmp_path / "set.lrm")
    loaded = CompiledSet.load(tmp_path / "set.lrm")
    assert hits_of(loaded) == before
    assert len(loaded) == 8 and loaded.cursor == cs.cursor
    assert objs[-1]["id"] in loaded.unevaluable


def test_incremental_updates_replace_revoke_and_ignore_older_versions(tmp_path: Path) -> None:
    a, b = ind("[domain-name:value = 'evil.com']"), ind("[ipv4-addr:value = '198.51.100.7']")
    cs = compiled(a, b)
    cs.save(tmp_path / "set.lrm")
    cs = CompiledSet.load(tmp_path / "set.lrm")
    a2 = later(a, pattern="[domain-name:value = 'phish.example']")
    cs.update(rules_of([a2, a, later(b, revoked=True)]))  # `a` is older than a2: ignored
    assert hits_of(cs) == [(4, a2["id"])]
    cs.save(tmp_path / "set.lrm")
    reloaded = CompiledSet.load(tmp_path / "set.lrm")
    assert hits_of(reloaded) == [(4, a2["id"])]
    assert len(reloaded) == 1 and reloaded.dead_terms == 0


def test_randomised_updates_agree_with_a_fresh_compile(tmp_path: Path) -> None:
    rng = random.Random(7)
    values = [f"198.51.100.{i}" for i in range(1, 40)] + [f"d{i}.evil.com" for i in range(40)]
    live: dict[str, dict] = {}
    cs = CompiledSet()
    for step in range(300):
        if live and rng.random() < 0.3:
            victim = rng.choice(sorted(live))
            gone = later(live.pop(victim), revoked=True)
            cs.update(rules_of([gone]))
        else:
            v = rng.choice(values)
            kind = "ipv4-addr" if v[0].isdigit() else "domain-name"
            obj = ind(f"[{kind}:value = '{v}']")
            live[obj["id"]] = obj
            cs.update(rules_of([obj]))
        if step % 50 == 0:
            cs.save(tmp_path / "s.lrm")
            cs = CompiledSet.load(tmp_path / "s.lrm")
    text = "\n".join(values)
    expected = sorted((h.line, h.indicator_id) for h in scan(compiled(*live.values()), text)[0])
    assert sorted((h.line, h.indicator_id) for h in scan(cs, text)[0]) == expected


@pytest.mark.parametrize("damage", [b"", b"not a set", None])
def test_damaged_files_are_refused_clearly(tmp_path: Path, damage: bytes | None) -> None:
    path = tmp_path / "set.lrm"
    compiled(ind(PATTERNS[0])).save(path)
    path.write_bytes(path.read_bytes()[:-20] if damage is None else damage)
    with pytest.raises(BadSetFile):
        CompiledSet.load(path)


def test_plain_lists_bundles_and_json_lines(tmp_path: Path) -> None:
    plain = tmp_path / "list.txt"
    plain.write_text("# blocklist\n198.51.100.7\nevil.com  # phishing\nnot a value!\n203.0.113.0/24\n")
    cs = compile_file(plain)
    assert len(cs) == 3 and list(cs.unevaluable) == ["line 4"]
    assert sorted(h.line for h in scan(cs, LOG)[0]) == [1, 1, 2]
    assert cs.index_of[plain_id("5:evil.com")] >= 0
    objs = [ind(p) for p in PATTERNS[:2]]
    (tmp_path / "b.json").write_text(json.dumps({"type": "bundle", "id": "bundle--1", "objects": objs}))
    (tmp_path / "b.jsonl").write_text("\n".join(json.dumps(o) for o in objs))
    assert len(compile_file(tmp_path / "b.json")) == len(compile_file(tmp_path / "b.jsonl")) == 2


def test_sightings_from_hits() -> None:
    a = ind("[domain-name:value = 'evil.com']")
    text = "2026-11-22T10:00:00Z evil.com\n2026-11-22T09:00:00Z evil.com\nevil.com\n"
    counts = aggregate(scan(compiled(a), text)[0])
    (s,) = sighting_objects(counts.values(), marking_ref="marking-definition--x", sighted_by="identity--me")
    assert (s["sighting_of_ref"], s["count"]) == (a["id"], 3)
    assert s["first_seen"] == "2026-11-22T09:00:00.000000Z" and s["last_seen"] == "2026-11-22T10:00:00.000000Z"
    assert s["where_sighted_refs"] == ["identity--me"] and s["created_by_ref"] == "identity--me"
    (anon,) = sighting_objects(counts.values(), marking_ref="marking-definition--x")
    assert "where_sighted_refs" not in anon and "created_by_ref" not in anon


def test_a_loaded_set_takes_new_indicators(tmp_path: Path) -> None:
    compiled(ind("[domain-name:value = 'evil.com']")).save(tmp_path / "set.lrm")
    cs = CompiledSet.load(tmp_path / "set.lrm")
    fresh = ind("[ipv4-addr:value = '203.0.113.77']")
    assert cs.update(rules_of([fresh])) == (1, 0)
    cs.save(tmp_path / "set.lrm")
    assert len(CompiledSet.load(tmp_path / "set.lrm")) == 2
    assert (2, fresh["id"]) in hits_of(cs)
