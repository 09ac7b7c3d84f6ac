"""Logging in and out, and who may see and do what: nothing without an account, viewers change nothing."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.exc import OperationalError

from pipeline.users import User, authenticate
from pipeline.web.rendering import context_of, flash, render
from pipeline.web.security import csrf_token, local_path

router = APIRouter()


class LoginRequired(Exception):
    """Raised by :func:`current_user`; the application answers with a redirect to the login page."""

    def __init__(self, target: str) -> None:
        self.target = target


def current_user(request: Request) -> User:
    """The logged-in, still active user of this request."""
    user_id = request.session.get("user_id")
    if user_id is not None:
        with context_of(request).sessions() as session:
            user = session.get(User, user_id)
        if user is not None and user.active:
            request.state.user = user
            return user
        request.session.clear()
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    raise LoginRequired(target if request.method == "GET" else "/queue")


def reviewer(user: User = Depends(current_user)) -> User:
    """The logged-in user, when allowed to change documents."""
    if not user.can_act:
        raise HTTPException(403, f"{user.name} is a viewer: viewers can look at everything but change nothing. Ask "
                            "an admin for the reviewer role.")
    return user


@router.get("/login")
def login_page(request: Request, next: str = "/queue"):
    return render(request, "login.html", next=local_path(next))


@router.post("/login")
def login(request: Request, name: str = Form(""), password: str = Form(""), next: str = Form("/queue")):
    with context_of(request).sessions() as session:
        user = authenticate(session, name, password)
        user_id = user.id if user is not None else None
        try:
            session.commit()  # the last login time (and a re-hash): worth keeping, not worth refusing a login for
        except OperationalError:
            session.rollback()
    if user_id is None:
        return render(request, "login.html", status_code=401, next=local_path(next), name=name,
                      error="Wrong name or password (or the account is disabled).")
    request.session.clear()  # a new session on login: nothing carried over from before (session fixation)
    request.session["user_id"] = user_id
    csrf_token(request)
    return RedirectResponse(local_path(next), status_code=303)


@router.post("/logout")
def logout(request: Request):
    request.session.clear()
    flash(request, "You are logged out.")
    return RedirectResponse("/login", status_code=303)
