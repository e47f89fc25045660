"""The first run on a new machine behaves like every later run: nothing outside the checkout matters.

Each test runs the installed console script in fresh processes with an environment built from
nothing: an empty cache directory, the C locale, no ``PYTHONIOENCODING``, no terminal. The first
run (cold) and the second (warm) must agree byte for byte, and a home or cache directory that
cannot be written, another working directory or several first runs at once change nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SCENARIOS

# The console script of the environment running the tests, never a checkout's own .venv.
SCRIPT = Path(sys.executable).parent / "envelope"
VIDEO = ROOT / "scenarios" / "video_recommendation.yaml"
UNIT_CHECKS = """
import pint
from estimator.units import ureg
try:
    ureg("1 GB") + ureg("1 request")
    print("1 GB + 1 request: accepted")
except pint.DimensionalityError:
    print("1 GB + 1 request: refused")
print("25 KB =", ureg("25 KB").to("B"))
"""


def environment(home: Path | str, cache: Path | str, **extra: str) -> dict[str, str]:
    """A minimal environment: PATH from the active interpreter, C locale, the given HOME and cache."""
    return {"PATH": f"{SCRIPT.parent}{os.pathsep}/usr/bin{os.pathsep}/bin", "HOME": str(home),
            "XDG_CACHE_HOME": str(cache), "LC_ALL": "C", "OPENBLAS_NUM_THREADS": "1", **extra}


def envelope(*args: str, env: dict[str, str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    assert SCRIPT.exists(), f"the environment running the tests has no envelope script next to {sys.executable}"
    return subprocess.run([str(SCRIPT), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def estimates(env: dict[str, str]) -> dict[str, str]:
    """The JSON estimate of every bundled scenario, by file name; each run must succeed quietly."""
    out = {}
    for path in SCENARIOS:
        result = envelope("estimate", str(path), "--format", "json", env=env)
        assert result.returncode == 0 and result.stderr == "", (path.name, result.stderr)
        out[path.name] = result.stdout
    return out


def unit_checks(env: dict[str, str]) -> str:
    result = subprocess.run([sys.executable, "-c", UNIT_CHECKS], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def empty(tmp_path: Path) -> tuple[Path, Path]:
    home, cache = tmp_path / "home", tmp_path / "cache"
    home.mkdir()
    cache.mkdir()
    return home, cache


def test_cold_and_warm_runs_agree_byte_for_byte(empty):
    home, cache = empty
    env = environment(home, cache)
    cold_units, cold = unit_checks(env), estimates(env)
    warm_units, warm = unit_checks(env), estimates(env)
    assert cold_units == warm_units == "1 GB + 1 request: refused\n25 KB = 25000 B\n"
    assert len(cold) == len(SCENARIOS) >= 10
    assert cold == warm
    # Envelope keeps nothing outside the checkout: the home and cache directories stay empty.
    assert list(home.iterdir()) == [] and list(cache.iterdir()) == []


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The JSON estimate of one scenario from a plain first run."""
    folder = tmp_path_factory.mktemp("reference")
    result = envelope("estimate", str(VIDEO), "--format", "json", env=environment(folder, folder / "cache"))
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_home_that_is_dev_null(reference):
    env = environment("/dev/null", "/dev/null/cache")
    result = envelope("estimate", str(VIDEO), "--format", "json", env=env)
    assert (result.returncode, result.stderr, result.stdout) == (0, "", reference)
    result = envelope("validate", str(VIDEO), env=env)
    assert (result.returncode, result.stdout) == (0, f"{VIDEO}: ok\n")


def test_home_that_cannot_be_written(tmp_path, reference):
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o500)  # root ignores this; the XDG_CACHE_HOME below is unwritable for anyone
    try:
        result = envelope("estimate", str(VIDEO), "--format", "json", env=environment(home, home / "cache"))
    finally:
        home.chmod(0o700)
    assert (result.returncode, result.stderr, result.stdout) == (0, "", reference)


def test_cache_home_that_is_a_file(tmp_path, reference):
    cache = tmp_path / "cache"
    cache.write_text("not a directory\n", encoding="utf-8")
    env = environment(tmp_path, cache)
    result = envelope("estimate", str(VIDEO), "--format", "json", env=env)
    assert (result.returncode, result.stderr, result.stdout) == (0, "", reference)
    result = envelope("validate", str(VIDEO), env=env)
    assert (result.returncode, result.stdout) == (0, f"{VIDEO}: ok\n")
    assert cache.read_text(encoding="utf-8") == "not a directory\n"


def test_another_working_directory_and_terminal_width(tmp_path, reference):
    env = environment(tmp_path, tmp_path / "cache", COLUMNS="37")
    result = envelope("estimate", str(VIDEO), "--format", "json", env=env, cwd=tmp_path)
    assert (result.returncode, result.stderr, result.stdout) == (0, "", reference)


def test_several_first_runs_at_once(tmp_path, reference):
    cache = tmp_path / "cache"
    cache.mkdir()
    env = environment(tmp_path, cache)
    processes = [subprocess.Popen([str(SCRIPT), "estimate", str(VIDEO), "--format", "json"], cwd=ROOT, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outcomes = [(*process.communicate(timeout=120), process.returncode) for process in processes]
    assert outcomes == [(reference, "", 0)] * 4
