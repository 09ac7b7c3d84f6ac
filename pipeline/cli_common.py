"""What every ``adv`` command shares: consoles, exit codes, the context."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pipeline.context import Context
from pipeline.settings import Settings

# Piped output (CI logs, files) gets a wide fixed width instead of rich's 80 columns.
console = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True)

EXIT_OK, EXIT_REVIEW, EXIT_USAGE = 0, 1, 2


def open_context() -> Context:
    """Settings read once, database migrated to the current schema (cheap when it already is)."""
    context = Context(Settings())
    context.init()
    return context


def progress_bar() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err, transient=True, disable=not err.is_terminal)
