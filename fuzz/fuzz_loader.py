"""Coverage-guided fuzzing of the scenario loader and the estimate (atheris, libFuzzer).

Any byte string must either load and estimate, or raise ScenarioError whose message is one
line per problem naming the file. Anything else — another exception, a crash, an input that
runs longer than ``-timeout`` seconds or grows past ``-rss_limit_mb`` — is a finding:
libFuzzer stops and writes the input to ``crash-*`` / ``timeout-*`` / ``oom-*``.

Run it with ``make fuzz`` (FUZZ_SECONDS=300 by default); not part of ``make test`` or CI.
Each finding gets fixed with a regression test named after it (tests/test_fuzz_findings.py).
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["estimator", "yaml"]):
    from estimator.errors import ScenarioError
    from estimator.compose import estimate
    from estimator.scenario import load_scenario_text


def test_one_input(data: bytes) -> None:
    try:
        estimate(load_scenario_text(data, "fuzz.yaml"))
    except ScenarioError as error:
        lines = str(error).splitlines()
        if not lines or not all(line.startswith("fuzz.yaml") for line in lines):
            raise AssertionError(f"not one located line per problem: {str(error)!r}") from None


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
