"""What keeps hostile documents and other sites out: the secret key, response headers, CSRF tokens."""

from __future__ import annotations

import hmac
import os
import secrets
import time
from pathlib import Path

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pipeline.settings import Settings

# No inline script or style anywhere: the one script and the one style sheet are served by the application.
CONTENT_SECURITY_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                           "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
# Raw documents and rendered charts are never allowed to do anything, even when opened directly.
INERT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
SECRET_FILE = "web-secret"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class SecretKeyError(Exception):
    """No secret key in the settings and none can be stored under ADV_HOME."""


def secret_key(settings: Settings) -> str:
    """ADV_SECRET_KEY, else a key generated once and kept in $ADV_HOME/web-secret (readable by its owner only)."""
    if settings.secret_key is not None:
        key = settings.secret_key.get_secret_value()
        if len(key) < 32:
            raise SecretKeyError("ADV_SECRET_KEY is too short: use at least 32 random characters, e.g. the output "
                                 "of: python -c 'import secrets; print(secrets.token_urlsafe(32))'")
        return key
    path = Path(settings.home) / SECRET_FILE
    try:
        if path.exists():
            return path.read_text().strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(32)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(key + "\n")
        return key
    except FileExistsError:  # another process wrote it first
        return path.read_text().strip()
    except OSError as exc:
        raise SecretKeyError(f"cannot keep a session key in {path} ({exc.strerror}); set ADV_SECRET_KEY to 32 or "
                             "more random characters (the same on every machine serving the review desk)") from None


class SecurityHeaders:
    """Adds the security headers to every response, and the server time as a ``Server-Timing`` header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, cpu = time.perf_counter(), time.process_time()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"content-security-policy"]
                given = {k.lower(): v for k, v in message.get("headers", [])}
                policy = given.get(b"content-security-policy", CONTENT_SECURITY_POLICY.encode())
                headers += [
                    (b"content-security-policy", policy),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    # wall time, and the process's CPU time meanwhile (tells waiting on a busy machine from work)
                    (b"server-timing", (f"app;dur={(time.perf_counter() - started) * 1000:.1f}, "
                                        f"cpu;dur={(time.process_time() - cpu) * 1000:.1f}").encode()),
                ]
                if b"cache-control" not in given:
                    headers.append((b"cache-control", b"no-store"))  # pages show business data
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use; every form sends it back."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


async def verify_csrf(request: Request) -> None:
    """Refuse a state-changing request whose form does not carry this session's token (or comes from elsewhere)."""
    if request.method not in UNSAFE_METHODS:
        return
    origin = request.headers.get("origin")
    if origin and origin != "null" and origin.split("://", 1)[-1] != request.headers.get("host"):
        raise HTTPException(403, "This form was sent from another site; it was refused.")
    form = await request.form()
    sent = form.get("csrf_token")
    expected = request.session.get("csrf")
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(sent, expected):
        raise HTTPException(403, "The form expired or did not come from this page (CSRF check). Reload the page "
                            "and try again.")


def local_path(target: str | None, default: str = "/queue") -> str:
    """``target`` when it is a path on this site, else ``default`` (no open redirect after login)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target
