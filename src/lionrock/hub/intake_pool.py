"""Worker processes for report intake: a bounded queue, a few dispatcher threads, one process per job.

Each job gets a fresh process forked from a fork server that has the readers preloaded (a fork
costs milliseconds; an interpreter with PDFium, lxml and lexbor would cost a second), so every
document starts with the whole CPU and memory allowance, and nothing a hostile document did to
one worker's heap can touch the next. The hub's own process never parses an upload. A worker
that ends without a report (killed at the wall-clock limit, by its CPU limit, or crashing inside
a C library) fails its job with the reason; the hub keeps serving."""

from __future__ import annotations

import logging
import multiprocessing
import queue
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.context import ForkServerContext
from pathlib import Path

from lionrock.errors import Busy
from lionrock.intake.worker import Report, Task, main

log = logging.getLogger(__name__)
_GRACE_SECONDS = 5.0  # past the readers' own deadline and the CPU limit, before the wall-clock kill
_PRELOAD = ["lionrock.intake.worker", "lionrock.intake.preload"]  # preload: the PII engine, built once
_context_lock = threading.Lock()
_context: ForkServerContext | None = None


def _main_imports() -> list[str]:
    """The modules the main script's names come from. A fork server's child re-runs a main script
    given by path (the `lionrock` console script, say) before it runs the job, and Python 3.11's fork
    server cannot preload `__main__` itself; with these preloaded, that re-run finds its imports done
    (a fork instead of half a second of importing the CLI and the web stack per job)."""
    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is not None or not hasattr(main, "__file__"):
        return []  # `python -m x` and interactive sessions: the child does not re-run anything
    names = {getattr(value, "__module__", None) or getattr(value, "__name__", None) for value in vars(main).values()}
    return sorted(name for name in names if isinstance(name, str) and name in sys.modules and name != "__main__")


def _fork_server() -> ForkServerContext:
    """One fork server per hub process, with the readers imported once."""
    global _context
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload([*_PRELOAD, *_main_imports()])
            _context = context
        return _context


@dataclass(frozen=True)
class PoolConfig:
    workers: int = 2
    queue_size: int = 8
    memory_mib: int = 1024
    seconds: int = 60


@dataclass(frozen=True)
class Outcome:
    """How one job ended: the result (JSON bytes) or why not, and what it cost."""

    result: bytes | None
    error: str | None
    seconds: float
    peak_rss_kib: int | None
    exitcode: int | None


@dataclass(frozen=True)
class Job:
    job_id: str
    make_task: Callable[[], Task]


def _peak_rss_kib(pid: int | None) -> int | None:
    """VmHWM of a live process (Linux), read before it is killed."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


class IntakePool:
    """Jobs in, outcomes out through `finish`; `start` is asked first whether the job still wants to run."""

    def __init__(
        self,
        config: PoolConfig,
        start: Callable[[str], bool],
        finish: Callable[[str, Outcome], None],
    ) -> None:
        self.config = config
        self._start = start
        self._finish = finish
        self._slots = threading.BoundedSemaphore(config.workers + config.queue_size)
        self._queue: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._in_flight: set[str] = set()
        self._processes: set[multiprocessing.process.BaseProcess] = set()
        self._closed = False
        self._last_run: dict[str, float] = {}
        self.runs = 0
        """Worker processes started (tests count extractions with it)."""
        self.history: deque[tuple[str, Outcome]] = deque(maxlen=200)
        self._threads = [
            threading.Thread(target=self._serve, name=f"lionrock-intake-{n}", daemon=True)
            for n in range(config.workers)
        ]
        for thread in self._threads:
            thread.start()

    def due(self, chore: str, every_seconds: float) -> bool:
        """True at most once per `every_seconds` for a chore (housekeeping kept cheap)."""
        now = time.monotonic()
        with self._lock:
            last = self._last_run.get(chore)
            if last is not None and now - last < every_seconds:
                return False
            self._last_run[chore] = now
            return True

    def retry_after(self) -> int:
        """A fair wait before trying again: one job's time limit, shared out over the workers."""
        return max(1, self.config.seconds // max(1, self.config.workers))

    def reserve(self) -> None:
        """Take a place in the queue, or raise Busy (nothing is stored for a refused upload)."""
        if self._closed or not self._slots.acquire(blocking=False):
            raise Busy(
                f"the intake queue is full ({self.config.queue_size} waiting, {self.config.workers} being read); "
                "try again later",
                self.retry_after(),
            )

    def release(self) -> None:
        """Give back a place taken by reserve() for a job that was never enqueued."""
        self._slots.release()

    def enqueue(self, job: Job) -> None:
        with self._lock:
            self._in_flight.add(job.job_id)
        self._queue.put(job)

    def in_flight(self) -> frozenset[str]:
        """Jobs queued or running in this process (so recovery leaves them alone)."""
        with self._lock:
            return frozenset(self._in_flight)

    def _serve(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            try:
                if self._closed or not self._start(job.job_id):
                    continue
                try:
                    outcome = self._run(job.make_task())
                except Exception as exc:  # the job ends failed, whatever happened; the thread lives on
                    log.exception("intake job %s", job.job_id)
                    outcome = Outcome(None, f"intake failed: {type(exc).__name__}: {exc}", 0.0, None, None)
                self.history.append((job.job_id, outcome))
                self._finish(job.job_id, outcome)
            except Exception:
                log.exception("intake job %s could not be recorded", job.job_id)
            finally:
                with self._lock:
                    self._in_flight.discard(job.job_id)
                self._slots.release()

    def _run(self, task: Task) -> Outcome:
        context = _fork_server()
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=main, args=(sender, task), daemon=True)
        started = time.monotonic()
        with self._lock:
            if self._closed:
                return Outcome(None, "the hub was shutting down", 0.0, None, None)
            process.start()
            self._processes.add(process)
            self.runs += 1
        sender.close()
        report: Report | None = None
        killed_at: int | None = None
        try:
            if receiver.poll(self.config.seconds + _GRACE_SECONDS):
                try:
                    report = receiver.recv()
                except (EOFError, OSError):
                    report = None
            else:
                killed_at = _peak_rss_kib(process.pid)
                process.kill()
        finally:
            receiver.close()
            process.join(10)
            if process.is_alive():
                process.kill()
                process.join(10)
            with self._lock:
                self._processes.discard(process)
        seconds = time.monotonic() - started
        if report is not None:
            return Outcome(report.result, report.error, seconds, report.peak_rss_kib, process.exitcode)
        return Outcome(None, self._death(process.exitcode, killed_at is not None), seconds, killed_at, process.exitcode)

    def _death(self, exitcode: int | None, timed_out: bool) -> str:
        limits = f"intake_seconds={self.config.seconds}, intake_memory_mib={self.config.memory_mib}"
        if timed_out:
            return f"reading the document took longer than {self.config.seconds} s; its worker was stopped ({limits})"
        if exitcode is not None and exitcode < 0:
            number = -exitcode
            try:
                name = signal.Signals(number).name
            except ValueError:
                name = f"signal {number}"
            if number in (signal.SIGXCPU, signal.SIGKILL):
                return f"reading the document used too much CPU time or memory; its worker was stopped ({limits})"
            return (
                f"the document crashed its reader ({name}), most likely by exhausting the worker's memory; "
                f"refused ({limits})"
            )
        return f"the worker reading the document ended without a result (exit status {exitcode})"

    def close(self) -> None:
        """Stop taking jobs, stop the workers now (their jobs are marked interrupted at the next start)."""
        with self._lock:
            self._closed = True
            processes = list(self._processes)
        for process in processes:
            process.kill()
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join(15)
