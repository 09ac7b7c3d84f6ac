"""The EDIFACT benchmark still runs: its measurements and identical-segments check, on a tiny input."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "edifact.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_edifact", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


@pytest.fixture(scope="module")
def tiny(bench, tmp_path_factory) -> Path:
    return bench.generate_interchange(tmp_path_factory.mktemp("bench") / "tiny.edi", 20_000)


def test_the_generated_interchange_is_deterministic_and_realistic(bench, tiny, tmp_path):
    again = bench.generate_interchange(tmp_path / "again.edi", 20_000)
    assert again.read_bytes() == tiny.read_bytes()
    text = tiny.read_bytes().decode("iso8859-1")
    assert text.startswith("UNA:+.? '\nUNB+UNOC:3+")
    assert "L?'Épicerie" in text or "d?'" in text
    assert "ORDERS:D:96A" in text and "INVOIC:D:96A" in text


def test_the_three_measurements_agree(bench, tiny):
    syntax = bench.measure("syntax", tiny)
    envelope = bench.measure("envelope", tiny)
    theirs = bench.measure("pydifact", tiny, check=True)
    assert "error" not in theirs
    assert syntax["segments"] == theirs["segments"] + 2  # pydifact keeps UNB and UNZ outside ``segments``
    assert envelope["events"] > 1
    assert theirs["comparison"]["identical"], theirs["comparison"]["first_difference"]
    assert theirs["comparison"]["compared"] == syntax["segments"]  # UNA in, UNZ out
    for result in (syntax, envelope, theirs):
        assert result["seconds"] > 0 and result["peak_rss_mib"] > 0


def test_a_measurement_runs_in_its_own_process(bench, tiny):
    result = bench.run_measurement("syntax", tiny, min_time=0.0)
    assert result["segments"] == bench.count_syntax(tiny)


def test_what_pydifact_cannot_read_is_a_result(bench, tmp_path):
    path = tmp_path / "bom.edi"
    path.write_bytes(b"\xef\xbb\xbfUNA:+.? 'UNB+UNOC:3+S+R+251120:1010+1'UNZ+0+1'")
    result = bench.measure("pydifact", path, check=True)
    assert result["error"].startswith("EDISyntaxError")  # the BOM: pydifact takes it for part of the tag
    assert "comparison" not in result


def test_a_difference_is_reported_with_the_first_differing_segment(bench):
    ours = [("UNB", (("S",),)), ("BGM", (("220",), ("PO1",)))]
    theirs = [("UNB", (("S",),)), ("BGM", (("220",), ("PO2",)))]
    comparison = bench.compare(ours, theirs)
    assert not comparison.identical
    assert comparison.first_difference == {"index": 1, "ours": ours[1], "pydifact": theirs[1]}
    assert not bench.compare(ours, ours[:1]).identical


def test_pydifact_elements_are_normalised_like_ours(bench):
    assert bench.normalise_pydifact_element("x") == ("x",)
    assert bench.normalise_pydifact_element(["a", "b", ""]) == ("a", "b")
    assert bench.normalise_pydifact_element("wrap\nped") == ("wrapped",)


def test_the_report_runs_end_to_end(bench, tmp_path, capsys, monkeypatch):
    # in this process: the subprocess round trip is covered above and costs an interpreter start each
    monkeypatch.setattr(bench, "run_measurement", lambda kind, path, min_time, check=False:
                        bench.measure(kind, path, min_time, check))
    figures = tmp_path / "figures.json"
    argv = ["--sizes", "0.02,0.03", "--corpus", str(tmp_path / "no-corpus"), "--out", str(tmp_path),
            "--min-time", "0", "--pydifact-limit", "0.025", "--json", str(figures)]
    assert bench.main(argv) == 0
    out = capsys.readouterr().out
    assert "ours seg/s" in out and "identical?" in out
    assert "pass --with-pydifact-100mb" in out  # inputs above the limit skip pydifact by default
    assert "speed-up on" in out
    saved = json.loads(figures.read_text())
    assert [row["comparison"]["identical"] if row["comparison"] else None for row in saved["rows"]] == [True, None]
