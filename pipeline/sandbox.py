"""Reading untrusted files in a long-lived child process, within the limits of ``pipeline.limits``.

    with Sandbox(settings) as sandbox:
        outcome = sandbox.process(data, checks)  # what process(data, context=checks, ...) returns, or a stop

All of ``process()`` runs in the child (classify, parse, OCR, extract, validate), because any of them can
meet a hostile file: a compression bomb in a PDF stream, a 100 000-line order for validation. The one part
that cannot cross a process boundary is validation's ``history``, bound to the caller's database session
(and transaction): the child gets a stand-in whose two queries (``earlier_order``, ``corrections``) are sent
back over the pipe and answered by the real history in the parent while it waits. Master data is sent to
the child only when the caller's snapshot changes (``Context`` keeps one for a minute), not with each file.

The child is started once (imports, and spaCy's model on the first free-text e-mail, load once per child,
not per file) and replaced only after a stop: on timeout its whole process group is killed (OCR workers and
tesseract with it) and the next file gets a fresh child. It runs in its own process group, under
``RLIMIT_DATA`` (heap and private mappings, which is what a bomb grows; ``RLIMIT_AS`` would also count the
1.5 GB of address space that libraries reserve without using), started by the forkserver so that a parent
running threads (Prefect, the web desk) never forks itself. OCR workers the child starts inherit the limit,
each on its own. ``ADV_ISOLATE=false`` runs everything in the caller's process (debugging): pages and
memory errors are still checked, wall time is not.

One sandbox reads one file at a time; give each worker thread its own.
"""

from __future__ import annotations

import atexit
import logging
import os
import signal
import threading
import time
import weakref
from dataclasses import replace
from multiprocessing import current_process, get_context

from parsers.ocr import current_options
from pipeline.limits import Limits, Work, crashed, killed_by_system, out_of_memory, read_within_limits, stopped, \
    timed_out
from pipeline.process import Outcome, process
from pipeline.sandbox_child import HISTORY_QUERIES, Request, portable, serve
from pipeline.settings import Settings
from pipeline.validation import ValidationContext

log = logging.getLogger(__name__)
STARTUP_SECONDS = 120  # a child importing the pipeline on a busy machine; more means something is broken


class Sandbox:
    """Reads files one at a time within ``Limits`` (from ``settings``), in a child process unless
    ``settings.isolate`` is false. ``work`` is what runs for a file: ``process``, or a test's stand-in."""

    def __init__(self, settings: Settings, work: Work = process) -> None:
        self.limits = Limits.from_settings(settings)
        self.isolate = settings.isolate
        self.work = work
        self._child: _Child | None = None
        self._lock = threading.Lock()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def process(self, data: bytes, context: ValidationContext | None = None, *,
                ignore_embedded_xml: bool = False) -> Outcome:
        """``process(data, context=…)`` within the limits; never raises for a bad file (that is a finding)."""
        if not self.isolate or _cannot_have_children():
            return read_within_limits(self.work, data, context, self.limits, ignore_embedded_xml)
        with self._lock:
            if self._child is not None and not self._child.process.is_alive():  # killed while it waited
                self._child.kill()
                self._child = None
            if self._child is None:
                self._child = _Child(self.work, self.limits)
            healthy = False  # until the child answers: Ctrl-C, or an answer that would not pickle, leave it mid-file
            try:
                outcome, healthy = self._child.read(data, context, ignore_embedded_xml)
            except _RaisedInChild as raised:  # the child is fine and waits for the next file
                healthy = True
                raise raised.error from None
            finally:
                if not healthy:  # stopped, short of memory, or interrupted: the next file gets a fresh child
                    self._child.kill()
                    self._child = None
            return outcome

    @property
    def child_pid(self) -> int | None:
        """The process reading files now, if one is running."""
        return self._child.process.pid if self._child else None

    def close(self) -> None:
        with self._lock:
            if self._child is not None:
                self._child.close()
                self._child = None


_threads = threading.local()


def for_this_thread(settings: Settings) -> Sandbox:
    """This thread's sandbox for the limits of ``settings``, started once and reused by every loop that runs
    in the thread (Prefect tasks, review retries, one test after another): the child's imports and spaCy's
    model load once per thread, not once per batch. Its child stops when the thread ends, or at exit."""
    sandboxes: dict[tuple[Limits, bool], Sandbox] | None = getattr(_threads, "sandboxes", None)
    if sandboxes is None:
        sandboxes = _threads.sandboxes = {}
    key = (Limits.from_settings(settings), settings.isolate)
    if key not in sandboxes:
        sandboxes[key] = Sandbox(settings)
        weakref.finalize(threading.current_thread(), sandboxes[key].close)
    return sandboxes[key]


class _RaisedInChild(Exception):
    def __init__(self, error: BaseException) -> None:
        self.error = error


def _cannot_have_children() -> bool:
    """A daemonic process (a Dask or multiprocessing worker) may not start one: read in-process, once warned."""
    if not current_process().daemon:
        return False
    if not _warned:
        log.warning("this is a daemonic process, which cannot start the sandbox's child process: files are read "
                    "in-process, without the wall-time and memory limits")
        _warned.append(True)
    return True


_warned: list[bool] = []


_live: weakref.WeakSet[_Child] = weakref.WeakSet()
_NOTHING_SENT = object()


class _Child:
    """The parent's end of one child process."""

    def __init__(self, work: Work, limits: Limits) -> None:
        self.limits = limits
        mp = get_context("forkserver")
        self.conn, child_end = mp.Pipe()
        self.process = mp.Process(target=serve, args=(child_end, work, limits, current_options()),
                                  name="adv-sandbox", daemon=False)  # not a daemon: OCR starts a pool in it
        self.process.start()
        child_end.close()
        self.master: object = _NOTHING_SENT  # the master data the child holds
        _live.add(self)
        try:
            ready = self.conn.poll(STARTUP_SECONDS) and self.conn.recv()[0] == "ready"
        except (EOFError, ConnectionError):
            ready = False
        if not ready:
            self.kill()
            raise RuntimeError(f"the sandbox process did not start (exit code {self.process.exitcode}); a script "
                               "that reads files needs an `if __name__ == '__main__':` guard, since the child "
                               "process imports the script's module")

    def read(self, data: bytes, context: ValidationContext | None, ignore_embedded_xml: bool
             ) -> tuple[Outcome, bool]:
        """The file's outcome, and whether this child can read the next file."""
        master = context.master if context else None
        new_master = master is not self.master
        plain = replace(context, history=None, master=master if new_master else None) if context else None
        self.conn.send(Request(data, plain, new_master, bool(context and context.history), ignore_embedded_xml))
        self.master = master
        deadline = time.monotonic() + self.limits.timeout_seconds
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self.conn.poll(remaining):
                log.warning("reading a file took over %g s: stopping process %s", self.limits.timeout_seconds,
                            self.process.pid)
                return stopped(data, timed_out(self.limits.timeout_seconds), "stopped: timeout"), False
            try:
                kind, payload = self.conn.recv()
            except (EOFError, ConnectionError):
                return self._died(data), False
            if kind == "ask":
                self.conn.send(_answer(context.history, *payload))
            elif kind == "done":
                return payload, not any(f.code == "PROCESSING_MEMORY" for f in payload.findings)
            elif kind == "memory":  # the child could not even hold the file or its outcome
                return stopped(data, out_of_memory(self.limits.memory_mb), "stopped: out of memory"), False
            elif kind == "raised":  # our bug, as process() would raise it in-process
                raise _RaisedInChild(payload)

    def _died(self, data: bytes) -> Outcome:
        self.process.join(5)
        code = self.process.exitcode
        log.warning("sandbox process %s died (exit code %s)", self.process.pid, code)
        if code == -signal.SIGKILL:  # not us: the kernel's OOM killer, most likely
            return stopped(data, killed_by_system(), "stopped: killed")
        return stopped(data, crashed(code), "stopped: crashed")

    def kill(self) -> None:
        """The child and everything it started (OCR workers, tesseract): its whole process group."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.stop()

    def stop(self) -> None:
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        self.conn.close()
        _live.discard(self)

    def close(self) -> None:
        """Ask the child to finish, then end what it leaves behind (an OCR pool's workers)."""
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(5)
        self.kill()


def _answer(history, name: str, args: tuple) -> tuple[str, object]:
    if history is None or name not in HISTORY_QUERIES:
        return "failed", RuntimeError(f"the sandbox asked for history.{name}, which is not a history query")
    try:
        return "answer", getattr(history, name)(*args)
    except Exception as exc:  # noqa: BLE001 - raised again in the child, where validation called it
        return "failed", portable(exc)


@atexit.register  # after multiprocessing's own exit handler is registered, so it runs before it (LIFO)
def stop_children() -> None:
    """Stop every sandbox child of this process (at exit; and by a worker process before it returns, since
    multiprocessing waits for a process's children before its own exit handlers would run)."""
    for child in list(_live):
        child.kill()
