"""The dashboard page: headline figures and server-drawn SVG charts, each with its CSV."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from pipeline.users import User
from pipeline.web import dashboard
from pipeline.web.auth import current_user
from pipeline.web.rendering import context_of, render
from pipeline.web.security import INERT_POLICY

router = APIRouter()


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    table: Callable[[Session], dashboard.Table]
    draw: Callable[[dashboard.Table, str], bytes]


def _charts() -> dict[str, Chart]:
    from pipeline.web import charts  # matplotlib loads on the first dashboard, not at start

    return {chart.name: chart for chart in (
        Chart("touchless-by-channel", "Touchless rate by channel (%)", dashboard.touchless_by_channel,
              lambda t, title: charts.lines(t, "day", "channel", "touchless_percent", title, "% touchless",
                                            percent=True)),
        Chart("touchless-by-sender", "Touchless rate of the busiest senders (%)", dashboard.touchless_by_sender,
              lambda t, title: charts.bars(t, "sender", "touchless_percent", title, "% touchless", percent=True)),
        Chart("backlog-by-age", "Waiting for review, by age", dashboard.backlog_by_age,
              lambda t, title: charts.bars(t, "age", "documents", title, "documents", horizontal=False)),
        Chart("cycle-time", "Cycle time, received to loaded (hours)", dashboard.cycle_time,
              lambda t, title: charts.multi_lines(t, "day", ("median_hours", "p90_hours"), title, "hours")),
        Chart("finding-codes", "Most frequent finding codes", dashboard.finding_codes,
              lambda t, title: charts.bars(t, "code", "documents", title, "documents")),
    )}


@router.get("/dashboard")
def dashboard_home(request: Request, user: User = Depends(current_user)):
    with context_of(request).sessions() as session:
        figures = dashboard.headline(session)
        disputes = dashboard.open_disputes(session)
    return render(request, "dashboard.html", charts=list(_charts().values()), figures=figures, disputes=disputes)


def _chart(name: str) -> Chart:
    chart = _charts().get(name)
    if chart is None:
        raise HTTPException(404, f"There is no chart {name!r}.")
    return chart


@router.get("/dashboard/{name}.svg")
def chart_svg(request: Request, name: str, user: User = Depends(current_user)):
    chart = _chart(name)
    with context_of(request).sessions() as session:
        table = chart.table(session)
    return Response(chart.draw(table, chart.title), media_type="image/svg+xml",
                    headers={"content-security-policy": INERT_POLICY})


@router.get("/dashboard/{name}.csv")
def chart_csv(request: Request, name: str, user: User = Depends(current_user)):
    from pipeline.web.charts import to_csv

    if name == "open-disputes":
        with context_of(request).sessions() as session:
            table = dashboard.open_disputes(session)
        if table is None:
            raise HTTPException(404, "Reconciliation keeps no disputes table yet.")
    else:
        chart = _chart(name)
        with context_of(request).sessions() as session:
            table = chart.table(session)
    return Response(to_csv(table), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{name}.csv"'})
