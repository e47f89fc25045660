"""Hostile inputs are refused cheaply: bombs never get to explode.

Each input runs in a child process under hard resource limits (``resource.setrlimit``): CPU
seconds for the whole batch and address space. An input that really expanded — ``9**9**9``
computed exactly, an alias bomb built out, a recursion through 100,000 brackets — would be
killed by the kernel (or segfault) and fail the test; a refused one prints its message. No
timing is measured: the limits are generous ceilings, far above the real cost and far below
what an explosion costs.
"""

from __future__ import annotations

import pytest

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import ROOT, run_cli

CPU_SECONDS = 60  # for the whole batch: imports take ~2 s, a refused bomb milliseconds
ADDRESS_SPACE = 1 << 30  # 1 GiB of virtual memory; the program needs ~200 MB

HEAD = "name: Bomb\ntraffic:\n  daily_active_users: 100 million user\n  requests_per_user_per_day: 10 request/user/day\n"


def laughs(levels: int, width: int = 10) -> str:
    """The "billion laughs" document: each level lists the previous one ``width`` times."""
    lines = ["name: Laughs", "traffic:", "  requests: 5 request/s", f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * width)}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def derived(expr: str) -> str:
    return HEAD + f"derived:\n  - name: boom\n    expr: '{expr}'\n"


BOMBS: dict[str, tuple[str | bytes, str]] = {
    # name: (document, the words its one-line message must contain)
    "power_tower_quantity": (HEAD + "  request_size: 9**9**9 B\n", "chained exponents"),
    "power_tower_caret": (HEAD + "  request_size: 9^9^9 B\n", "chained exponents"),
    "huge_exponent_quantity": (HEAD + "  request_size: 10**100000 B\n", "exponents must be plain numbers"),
    # Not one number and one unit: refused by its shape before anything is evaluated.
    "nested_powers_quantity": (HEAD + "  request_size: ((((((((9**9)**9)**9)**9)**9)**9)**9)**9) B\n",
                               "does not start with a number"),
    "nested_powers_count": (HEAD + "conventions:\n  peak_factor: ((((((((9**9)**9)**9)**9)**9)**9)**9)**9)\n",
                            "not a number"),
    "power_tower_derived": (derived("9**9**9"), "chained exponents"),
    "huge_exponent_derived": (derived("traffic.peak_qps ** 99999"), "exponents must be plain numbers"),
    "nested_powers_derived": (derived("((((((((((((9**9)**9)**9)**9)**9)**9)**9)**9)**9)**9)**9)**9)"),
                              "overflows"),
    "pretty_exponent_derived": (derived("9⁹⁹⁹⁹⁹⁹⁹⁹"), "a superscript power on a number"),
    "many_tokens_derived": (derived("(" * 150 + "1" + ")" * 150), "more than 200 parts"),
    "long_quantity_text": (HEAD + "  request_size: " + "1*" * 100_000 + "1 B\n", "longer than 500 characters"),
    "long_integer_literal": (HEAD + "  write_fraction: " + "9" * 900_000 + "\n", "number too long"),
    "alias_bomb_9_levels": (laughs(9), "too many values"),
    "alias_bomb_wide": (laughs(4, width=200), "too many values"),
    "deep_flow_nesting": (HEAD + "summary: " + "[" * 200_000 + "\n", "nested deeper than 40 levels"),
    "deep_block_nesting": (HEAD + "summary:\n" + "".join(" " * i + "- \n" for i in range(1, 300)),
                           "nested deeper than 40 levels"),
    "deep_mapping_nesting": (HEAD + "x: " + "{a: " * 100_000 + "\n", "nested deeper than 40 levels"),
    "file_over_the_cap": (HEAD + "# " + "x" * 1_100_000 + "\n", "file too large"),
    "binary_over_the_cap": (b"\x00" * 2_000_000, "file too large"),
    "many_keys": (HEAD + "".join(f"k{i}: {i}\n" for i in range(30_000)), "too many values"),
}


HARNESS_CPU_SECONDS = 2  # proving the harness kills a runaway needs no more than this


def run_limited(script: str, cpu_seconds: int = CPU_SECONDS) -> subprocess.CompletedProcess[str]:
    """Run ``script`` in a fresh interpreter whose CPU time and memory are capped by the kernel."""
    prologue = textwrap.dedent(f"""
        import resource
        resource.setrlimit(resource.RLIMIT_CPU, ({cpu_seconds}, {cpu_seconds}))
        resource.setrlimit(resource.RLIMIT_AS, ({ADDRESS_SPACE}, {ADDRESS_SPACE}))
    """)
    return subprocess.run([sys.executable, "-c", prologue + textwrap.dedent(script)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={"PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "1",
                                                       "HOME": str(Path.home()), "LANG": "C.UTF-8"})


def test_every_bomb_is_refused_under_tight_limits(tmp_path):
    (tmp_path / "bombs.json").write_text(json.dumps(
        {name: (text if isinstance(text, str) else None) for name, (text, _) in BOMBS.items()}), encoding="utf-8")
    for name, (text, _) in BOMBS.items():
        if isinstance(text, bytes):
            (tmp_path / f"{name}.bin").write_bytes(text)
    result = run_limited(f"""
        import json, pathlib
        from estimator.errors import ScenarioError
        from estimator.compose import estimate
        from estimator.scenario import load_scenario_text
        folder = pathlib.Path({str(tmp_path)!r})
        out = {{}}
        for name, text in json.loads((folder / "bombs.json").read_text(encoding="utf-8")).items():
            data = text if text is not None else (folder / f"{{name}}.bin").read_bytes()
            try:
                estimate(load_scenario_text(data, name + ".yaml"))
                out[name] = "ACCEPTED"
            except ScenarioError as error:
                out[name] = str(error)
        print(json.dumps(out))
    """)
    assert result.returncode == 0, result.stderr[-2000:]  # -9/-24/-11: killed by a limit, or a crash
    messages = json.loads(result.stdout)
    for name, (_, words) in BOMBS.items():
        message = messages[name]
        assert words in message, (name, message)
        assert message.startswith(f"{name}.yaml"), (name, message)
        assert len(message.splitlines()) == 1 and len(message) < 400, (name, message)


def test_the_limits_are_real():
    """The harness itself: an explosion of the kind the bombs would cause is killed.

    The same harness with a 2 s CPU limit instead of the batch's 60 s: what is proved is that the
    kernel limit kills a runaway, and waiting 60 CPU seconds for it proves nothing more.
    """
    result = run_limited("x = 9 ** 9 ** 9\nprint('finished')", HARNESS_CPU_SECONDS)
    assert result.returncode in (-9, -24) and "finished" not in result.stdout  # SIGKILL / SIGXCPU: the CPU limit
    result = run_limited("x = bytearray(2 << 30)\nprint('finished')", HARNESS_CPU_SECONDS)
    assert result.returncode != 0 and "finished" not in result.stdout


def test_the_cli_refuses_bombs_with_exit_2(tmp_path):
    names = ["deep_flow_nesting", "alias_bomb_9_levels", "power_tower_quantity", "file_over_the_cap"]
    paths = []
    for name in names:
        text = BOMBS[name][0]
        paths.append(tmp_path / f"{name}.yaml")
        paths[-1].write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    result = run_cli("validate", *map(str, paths))
    assert result.returncode == 2, result.stderr[-500:]  # not -11 (segfault) nor 1 (a traceback)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert [BOMBS[name][1] in line for name, line in zip(names, lines, strict=True)] == [True] * len(names)
    result = run_cli("estimate", str(paths[0]))
    assert result.returncode == 2 and result.stderr == lines[0] + "\n"


def test_samples_are_capped_with_a_clear_message():
    scenario = str(ROOT / "scenarios" / "video_recommendation.yaml")
    for given in ("1000000000000", "-5", "many"):
        result = run_cli("estimate", scenario, "--samples", given)
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
        assert "--samples" in result.stderr


def test_an_expression_is_bounded_by_its_length_as_written_not_after_names_are_replaced():
    from estimator.expressions import ExpressionProblem, evaluate
    from estimator.units import MAX_EXPRESSION_LENGTH, Q_

    values = {"derived.a": Q_(2.0, "request/s")}
    written = " + ".join(["derived.a"] * 40)  # 480 characters; each name becomes a longer placeholder inside
    assert len(written) <= MAX_EXPRESSION_LENGTH
    assert evaluate(written, values).to("request/s").magnitude == 80.0
    longer = written + " + derived.a + derived.a"
    with pytest.raises(ExpressionProblem) as raised:
        evaluate(longer, values)
    assert "longer than 500 characters" in str(raised.value)
