"""``python -m flows.serve`` (what ``adv serve`` runs): serve the ingest flow on its schedule until stopped.

Prefect's schedules are run by a Prefect server. With ``PREFECT_API_URL`` set (in the environment or the
Prefect profile) that server is used; without it a local one is started here and stopped on exit, because
the throw-away server Prefect would start by itself does not run schedules.

Several machines may serve the same deployment on one shared server (README, "More machines"): each runs one
ingestion at a time, up to ``CONCURRENT_RUNS`` overall as ``prefect.yaml`` allows, and stopping one leaves the
others' schedule running.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

STARTUP_TIMEOUT_SECONDS = 180  # 16-18 s to start on 2 idle cores; measured 75 s on a busy machine
CONCURRENT_RUNS = 4  # ingest-inbox runs at once on all machines, as prefect.yaml's concurrency_limit


def main() -> None:
    # Prefect reads these when it is imported, hence before the imports below.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", str(STARTUP_TIMEOUT_SECONDS))
    os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "pipeline")  # pipeline's log lines in the run logs
    from prefect.deployments.runner import EntrypointType
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.ingest import ingest
    from pipeline.settings import Settings

    settings = Settings()
    with ExitStack() as stack:
        api_url = PREFECT_API_URL.value()
        if not api_url:
            api_url = stack.enter_context(local_prefect_server())
            os.environ["PREFECT_API_URL"] = api_url  # for the processes the runs are started in
            stack.enter_context(temporary_settings({PREFECT_API_URL: api_url}))
        print(f"serving flow 'ingest' as deployment 'ingest-inbox' on {api_url.removesuffix('/api')}: the inbox "
              f"{settings.inbox.resolve()} every {settings.schedule_seconds} s; stop with Ctrl+C", flush=True)
        # Runs on several machines share the backlog through leases; one at a time on this one (a run already uses
        # its cores). By default Prefect pauses the schedule when serving stops, which would stop the other machines
        # too. The module path, unlike a file path relative to where this started, imports on every machine.
        ingest.serve(name="ingest-inbox", interval=settings.schedule_seconds, global_limit=CONCURRENT_RUNS, limit=1,
                     pause_on_shutdown=False, entrypoint_type=EntrypointType.MODULE_PATH)


@contextmanager
def local_prefect_server() -> Iterator[str]:
    """A Prefect server (API, UI, scheduler) on 127.0.0.1 for as long as the block runs; yields its API URL."""
    port = 4200 if _port_is_free(4200) else _free_port()
    url = f"http://127.0.0.1:{port}/api"
    print(f"starting a local Prefect server on port {port} (set PREFECT_API_URL to use another one)", flush=True)
    server = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                               "--port", str(port), "--analytics-off"])
    try:
        _wait_until_healthy(url, server)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_healthy(url: str, server: subprocess.Popen) -> None:
    import httpx

    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the Prefect server stopped while starting (exit code {server.returncode})")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the Prefect server did not answer on {url} within {STARTUP_TIMEOUT_SECONDS} s")


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


if __name__ == "__main__":
    main()
