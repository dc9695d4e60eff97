"""Matcher: lionrock against `grep -F -f`, same indicators, same logs, same run.

Generates N mixed STIX indicators (IPv4, CIDR, IPv6, domains, URLs, hashes, e-mail; default 1M)
and about 200 MB of realistic logs in four files (Suricata eve.json, Zeek conn.log TSV, a proxy's
combined log with absolute URLs, a mail-gateway CSV). Into them it plants known hits, written the
way logs write them (upper-case, subdomains, addresses inside CIDR ranges, URLs split into host and
path or with default ports and percent-encoding) and near misses that must not match
(notevil-style prefixes, longer addresses, a digest containing an MD5). Background traffic uses
address and name spaces disjoint from the indicators, so every true hit is a planted one.

grep gets the indicators' literal values (CIDR ranges cannot be written as literals). Each side
runs in its own process; peak memory is that process's maximum resident set. Precision and recall
are per log line against the planted hits.

    .venv/bin/python benchmarks/matcher.py [--indicators 1000000] [--mb 200] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

IND_OCTETS = [5, 23, 37, 45, 77, 91, 103, 141, 176, 185, 193, 194, 195, 212, 213]
BG_OCTETS = [8, 13, 20, 31, 34, 35, 40, 52, 54, 104, 142, 151, 157, 199, 216]
BAD_TLDS = ["top", "xyz", "info", "biz", "click", "ru"]
GOOD_TLDS = ["com", "net", "org", "hk", "com.hk"]
SYLLABLES = ["ka", "lo", "mi", "ne", "ro", "ti", "sa", "ban", "hong", "pay", "cloud", "mail", "cdn", "shop", "news"]
LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789"
WHEN = "2026-11-22T{h:02d}:{m:02d}:{s:02d}.{us:06d}+0800"


# ------------------------------------------------------------------ indicators
def make_indicators(n: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """(id, kind, value) for n indicators; kind is the literal's kind, 'cidr' for ranges."""
    out: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    mix = [
        ("ipv4", 0.28),
        ("cidr", 0.02),
        ("ipv6", 0.03),
        ("domain", 0.25),
        ("url", 0.12),
        ("md5", 0.06),
        ("sha1", 0.04),
        ("sha256", 0.12),
        ("email", 0.08),
    ]
    kinds = rng.choices([k for k, _ in mix], [w for _, w in mix], k=n)
    for i, kind in enumerate(kinds):
        while True:
            if kind == "ipv4":
                v = f"{rng.choice(IND_OCTETS)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
            elif kind == "cidr":
                v = f"{rng.choice(IND_OCTETS)}.{rng.randrange(256)}.{rng.randrange(256)}.0/24"
            elif kind == "ipv6":
                v = f"2a0{rng.randrange(10)}:{rng.randrange(1, 65536):x}:{rng.randrange(65536):x}::{rng.randrange(1, 65536):x}"
            elif kind == "domain":
                v = "".join(rng.choices(LETTERS, k=rng.randint(7, 14))) + "." + rng.choice(BAD_TLDS)
            elif kind == "url":
                host = "".join(rng.choices(LETTERS, k=rng.randint(7, 12))) + "." + rng.choice(BAD_TLDS)
                v = f"http://{host}/{rng.choice(['login', 'gate', 'wp-admin', 'dl'])}/{rng.randrange(10**6)}-x.php"
            elif kind == "email":
                user = "".join(rng.choices(LETTERS, k=rng.randint(5, 10)))
                v = f"{user}@{''.join(rng.choices(LETTERS, k=8))}-mail.{rng.choice(BAD_TLDS)}"
            else:
                v = f"{rng.getrandbits({'md5': 128, 'sha1': 160, 'sha256': 256}[kind]):0{ {'md5': 32, 'sha1': 40, 'sha256': 64}[kind] }x}"
            if v not in seen:
                seen.add(v)
                break
        out.append((f"indicator--{i:08x}-0000-4000-8000-{rng.getrandbits(48):012x}", kind, v))
    return out


def pattern(kind: str, value: str) -> str:
    if kind in ("ipv4", "cidr"):
        return f"[ipv4-addr:value = '{value}']"
    path = {
        "ipv6": "ipv6-addr:value",
        "domain": "domain-name:value",
        "url": "url:value",
        "email": "email-addr:value",
        "md5": "file:hashes.MD5",
        "sha1": "file:hashes.'SHA-1'",
        "sha256": "file:hashes.'SHA-256'",
    }[kind]
    return f"[{path} = '{value}']"


def write_indicators(inds: list[tuple[str, str, str]], work: Path) -> None:
    marking = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
    with open(work / "indicators.jsonl", "w") as out, open(work / "literals.txt", "w") as lits:
        for stix_id, kind, value in inds:
            obj = {
                "type": "indicator",
                "spec_version": "2.1",
                "id": stix_id,
                "created": "2026-11-01T00:00:00.000Z",
                "modified": "2026-11-01T00:00:00.000Z",
                "pattern": pattern(kind, value),
                "pattern_type": "stix",
                "valid_from": "2026-11-01T00:00:00Z",
                "object_marking_refs": [marking],
            }
            out.write(json.dumps(obj) + "\n")
            if kind != "cidr":
                lits.write(value + "\n")


# ------------------------------------------------------------------ logs
class Logs:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.domains = [
            "".join(rng.choices(SYLLABLES, k=rng.randint(2, 3))) + "." + rng.choice(GOOD_TLDS) for _ in range(6000)
        ]
        self.hot = self.domains[:300]

    def ip(self) -> str:
        r = self.rng
        return f"{r.choice(BG_OCTETS)}.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}"

    def lan(self) -> str:
        return f"10.{self.rng.randrange(4)}.{self.rng.randrange(64)}.{self.rng.randrange(1, 255)}"

    def domain(self) -> str:
        r = self.rng
        name = r.choice(self.hot) if r.random() < 0.7 else r.choice(self.domains)
        return ("www." + name) if r.random() < 0.3 else name

    def when(self) -> str:
        r = self.rng
        return WHEN.format(h=r.randrange(24), m=r.randrange(60), s=r.randrange(60), us=r.randrange(10**6))

    def eve(
        self,
        src: str | None = None,
        dest: str | None = None,
        rrname: str | None = None,
        host: str | None = None,
        path: str | None = None,
        sha256: str | None = None,
        md5: str | None = None,
    ) -> str:
        r = self.rng
        head = (
            f'{{"timestamp":"{self.when()}","flow_id":{r.getrandbits(50)},"in_iface":"eth0",'
            f'"src_ip":"{src or self.lan()}","src_port":{r.randrange(1024, 65536)},'
            f'"dest_ip":"{dest or self.ip()}","dest_port":'
        )
        kind = (
            "fileinfo"
            if (sha256 or md5)
            else "http"
            if (host or path)
            else "dns"
            if rrname
            else r.choice(["dns", "dns", "http", "tls", "fileinfo", "flow"])
        )
        if kind == "dns":
            return (
                head
                + f'53,"proto":"UDP","event_type":"dns","dns":{{"type":"query","id":{r.randrange(65536)},"rrname":"{rrname or self.domain()}","rrtype":"A","tx_id":0}}}}'
            )
        if kind == "http":
            return head + (
                f'80,"proto":"TCP","event_type":"http","http":{{"hostname":"{host or self.domain()}",'
                f'"url":"{path or "/static/" + str(r.randrange(10**5)) + ".js"}","http_user_agent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64)",'
                f'"http_method":"GET","protocol":"HTTP/1.1","status":200,"length":{r.randrange(10**6)}}}}}'
            )
        if kind == "tls":
            return (
                head
                + f'443,"proto":"TCP","event_type":"tls","tls":{{"sni":"{self.domain()}","version":"TLS 1.3","ja3s":{{"hash":"{r.getrandbits(128):032x}"}}}}}}'
            )
        if kind == "fileinfo":
            return head + (
                f'80,"proto":"TCP","event_type":"fileinfo","fileinfo":{{"filename":"/dl/{r.randrange(10**4)}.bin",'
                f'"md5":"{md5 or format(r.getrandbits(128), "032x")}","sha256":"{sha256 or format(r.getrandbits(256), "064x")}",'
                f'"size":{r.randrange(10**7)},"stored":false}}}}'
            )
        return (
            head
            + f'443,"proto":"TCP","event_type":"flow","flow":{{"pkts_toserver":{r.randrange(100)},"bytes_toserver":{r.randrange(10**5)},"state":"closed"}}}}'
        )

    def conn(self, dest: str | None = None) -> str:
        r = self.rng
        return (
            f"{1795000000 + r.randrange(86400)}.{r.randrange(10**6):06d}\tC{r.getrandbits(64):x}\t{self.lan()}\t"
            f"{r.randrange(1024, 65536)}\t{dest or self.ip()}\t{r.choice([443, 80, 53, 8443])}\ttcp\tssl\t"
            f"{r.random():.6f}\t{r.randrange(10**4)}\t{r.randrange(10**6)}\tSF\tT\tF\t0\tShADadFf\t{r.randrange(100)}\t"
            f"{r.randrange(10**5)}\t{r.randrange(100)}\t{r.randrange(10**6)}\t-"
        )

    def access(self, client: str | None = None, target: str | None = None) -> str:
        r = self.rng
        t = f"{r.randrange(1, 29):02d}/Nov/2026:{r.randrange(24):02d}:{r.randrange(60):02d}:{r.randrange(60):02d} +0800"
        target = target or f"http://{self.domain()}/assets/{r.randrange(10**5)}/app.js?v={r.randrange(10**4)}"
        return (
            f'{client or self.lan()} - - [{t}] "GET {target} HTTP/1.1" {r.choice([200, 200, 304, 404])} '
            f'{r.randrange(10**6)} "-" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36"'
        )

    def mail(self, sender: str | None = None) -> str:
        r = self.rng
        user = "".join(r.choices(LETTERS, k=6))
        return (
            f"{self.when()},{sender or user + '@' + r.choice(self.domains)},staff{r.randrange(5000)}@bank.com.hk,"
            f"{r.choice(['delivered', 'quarantined', 'delivered'])},{r.randrange(10**6)},{self.ip()}"
        )


CONN_HEADER = (
    "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n"
    "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\t"
    "conn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\n"
)


def plant(kind: str, value: str, logs: Logs, rng: random.Random) -> tuple[str, str]:
    """(file, line) holding `value` the way a log would write it."""
    if kind == "ipv4":
        return rng.choice([("eve.json", logs.eve(dest=value)), ("conn.log", logs.conn(dest=value))])
    if kind == "cidr":
        inside = value.rsplit(".", 1)[0] + f".{rng.randrange(1, 255)}"
        return "conn.log", logs.conn(dest=inside)
    if kind == "ipv6":
        return "eve.json", logs.eve(dest=value)
    if kind == "domain":
        shown = rng.choice([value, "www." + value, "a.cdn." + value, value.upper()])
        return rng.choice([("eve.json", logs.eve(rrname=shown)), ("proxy.log", logs.access(target=f"http://{shown}/"))])
    if kind == "url":
        host, path = value[7:].split("/", 1)
        if rng.random() < 0.5:
            return "eve.json", logs.eve(host=host, path="/" + path)
        shown = rng.choice([value, f"http://{host.upper()}:80/{path}", f"http://{host}/{path.replace('-', '%2D')}"])
        return "proxy.log", logs.access(target=shown)
    if kind in ("md5", "sha256"):
        shown = value.upper() if rng.random() < 0.3 else value
        return "eve.json", logs.eve(**{kind: shown})
    if kind == "email":
        return "mail.csv", logs.mail(sender=value.upper() if rng.random() < 0.3 else value)
    raise ValueError(f"no way to plant {kind}")


def near_miss(kind: str, value: str, logs: Logs, rng: random.Random) -> tuple[str, str] | None:
    """A line with something that looks like `value` but must not match it."""
    if kind == "domain":
        return "eve.json", logs.eve(rrname=rng.choice(["not", "x", "my-"]) + value)
    if kind == "ipv4":
        a, b, c, d = value.split(".")
        return "conn.log", logs.conn(dest=f"{a}.{b}.{c}.{d}{rng.randrange(10)}" if int(d) < 25 else f"1{a}.{b}.{c}.{d}")
    if kind == "md5":
        return "eve.json", logs.eve(sha256=f"{rng.getrandbits(128):032x}" + value)
    if kind == "email":
        return "mail.csv", logs.mail(sender="x" + value)
    return None


def write_logs(inds: list[tuple[str, str, str]], total_mb: int, work: Path, rng: random.Random) -> dict[str, object]:
    logs = Logs(rng)
    shares = {"eve.json": 0.4, "proxy.log": 0.3, "conn.log": 0.2, "mail.csv": 0.1}
    makers = {"eve.json": logs.eve, "proxy.log": logs.access, "conn.log": logs.conn, "mail.csv": logs.mail}
    planted: dict[str, list[tuple[str, str]]] = {f: [] for f in shares}
    misses: dict[str, list[str]] = {f: [] for f in shares}
    plantable = [i for i in inds if i[1] != "sha1"]
    for stix_id, kind, value in rng.sample(plantable, 2000):
        file, line = plant(kind, value, logs, rng)
        planted[file].append((stix_id, line))
    for _, kind, value in rng.sample(inds, 3000):
        found = near_miss(kind, value, logs, rng)
        if found:
            misses[found[0]].append(found[1])
    truth: dict[str, dict[int, str]] = {}
    for file, share in shares.items():
        budget = int(total_mb * 1e6 * share)
        special = [(sid, line) for sid, line in planted[file]] + [("", line) for line in misses[file]]
        rng.shuffle(special)
        every = max(1, budget // 300 // (len(special) + 1))
        truth[file] = {}
        written, n = 0, 0
        with open(work / file, "w") as out:
            if file == "conn.log":
                out.write(CONN_HEADER)
                n = CONN_HEADER.count("\n")
            elif file == "mail.csv":
                out.write("timestamp,sender,recipient,action,size,client_ip\n")
                n = 1
            batch: list[str] = []
            while written < budget or special:
                if special and n % every == every - 1:
                    sid, line = special.pop()
                    if sid:
                        truth[file][n + 1] = sid
                else:
                    line = makers[file]()  # type: ignore[operator]
                batch.append(line)
                written += len(line) + 1
                n += 1
                if len(batch) >= 10000:
                    out.write("\n".join(batch) + "\n")
                    batch = []
            out.write("\n".join(batch) + "\n" if batch else "")
    return {"truth": truth, "near_misses": sum(len(v) for v in misses.values())}


# ------------------------------------------------------------------ the two sides
def run_child(args: list[str]) -> tuple[dict[str, object], float]:
    """Run a phase in its own process; its JSON summary and its peak RSS in MiB."""
    proc = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"phase {args[0]} failed ({proc.returncode})")
    return json.loads(out), usage.ru_maxrss / 1024


def phase_compile(work: Path) -> dict[str, object]:
    from lionrock.match import compile_file

    t = time.perf_counter()
    compiled = compile_file(work / "indicators.jsonl")
    compile_s = time.perf_counter() - t
    t = time.perf_counter()
    compiled.save(work / "indicators.lrm")
    return {
        "compile_s": compile_s,
        "save_s": time.perf_counter() - t,
        "indicators": len(compiled),
        "unevaluable": len(compiled.unevaluable),
        "size_mb": (work / "indicators.lrm").stat().st_size / 1e6,
    }


def phase_scan(work: Path, files: list[str], workers: int) -> dict[str, object]:
    from lionrock.match import CompiledSet, Scanner, ScanStats, open_log

    t = time.perf_counter()
    compiled = CompiledSet.load(work / "indicators.lrm")
    file_load_s = time.perf_counter() - t
    scanner = Scanner(compiled, workers=workers)
    load_s = time.perf_counter() - t
    stats = ScanStats()
    hits: list[tuple[str, int, str]] = []
    t = time.perf_counter()
    for name in files:
        with open_log(str(work / name)) as stream:
            hits.extend((name, h.line, h.indicator_id) for h in scanner.scan(stream, name, stats=stats))
    scan_s = time.perf_counter() - t
    scanner.close()
    worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "worker_peak_mib": worker_peak,
        "file_load_s": file_load_s,
        "load_s": load_s,
        "scan_s": scan_s,
        "bytes": stats.bytes,
        "malformed": stats.malformed,
        "candidates": stats.candidate_lines,
        "hits": hits,
    }


def phase_grep(work: Path, files: list[str]) -> dict[str, object]:
    t = time.perf_counter()
    subprocess.run(["grep", "-F", "-c", "-f", str(work / "literals.txt"), os.devnull], capture_output=True)
    compile_s = time.perf_counter() - t
    t = time.perf_counter()
    done = subprocess.run(["grep", "-F", "-n", "-f", "literals.txt", *files], capture_output=True, cwd=work)
    total_s = time.perf_counter() - t
    hits: list[tuple[str, int, str]] = []
    for line in done.stdout.splitlines():
        name, number, _ = line.split(b":", 2)
        hits.append((name.decode(), int(number), ""))
    size = sum((work / f).stat().st_size for f in files)
    return {"compile_s": compile_s, "total_s": total_s, "scan_s": total_s - compile_s, "bytes": size, "hits": hits}


def score(hits: list[list[object]], truth: dict[str, dict[str, str]], check_ids: bool) -> tuple[float, float, int]:
    found: dict[tuple[str, int], set[str]] = {}
    for file, line, sid in hits:
        found.setdefault((str(file), int(str(line))), set()).add(str(sid))
    planted = {(f, int(n)): sid for f, lines in truth.items() for n, sid in lines.items()}
    tp = sum(1 for key, ids in found.items() if key in planted and (not check_ids or planted[key] in ids))
    fp = len(found) - tp
    recall = sum(1 for key in planted if key in found) / len(planted)
    return (tp / len(found) if found else 1.0), recall, fp


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--indicators", type=int, default=1_000_000)
    ap.add_argument("--mb", type=int, default=200)
    ap.add_argument("--workdir", default="/tmp/lionrock-matcher-bench")
    ap.add_argument("--phase", choices=["compile", "scan", "grep"], help=argparse.SUPPRESS)
    ap.add_argument("--skip-grep", action="store_true")
    ap.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    args = ap.parse_args()
    work = Path(args.workdir)
    files = ["eve.json", "proxy.log", "conn.log", "mail.csv"]
    if args.phase:
        run = {
            "compile": lambda: phase_compile(work),
            "scan": lambda: phase_scan(work, files, args.workers),
            "grep": lambda: phase_grep(work, files),
        }[args.phase]
        print(json.dumps(run()))
        return
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    rng = random.Random(20261122)
    t = time.perf_counter()
    inds = make_indicators(args.indicators, rng)
    write_indicators(inds, work)
    meta = write_logs(inds, args.mb, work, rng)
    truth = meta["truth"]
    size = sum((work / f).stat().st_size for f in files)
    print(
        f"generated {len(inds):,} indicators and {size / 1e6:.0f} MB of logs with "
        f"{sum(len(v) for v in truth.values()):,} planted hits and {meta['near_misses']:,} near misses "  # type: ignore[union-attr]
        f"in {time.perf_counter() - t:.0f} s"
    )
    compiled, compile_rss = run_child(["--phase", "compile", "--workdir", str(work)])
    print(
        f"lionrock compile: {compiled['compile_s']:.1f} s for {compiled['indicators']:,} indicators, peak "
        f"{compile_rss:,.0f} MiB; compiled file {compiled['size_mb']:.0f} MB"
    )
    runs = {}
    for workers in (1, 2):
        scanned, rss = run_child(["--phase", "scan", "--workdir", str(work), "--workers", str(workers)])
        p, r, fp = score(scanned["hits"], truth, check_ids=True)  # type: ignore[arg-type]
        mbps = size / 1e6 / float(scanned["scan_s"])  # type: ignore[arg-type]
        end_to_end = size / 1e6 / (float(scanned["scan_s"]) + float(scanned["load_s"]))  # type: ignore[arg-type]
        runs[workers] = (mbps, end_to_end)
        workers_note = (
            f" (each of {workers} workers peaks at {scanned['worker_peak_mib']:,.0f} MiB, shared copy-on-write)"
            if workers > 1
            else ""
        )
        print(
            f"lionrock scan, {workers} process{'es' if workers > 1 else ''}: load {scanned['file_load_s']:.2f} s (+ scanner set-up = {scanned['load_s']:.2f} s), scan {scanned['scan_s']:.1f} s = "
            f"{mbps:.1f} MB/s ({end_to_end:.1f} MB/s with the load), peak {rss:,.0f} MiB{workers_note}; "
            f"precision {p:.4f} recall {r:.4f} ({fp} false positives)"
        )
    if args.skip_grep:
        return
    grepped, grep_rss = run_child(["--phase", "grep", "--workdir", str(work)])
    gp, gr, gfp = score(grepped["hits"], truth, check_ids=False)  # type: ignore[arg-type]
    g_scan = size / 1e6 / float(grepped["scan_s"])  # type: ignore[arg-type]
    g_total = size / 1e6 / float(grepped["total_s"])  # type: ignore[arg-type]
    print(
        f"grep -F -f: pattern compile {grepped['compile_s']:.1f} s; scan {g_scan:.1f} MB/s without it, "
        f"{g_total:.1f} MB/s with it; peak {grep_rss:,.0f} MiB; precision {gp:.4f} recall {gr:.4f} ({gfp} false positives)"
    )
    for workers, (mbps, end_to_end) in runs.items():
        print(
            f"ratio lionrock/grep, {workers} process{'es' if workers > 1 else ''}: scan {mbps / g_scan:.1f}x; "
            f"end to end (lionrock loads its compiled set, grep compiles its patterns) {end_to_end / g_total:.1f}x"
        )


if __name__ == "__main__":
    main()
