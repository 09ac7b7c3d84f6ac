"""Templates (Jinja2, autoescaped: documents are hostile input) and what every page gets."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from pipeline.context import Context
from pipeline.web.security import csrf_token

TEMPLATES = Path(__file__).with_name("templates")

environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),  # every template, whatever its name
    trim_blocks=True,
    lstrip_blocks=True,
)


def context_of(request: Request) -> Context:
    return request.app.state.context


def flash(request: Request, message: str, kind: str = "info") -> None:
    """A message shown once, on the next page (after a redirect)."""
    request.session.setdefault("flash", []).append([kind, message])
    request.session["flash"] = request.session["flash"][-5:]


def render(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    user = getattr(request.state, "user", None)
    messages = request.session.pop("flash", []) if "session" in request.scope else []
    page = environment.get_template(template).render(
        request=request, user=user, messages=messages, csrf_token=csrf_token(request), **values)
    return HTMLResponse(page, status_code=status_code)


def age(moment: datetime | None) -> str:
    """How long ago, in the unit a person reads fastest ("40 min", "5 h", "3 d")."""
    if moment is None:
        return ""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    minutes = (datetime.now(timezone.utc) - moment).total_seconds() / 60
    if minutes < 60:
        return f"{max(minutes, 0):.0f} min"
    if minutes < 48 * 60:
        return f"{minutes / 60:.0f} h"
    return f"{minutes / 1440:.0f} d"


def when(moment: datetime | str | None) -> str:
    if moment is None:
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.strftime("%Y-%m-%d %H:%M")


environment.filters["age"] = age
environment.filters["when"] = when
