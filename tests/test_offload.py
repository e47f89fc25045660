"""A large scenario is worked on in a separate process (ui.worker), so it never holds the GIL of the
server's process, where every session's script runs; what comes back is exactly what the script
thread would have computed, and a bad file reads as the CLI's message.

The worker is a real process started with 'spawn': a stand-in in the test's own process would not
show that the results survive pickling (pint quantities unpickle through pint's application registry).
"""

from __future__ import annotations

import os
import sys

import pytest
from conftest import ROOT, SCENARIOS, run_cli
from streamlit.testing.v1 import AppTest

from estimator.errors import EnvelopeError, ScenarioError
from estimator.compose import estimate
from estimator.scenario import load_scenario_text
from estimator.units import Q_, ureg
from ui import cached, worker

sys.path.insert(0, str(ROOT / "benchmarks"))
from scaling import scenario_text  # noqa: E402

BIG_DATASETS = 600  # with merge keys a 20 KB file, over OFF_THREAD_BYTES


def big_text(datasets: int = BIG_DATASETS) -> bytes:
    text = scenario_text(datasets).encode("utf-8")
    assert len(text) >= cached.OFF_THREAD_BYTES
    return text


def test_the_worker_modules_examples_hold():
    import doctest

    # ui/ is not among the doctest paths (its modules draw widgets); this one draws none.
    assert doctest.testmod(worker) == doctest.TestResults(failed=0, attempted=1)


def test_every_bundled_case_study_stays_in_the_script_thread():
    assert max(len(path.read_bytes()) for path in SCENARIOS) < cached.OFF_THREAD_BYTES


def test_an_estimate_from_the_worker_equals_the_one_made_here_and_uses_the_one_registry():
    text = big_text()
    here = estimate(load_scenario_text(text, "big.yaml"))
    there = cached.in_worker(worker.estimated, text, "big.yaml", ())
    assert there == here
    assert len(there.steps) == len(here.steps) == 4819
    total = there["storage.total_footprint"]
    assert total._REGISTRY is ureg
    assert (total + Q_(1, "B")).to("B").magnitude == here["storage.total_footprint"].to("B").magnitude + 1
    scenario = cached.in_worker(worker.loaded, text, "big.yaml", ())
    assert scenario == load_scenario_text(text, "big.yaml")


def test_a_view_is_computed_in_the_worker_from_its_own_estimate():
    from estimator import views

    text = big_text()
    rows = cached.in_worker(worker.call, views.result_rows, text, "big.yaml", worker.Estimated(()))
    assert rows == views.result_rows(estimate(load_scenario_text(text, "big.yaml")))


def test_an_error_in_the_worker_keeps_its_problems_and_message():
    text = big_text().replace(b"record_size: 200 B", b"record_size: 200 request")
    with pytest.raises(ScenarioError) as here:
        load_scenario_text(text, "big.yaml")
    with pytest.raises(ScenarioError) as there:
        cached.in_worker(worker.loaded, text, "big.yaml", ())
    assert str(there.value) == str(here.value)
    assert there.value.problems == here.value.problems


def test_a_worker_that_dies_gives_a_message_and_the_next_call_starts_a_new_one():
    with pytest.raises(EnvelopeError, match="^the estimate stopped because its worker process ended"):
        cached.in_worker(os._exit, 3)
    assert cached.in_worker(worker.ready) is True


def upload(text: bytes, name: str, before=lambda: None) -> AppTest:
    """The app (first on a bundled case study) with ``text`` uploaded; ``before`` runs just before."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    app.sidebar.radio[0].set_value("Upload a YAML file").run()
    before()
    app.sidebar.file_uploader[0].set_value((name, text, "application/x-yaml")).run()
    assert not app.exception
    return app


def test_the_app_estimates_a_large_upload_without_estimating_in_its_own_process(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a large file was worked on in the script thread")

    def refused_here() -> None:
        monkeypatch.setattr(cached, "estimate", refuse)
        monkeypatch.setattr(cached, "load_scenario_text", refuse)

    text = big_text()
    app = upload(text, "big.yaml", refused_here)
    assert not app.error
    expected = estimate(load_scenario_text(text, "big.yaml"))
    cards = {m.label: m.value for m in app.metric}
    assert list(cards) == ["Peak QPS", "Total storage", "Monthly cost"]
    from estimator.display import show

    assert cards == {label: show(expected.steps[key], expected) for label, key in
                     (("Peak QPS", "traffic.peak_qps"), ("Total storage", "storage.total_footprint"),
                      ("Monthly cost", "cost.monthly_total"))}


def test_a_broken_large_upload_shows_the_clis_message(tmp_path):
    text = big_text().replace(b"record_size: 200 B", b"record_size: 200 request")
    (tmp_path / "big.yaml").write_bytes(text)
    cli = run_cli("validate", "big.yaml", cwd=tmp_path)
    assert cli.returncode == 2
    app = upload(text, "big.yaml")
    assert [c.value for c in app.code] == [cli.stderr.strip()]
    assert not app.metric
