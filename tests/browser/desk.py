"""Helpers of the review desk tests (test_web, test_browser, screenshots): accounts, logging in, ingesting files,
and a live server for the browser."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi.testclient import TestClient

from pipeline.context import Context
from pipeline.run import leftover_ids, process_batch, receive_files
from pipeline.users import Role, add_user
from pipeline.web.app import create_app

PASSWORD = "correct horse battery"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_user(context: Context, name: str, role: Role | str = Role.REVIEWER, password: str = PASSWORD) -> None:
    with context.sessions() as session:
        add_user(session, name, role, password)
        session.commit()


def csrf(client: TestClient, path: str = "/login") -> str:
    return _TOKEN.search(client.get(path).text).group(1)


def logged_in(context: Context, name: str = "rita", role: Role | str = Role.REVIEWER) -> TestClient:
    """A test client of a fresh app, logged in as a new user ``name``."""
    make_user(context, name, role)
    client = TestClient(create_app(context))
    response = client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": csrf(client)},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return client


def ingest(context: Context, files: list[Path], channel: str = "file") -> None:
    receive_files(context, files, channel=channel)
    process_batch(context, leftover_ids(context))


def write(folder: Path, name: str, data: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return path


@contextmanager
def live_server(context: Context) -> Iterator[str]:
    """The review desk served by uvicorn on a free loopback port, in a thread; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(context), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(5)
        sock.close()
