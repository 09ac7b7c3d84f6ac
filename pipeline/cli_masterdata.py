"""``adv masterdata``: import customers, suppliers, products, customer item codes and price lists."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from pipeline.cli_common import EXIT_REVIEW, EXIT_USAGE, console, err, open_context
from pipeline.masterdata.importer import KINDS, import_files

masterdata_app = typer.Typer(help="Master data: who our customers and suppliers are, what we sell at which price.",
                             no_args_is_help=True)


@masterdata_app.command("import")
def masterdata_import(
    files: Annotated[list[Path], typer.Argument(help="CSV or XLSX files, or folders of them")],
    kind: Annotated[Optional[str], typer.Option(help=f"what the files hold: {', '.join(KINDS)} "
                                                     "(default: from the file name)")] = None,
) -> None:
    """Upsert rows on their natural key; rows with invalid identifiers are refused with the reason."""
    paths = [p for f in files for p in (sorted(f.glob("*.csv")) + sorted(f.glob("*.xlsx")) if f.is_dir() else [f])]
    missing = [p for p in paths if not p.is_file()]
    if missing or not paths or (kind and kind not in KINDS):
        err.print(f"[red]nothing to import: {', '.join(map(str, missing)) or 'no CSV/XLSX file'}"
                  + (f" (unknown kind {kind})" if kind and kind not in KINDS else "") + "[/red]")
        raise typer.Exit(EXIT_USAGE)
    context = open_context()
    with context.sessions() as session:
        try:
            reports = import_files(session, paths, kind)
        except ValueError as exc:
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(EXIT_USAGE) from None
    table = Table("kind", "inserted", "updated", "refused", title="master data import")
    for report in reports:
        table.add_row(report.kind, str(report.inserted), str(report.updated), str(len(report.refused)))
    console.print(table)
    refused = [line for report in reports for line in report.refused]
    for line in refused:
        err.print(f"refused {line}", highlight=False)
    if refused:
        raise typer.Exit(EXIT_REVIEW)
