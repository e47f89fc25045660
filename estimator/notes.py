"""Study notes: a Markdown write-up of a scenario that follows the 7-step framework.

The steps are those of Xu & Aminian's *Machine Learning System Design Interview*:
requirements → ML framing → data → model → evaluation → serving → monitoring. Each step
shows what the scenario says (its framing) and the estimate results that belong to it, in
the tables of ``estimator.report`` (value and working); the diagram sits under serving.
Results that belong to no step are listed at the end, so nothing estimated is left out.
"""

from __future__ import annotations

from estimator.compose import Estimate
from estimator.report import conventions_text, results_table
from estimator.report import markdown_text as _text
from estimator.results import FRAMEWORK_STEPS, step_of
from estimator.scenario import Scenario
from estimator.trace import Step

REQUIREMENTS, FRAMING, _, _, EVALUATION, SERVING, MONITORING = FRAMEWORK_STEPS


def to_notes(scenario: Scenario, estimate: Estimate, diagram: str | None = None) -> str:
    """The whole write-up; ``diagram`` is the relative path of the diagram image to embed."""
    framing = scenario.framing
    prose = {
        REQUIREMENTS: [_line("Goal", framing.goal)],
        FRAMING: [_line("Task", framing.task), _line("Objective", framing.objective), _line("Labels", framing.labels)],
        EVALUATION: [_line("Offline metrics", ", ".join(framing.offline_metrics))],
        SERVING: [f"![Architecture of {_text(scenario.name, bracketed=True)}]({diagram})"] if diagram else [],
        MONITORING: [_line("Online metrics", ", ".join(framing.online_metrics))],
    }
    from estimator.practice.questions import framework  # the interviewer's questions per step, as data

    for step in framework(scenario.archetype):
        if step.questions:
            prose.setdefault(step.title, []).append(
                "**The interviewer asks:**\n\n" + "\n".join(f"- {_text(q)}" for q in step.questions))
    lines = [f"# {_text(scenario.name)}", ""]
    if scenario.summary:
        lines += [_text(scenario.summary), ""]
    lines += [f"Conventions: {conventions_text(estimate)}", ""]
    grouped: dict[str | None, list[Step]] = {}
    for result in estimate:
        grouped.setdefault(step_of(result.key), []).append(result)
    for title in FRAMEWORK_STEPS:
        lines += _section(title, [p for p in prose.get(title, []) if p], grouped.get(title, []), estimate)
    if grouped.get(None):
        lines += _section("Other results", [], grouped[None], estimate)
    return "\n".join(lines)


def _section(title: str, paragraphs: list[str], results: list[Step], estimate: Estimate) -> list[str]:
    lines = [f"## {title}", ""]
    for paragraph in paragraphs:
        lines += [paragraph, ""]
    if results:
        lines += [*results_table(results, estimate), ""]
    if not paragraphs and not results:
        lines += ["Nothing estimated for this step in this scenario.", ""]
    return lines


def _line(name: str, text: str) -> str:
    return f"**{name}:** {_text(text)}" if text else ""
