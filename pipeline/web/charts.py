"""Charts drawn on the server as SVG (matplotlib, object API: no global state, no GUI backend)."""

from __future__ import annotations

import csv
import io
import threading
from collections import defaultdict
from datetime import date, timedelta

import matplotlib

matplotlib.use("svg")  # before any figure: never a GUI backend on a server
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from pipeline.web.dashboard import Table  # noqa: E402

matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "adv", "font.size": 10,
                            "axes.spines.top": False, "axes.spines.right": False})
_LOCK = threading.Lock()  # matplotlib's text layout caches are not thread-safe
COLOURS = ("#1f5f99", "#d9822b", "#3a8a4f", "#a23b72", "#6b6b6b", "#c0392b")


def _svg(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buffer.getvalue()


def _days(ax, days: list[date]) -> None:
    """A date axis over the whole window (a single day is not stretched over years)."""
    first, last = min(days), max(days)
    ax.set_xlim(first - timedelta(days=1), last + timedelta(days=1))
    locator = AutoDateLocator(maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))


def _empty(ax, text: str = "no data yet") -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#777")
    ax.set_xticks([])
    ax.set_yticks([])


def lines(table: Table, x: str, series: str, y: str, title: str, ylabel: str, percent: bool = False) -> bytes:
    """One line per value of column ``series`` (channels), ``y`` against the day in ``x``."""
    data: dict[str, list[tuple[date, float]]] = defaultdict(list)
    xi, si, yi = (table.columns.index(c) for c in (x, series, y))
    for row in table.rows:
        data[str(row[si])].append((date.fromisoformat(row[xi]), float(row[yi])))
    with _LOCK:
        figure = Figure(figsize=(6.4, 3.0))
        ax = figure.subplots()
        ax.set_title(title, loc="left")
        if not data:
            _empty(ax)
        for index, (name, points) in enumerate(sorted(data.items())):
            ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=name,
                    color=COLOURS[index % len(COLOURS)])
        if data:
            ax.set_ylabel(ylabel)
            if percent:
                ax.set_ylim(0, 105)
            ax.legend(frameon=False, fontsize=8)
            _days(ax, [p[0] for points in data.values() for p in points])
        return _svg(figure)


def multi_lines(table: Table, x: str, ys: tuple[str, ...], title: str, ylabel: str) -> bytes:
    """Several numeric columns against the day in ``x`` (median and p90 of cycle time)."""
    xi = table.columns.index(x)
    with _LOCK:
        figure = Figure(figsize=(6.4, 3.0))
        ax = figure.subplots()
        ax.set_title(title, loc="left")
        if not table.rows:
            _empty(ax)
        else:
            days = [date.fromisoformat(row[xi]) for row in table.rows]
            for index, column in enumerate(ys):
                ci = table.columns.index(column)
                ax.plot(days, [float(row[ci]) for row in table.rows], marker="o", label=column.replace("_", " "),
                        color=COLOURS[index % len(COLOURS)])
            ax.set_ylabel(ylabel)
            ax.set_ylim(bottom=0)
            ax.legend(frameon=False, fontsize=8)
            _days(ax, days)
        return _svg(figure)


def bars(table: Table, label: str, value: str, title: str, xlabel: str, horizontal: bool = True,
         percent: bool = False) -> bytes:
    li, vi = table.columns.index(label), table.columns.index(value)
    labels = [_short(str(row[li])) for row in table.rows]
    values = [float(row[vi]) for row in table.rows]
    with _LOCK:
        figure = Figure(figsize=(6.4, max(2.4, 0.32 * len(labels) + 1.0) if horizontal else 3.0))
        ax = figure.subplots()
        ax.set_title(title, loc="left")
        if not table.rows:
            _empty(ax)
        elif horizontal:
            ax.barh(range(len(labels)), values, color=COLOURS[0])
            ax.set_yticks(range(len(labels)), labels)
            ax.invert_yaxis()
            ax.set_xlabel(xlabel)
            if percent:
                ax.set_xlim(0, 100)
        else:
            ax.bar(range(len(labels)), values, color=COLOURS[1])
            ax.set_xticks(range(len(labels)), labels)
            ax.set_ylabel(xlabel)
        return _svg(figure)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def to_csv(table: Table) -> str:
    """The table as CSV; cells a spreadsheet would run as a formula are quoted as text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(["'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r") else v
                         for v in row])
    return buffer.getvalue()
