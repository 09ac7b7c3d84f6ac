"""The Prefect ingest flow: counts by state, idempotent re-runs, retries on transient errors only; prefect.yaml."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from edifact_builders import interchange, order_body
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

import pipeline.run
from pipeline.context import Context
from pipeline.db.models import Document, Order
from pipeline.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SERVER_STARTUP_SECONDS = 180  # 16-18 s on 2 idle cores, 60-80 s measured while other suites ran


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    """One Prefect test server for the whole session: starting one is the slowest thing here."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", str(SERVER_STARTUP_SECONDS))
        patch.setenv("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # offline; its heartbeat only logs errors
        from prefect.testing.utilities import prefect_test_harness  # after the env: Prefect reads it on import

        with prefect_test_harness(server_startup_timeout=SERVER_STARTUP_SECONDS):
            yield


@pytest.fixture
def flows_ingest(prefect_server, adv_env) -> Iterator[ModuleType]:
    """The flow module, with its per-process context built from this test's environment."""
    from flows import ingest as module

    module.reset_context()
    yield module
    module.reset_context()


def write_inbox(inbox: Path, **files: str) -> None:
    inbox.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (inbox / name).write_text(text, encoding="latin-1")


def two_orders_and_a_broken_one(inbox: Path) -> None:
    """Two good ORDERS interchanges, and one whose UNT segment count is one short (EDI_UNT_COUNT)."""
    good = interchange(order_body("PO-2003"), ref="REF3")
    broken = good.replace("UNT+25", "UNT+24")
    assert broken != good
    write_inbox(inbox, po_1=interchange(order_body("PO-2001"), ref="REF1"),
                po_2=interchange(order_body("PO-2002"), ref="REF2"), po_bad=broken)


def count(model) -> int:
    context = Context(Settings())
    try:
        with context.sessions() as session:
            return session.scalar(select(func.count()).select_from(model))
    finally:
        context.engine.dispose()


@pytest.mark.prefect
def test_the_flow_ingests_the_inbox_in_batches_and_counts_each_state(flows_ingest, adv_env):
    from prefect.artifacts import Artifact

    two_orders_and_a_broken_one(Path(adv_env["ADV_INBOX"]))
    result = flows_ingest.ingest(batch_size=2)
    assert result == {"files_seen": 3, "files_new": 3, "already_received": 0, "files_processed": 3,
                      "states": {"loaded": 2, "needs_review": 1}, "errors": []}
    assert count(Order) == 2
    report = Artifact.get("ingest-report")
    assert "| documents loaded | 2 |" in report.data and "| documents needs_review | 1 |" in report.data
    assert "| parse | 3 |" in report.data  # time per stage of the run's three files


@pytest.mark.prefect
def test_running_twice_loads_nothing_twice(flows_ingest, adv_env):
    two_orders_and_a_broken_one(Path(adv_env["ADV_INBOX"]))
    flows_ingest.ingest()
    before = count(Document), count(Order)
    flows_ingest.reset_context()  # as a new scheduled run in a new process would
    again = flows_ingest.ingest(paths=[adv_env["ADV_INBOX"]])
    assert again["files_new"] == 0 and again["already_received"] == 3 and again["states"] == {}
    assert (count(Document), count(Order)) == before


@pytest.mark.prefect
def test_files_a_crashed_run_left_received_are_finished(flows_ingest, adv_env):
    inbox = Path(adv_env["ADV_INBOX"])
    write_inbox(inbox, po_1=interchange(order_body("PO-2001")))
    context = Context(Settings())
    context.init()
    pipeline.run.receive_files(context, [inbox / "po_1"])  # received, then the run died
    context.engine.dispose()
    result = flows_ingest.ingest()
    assert result["files_new"] == 0 and result["already_received"] == 1
    assert result["states"] == {"loaded": 1}


def flows_ingest_module() -> ModuleType:
    from flows import ingest as module

    return module


def fail_first_call(monkeypatch: pytest.MonkeyPatch, error: Exception) -> list[int]:
    """Make processing raise ``error`` on its first call only; returns the list of calls made."""
    calls, real = [], flows_ingest_module().process_some

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(flows_ingest_module(), "process_some", flaky)
    return calls


@pytest.mark.prefect
def test_a_transient_database_error_is_retried(flows_ingest, adv_env, monkeypatch):
    write_inbox(Path(adv_env["ADV_INBOX"]), po_1=interchange(order_body("PO-2001")))
    calls = fail_first_call(monkeypatch, OperationalError("SELECT 1", {}, Exception("database is locked")))
    monkeypatch.setattr(flows_ingest, "process_task", flows_ingest.process_task.with_options(retry_delay_seconds=0))
    result = flows_ingest.ingest()
    assert len(calls) == 2 and result["states"] == {"loaded": 1}


@pytest.mark.prefect
def test_a_defect_is_not_retried(flows_ingest, adv_env, monkeypatch):
    write_inbox(Path(adv_env["ADV_INBOX"]), po_1=interchange(order_body("PO-2001")))
    calls = fail_first_call(monkeypatch, ValueError("a bug of ours"))
    monkeypatch.setattr(flows_ingest, "process_task", flows_ingest.process_task.with_options(retry_delay_seconds=0))
    state = flows_ingest.ingest(return_state=True)
    assert state.is_failed() and len(calls) == 1


def test_prefect_yaml_deploys_the_ingest_flow_every_five_minutes():
    from prefect.cli.deploy._models import PrefectYamlModel  # what `prefect deploy` validates the file with

    from flows.serve import CONCURRENT_RUNS

    config = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    PrefectYamlModel.model_validate(config)
    assert [step for step in config["pull"] if "prefect.deployments.steps.set_working_directory" in step]
    deployment = next(d for d in config["deployments"] if d["name"] == "ingest-inbox")
    path, function = deployment["entrypoint"].split(":")
    tree = ast.parse((ROOT / path).read_text())
    flows = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == function
             and any("flow" in ast.unparse(decorator) for decorator in node.decorator_list)]
    assert flows, f"{deployment['entrypoint']}: no @flow function {function}"
    assert [timedelta(seconds=s["interval"]) for s in deployment["schedules"]] == [timedelta(minutes=5)]
    assert deployment["schedules"][0]["interval"] == Settings.model_fields["schedule_seconds"].default
    assert deployment["work_pool"]["name"] == "adv-process"
    assert deployment["concurrency_limit"] == CONCURRENT_RUNS > 1  # runs on several machines share the backlog


@pytest.mark.parametrize("configured", [True, False], ids=["PREFECT_API_URL set", "no Prefect server"])
def test_serve_serves_the_ingest_flow_on_the_settings_schedule(adv_env, monkeypatch, capsys, configured):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows import ingest as flows_ingest
    from flows import serve

    monkeypatch.setenv("ADV_SCHEDULE_SECONDS", "60")
    # Set what serve sets, so that monkeypatch takes it back after the test.
    for name, value in {"PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
                        "PREFECT_LOGGING_EXTRA_LOGGERS": "pipeline", "PREFECT_API_URL": "unused"}.items():
        monkeypatch.setenv(name, value)
    started, served = [], {}

    @contextmanager
    def local_server():
        started.append(True)
        yield "http://127.0.0.1:4299/api"

    monkeypatch.setattr(serve, "local_prefect_server", local_server)
    monkeypatch.setattr(flows_ingest.ingest, "serve",
                        lambda **options: served.update(options, api=PREFECT_API_URL.value()))
    api = "http://prefect.example:4200/api"
    with (temporary_settings(updates={PREFECT_API_URL: api}) if configured
          else temporary_settings(restore_defaults={PREFECT_API_URL})):
        serve.main()
    assert served.pop("entrypoint_type").value == "module_path"  # imports wherever each machine starts it
    assert served == {"name": "ingest-inbox", "interval": 60, "global_limit": serve.CONCURRENT_RUNS, "limit": 1,
                      "pause_on_shutdown": False, "api": api if configured else "http://127.0.0.1:4299/api"}
    assert started == ([] if configured else [True])  # a local server only when none is configured
    assert "stop with Ctrl+C" in capsys.readouterr().out
