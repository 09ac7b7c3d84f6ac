"""The sandbox's child process: it reads one file per request with ``read_within_limits`` and answers.

The parent (``pipeline.sandbox``) sends a ``Request``; the child replies ``("done", outcome)``, ``("raised",
exception)`` for our own bugs, or ``("memory", None)`` when it cannot even hold the file or its outcome. While a
file is validated, the child may send ``("ask", (query, args))`` for validation's history and waits for
``("answer", value)`` or ``("failed", exception)``: the history stays in the parent, bound to its database
session.
"""

from __future__ import annotations

import os
import pickle
import resource
import traceback
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection

from parsers.ocr import OcrOptions, configure_ocr
from pipeline.limits import Limits, Work, read_within_limits
from pipeline.validation import ValidationContext
from pipeline.validation.context import Correction, EarlierOrder
from schemas import BusinessDocument

HISTORY_QUERIES = ("earlier_order", "corrections")


@dataclass(frozen=True)
class Request:
    data: bytes
    context: ValidationContext | None  # without history; master data only when ``new_master``
    new_master: bool
    has_history: bool
    ignore_embedded_xml: bool


class RemoteHistory:
    """Validation's history in the child: each query is answered by the parent's database-bound history."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def earlier_order(self, doc: BusinessDocument, customer_id: int | None) -> EarlierOrder | None:
        return self._ask("earlier_order", doc, customer_id)

    def corrections(self, sender: str) -> list[Correction]:
        return self._ask("corrections", sender)

    def _ask(self, name: str, *args):
        self.conn.send(("ask", (name, args)))
        kind, payload = self.conn.recv()
        if kind == "failed":
            raise payload
        return payload


def serve(conn: Connection, work: Work, limits: Limits, ocr: OcrOptions) -> None:
    """The child's loop: one request, one reply, until the parent sends None or goes away."""
    os.setpgid(0, 0)  # its own process group, so a timeout kills what it started too
    configure_ocr(ocr)  # the parent's OCR options (engine, cache), so outcomes are the same as in-process
    if limits.memory_mb:
        ceiling = limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (ceiling, ceiling))
    conn.send(("ready", os.getpid()))
    master = None
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        except MemoryError:
            conn.send(("memory", None))
            continue
        if request is None:
            return
        if request.new_master:
            master = request.context.master if request.context else None
        context = request.context
        if context is not None:
            context = replace(context, master=master, history=RemoteHistory(conn) if request.has_history else None)
        try:
            reply = ("done", read_within_limits(work, request.data, context, limits, request.ignore_embedded_xml))
        except MemoryError:  # outside the parsers (read_within_limits catches theirs)
            reply = ("memory", None)
        except Exception as exc:  # noqa: BLE001 - our bug: raised again in the parent, as in-process
            reply = ("raised", portable(exc))
        del request, context
        try:
            conn.send(reply)
        except MemoryError:
            del reply
            conn.send(("memory", None))


def portable(exc: BaseException) -> BaseException:
    """``exc`` with its traceback as a note, or a RuntimeError saying what it was when it does not pickle."""
    text = "".join(traceback.format_exception(exc))
    try:
        exc.add_note(f"raised in the sandbox process:\n{text}")
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - an exception type that cannot be pickled
        return RuntimeError(f"raised in the sandbox process:\n{text}")
