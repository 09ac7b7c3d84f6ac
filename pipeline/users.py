"""Local accounts of the review desk: names, roles and argon2 password hashes in the order database."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from pipeline.db.models import Base, utcnow

_HASHER = PasswordHasher()  # argon2id with the library's current defaults; old hashes are upgraded at login
# Verified against when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("not a password anyone has")
MIN_PASSWORD_LENGTH = 10


class Role(StrEnum):
    VIEWER = "viewer"  # sees everything, changes nothing
    REVIEWER = "reviewer"  # works the queue: fix, approve, reject, retry
    ADMIN = "admin"  # a reviewer who may also manage accounts

    @property
    def can_act(self) -> bool:
        return self is not Role.VIEWER


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    @property
    def can_act(self) -> bool:
        return self.active and Role(self.role).can_act


class UserError(Exception):
    """A request about accounts that cannot be done; the message says why."""


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def add_user(session: Session, name: str, role: Role | str, password: str) -> User:
    """Create an account (the caller commits)."""
    name = name.strip()
    if not name or len(name) > 100 or any(c.isspace() for c in name):
        raise UserError("a user name is 1 to 100 characters without spaces")
    role = _role(role)
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise UserError(f"there is already a user named {name!r}")
    user = User(name=name, role=role.value, password_hash=_hash(password), active=True)
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, name: str, password: str) -> User:
    user = _existing(session, name)
    user.password_hash = _hash(password)
    return user


def set_role(session: Session, name: str, role: Role | str) -> User:
    user = _existing(session, name)
    user.role = _role(role).value
    return user


def set_active(session: Session, name: str, active: bool) -> User:
    user = _existing(session, name)
    user.active = active
    return user


def authenticate(session: Session, name: str, password: str) -> User | None:
    """The active user with this name and password, else None (same work either way)."""
    user = session.scalar(select(User).where(User.name == name.strip()))
    try:
        _HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _hash(password)
    user.last_login_at = utcnow()
    return user


def users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.name)))


def count(session: Session) -> int:
    return session.scalar(select(func.count(User.id))) or 0


def _hash(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return _HASHER.hash(password)


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise UserError(f"unknown role {role!r}: use one of {', '.join(r.value for r in Role)}") from None


def _existing(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise UserError(f"there is no user named {name!r}")
    return user
