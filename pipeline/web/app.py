"""The review desk application: ``create_app(context)`` gives the FastAPI app ``adv web`` serves."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from pipeline.context import Context
from pipeline.web import auth, dashboard_page, document_page, queue_page
from pipeline.web.rendering import render
from pipeline.web.security import SecurityHeaders, secret_key, verify_csrf

STATIC = Path(__file__).with_name("static")
SESSION_HOURS = 12


def create_app(context: Context, *, https_only: bool = False) -> FastAPI:
    """The application over ``context`` (database, raw store, settings); the schema must be up to date."""
    app = FastAPI(title="ADV intake review desk", docs_url=None, redoc_url=None, openapi_url=None,
                  dependencies=[Depends(verify_csrf)])
    app.state.context = context
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(auth.router)
    app.include_router(queue_page.router)
    app.include_router(document_page.router)
    app.include_router(dashboard_page.router)
    # Order matters: the headers wrap everything, sessions sit inside them.
    app.add_middleware(SessionMiddleware, secret_key=secret_key(context.settings), session_cookie="adv_session",
                       max_age=SESSION_HOURS * 3600, same_site="lax", https_only=https_only)
    app.add_middleware(SecurityHeaders)

    @app.exception_handler(auth.LoginRequired)
    async def login_required(request: Request, exc: auth.LoginRequired):
        return RedirectResponse("/login?" + urlencode({"next": exc.target}), status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        titles = {403: "Not allowed", 404: "Not found", 405: "Not allowed", 409: "Changed by someone else"}
        message = str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = "There is nothing at this address."
        return render(request, "error.html", status_code=exc.status_code,
                      title=titles.get(exc.status_code, "Error"), message=message, link=("/queue", "Back to the queue"))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        return render(request, "error.html", status_code=400, title="Bad request",
                      message="The address or the form is not what this page expects (a document id is a number).",
                      link=("/queue", "Back to the queue"))

    return app
