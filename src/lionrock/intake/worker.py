"""One document, read and extracted inside a worker process under memory and CPU limits.

The hub's process never parses an upload: a hostile document can at worst take down the worker
that reads it (lionrock.hub.intake_pool starts one per job), and the job then fails with the
reason. This module is what the worker runs; it is pure (no database), and it is preloaded by the
fork server so that starting a worker costs a fork, not an interpreter."""

from __future__ import annotations

import resource
import signal
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from types import FrameType
from typing import Any

import orjson

from lionrock.intake.attack import Technique
from lionrock.intake.document import MIB, DocumentError, Limits, limit_error
from lionrock.intake.draft import run_extraction
from lionrock.intake.readers import read_document
from lionrock.intake.results import to_json
from lionrock.intake.techniques import Mapper


@dataclass(frozen=True)
class Task:
    """What a worker needs, all plain values (pickled to the worker)."""

    data: bytes
    filename: str
    limits: Limits
    memory_mib: int
    cpu_seconds: int
    techniques: dict[str, Technique] | None = None


@dataclass(frozen=True)
class Report:
    """What a worker sends back: the stored result (JSON bytes) or the reason it failed, and its cost."""

    result: bytes | None
    error: str | None
    seconds: float
    cpu_seconds: float
    peak_rss_kib: int


class CpuTimeExceeded(BaseException):
    """SIGXCPU arrived: the soft CPU limit is spent (the hard limit kills the process shortly after).
    A BaseException, like KeyboardInterrupt, so that no reader's `except Exception` swallows it."""


def _on_sigxcpu(_signum: int, _frame: FrameType | None) -> None:
    raise CpuTimeExceeded


def apply_limits(memory_mib: int, cpu_seconds: int) -> None:
    """Address space (so a runaway allocation fails instead of swapping the host), CPU time, no core
    files. The address-space hard limit stays open so that the report can still be sent after the
    document used up the soft one (the worker runs our code only; a document cannot raise it)."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_mib * MIB, resource.RLIM_INFINITY))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 2))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXCPU, _on_sigxcpu)


def extract(task: Task) -> dict[str, Any]:
    """Read and extract, then check the number of findings; the stored result as plain data."""
    document = read_document(task.data, task.filename, task.limits)
    mapper = Mapper.build(task.techniques) if task.techniques else None
    extraction = run_extraction(document, mapper)
    found = len(extraction.indicators) + len(extraction.personal)
    if found > task.limits.max_findings:
        raise limit_error(f"the document yields {found:,} findings", "max_findings", task.limits.max_findings)
    return to_json(extraction)


def _usage() -> tuple[float, int]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def run(task: Task) -> Report:
    started = time.monotonic()
    result: bytes | None = None
    error: str | None = None
    try:
        result = orjson.dumps(extract(task))
    except DocumentError as exc:
        error = exc.message
    except MemoryError:
        error = f"reading the document needed more than {task.memory_mib:,} MiB of memory; refused (intake_memory_mib)"
    except CpuTimeExceeded:
        error = f"reading the document used more than {task.cpu_seconds} s of CPU; refused (intake_seconds)"
    except RecursionError:
        error = "the document nests too deeply to read; refused"
    except Exception as exc:  # a broken file gets a reason, never a crash of the worker loop
        error = f"could not read the document: {type(exc).__name__}: {exc}"
    cpu, peak = _usage()
    return Report(result, error, time.monotonic() - started, cpu, peak)


def main(conn: Connection, task: Task) -> None:
    """The worker process: limits first, then the work, then one message back."""
    apply_limits(task.memory_mib, task.cpu_seconds)
    report = run(task)
    resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    try:
        conn.send(report)
    finally:
        conn.close()
