"""The Practice tab: estimate headline results with units, reveal each with Envelope's working.

Widgets only: questions, grades, working and history rows come from ``estimator.practice``.
Answers stay hidden until a question's "Reveal" is pressed; an answer that cannot be read is
refused under its field with the dimension expected, and nothing is revealed. Each reveal is
stored once in the practice history, whose chart shows the error per kind of question over time.
"""

from __future__ import annotations

import altair as alt
import streamlit as st

from estimator.practice import history
from estimator.practice.answers import AnswerError, GivenAnswer, parse_answer
from estimator.practice.grading import ACCEPTABLE_FACTOR, GOOD_FACTOR
from estimator.practice.questions import Question, available_questions, framework_markdown
from estimator.report import markdown_text
from estimator.practice.session import (Attempt, attempt, derivation_markdown, given_assumptions, problem_statement,
                                        score_line)
from ui.view import View

GRADE_TEXT = {"good": f"Good: within {GOOD_FACTOR:g}×", "acceptable": f"Acceptable: within {ACCEPTABLE_FACTOR:g}×",
              "miss": f"Miss: beyond {ACCEPTABLE_FACTOR:g}×, or no usable answer"}


def practice_tab_ui(view: View) -> None:
    """The problem, the framework's questions, then each estimate with its own reveal; the score and history."""
    st.caption("Rehearse the interview: read the problem, estimate each result with its unit, then reveal "
               "Envelope's answer and working. Answers are graded by |log10(estimate / answer)|. "
               "The cards at the top of the page show some answers: look away from them.")
    for name, text in problem_statement(view.scenario):
        st.markdown(f"**{name}:** {markdown_text(text)}")  # the scenario's own text, shown literally
    with st.expander("Given (the scenario's inputs)"):
        st.dataframe([{"Given": path, "Value": value} for path, value in given_assumptions(view.scenario,
                                                                                             view.estimate)],
                     hide_index=True, width="stretch")
    with st.expander("The interview, step by step: the interviewer's questions"):
        st.markdown(framework_markdown(view.scenario.archetype))
    attempts = [a for number, question in enumerate(available_questions(view.scenario.archetype, view.estimate),
                                                    start=1)
                if (a := question_ui(number, question, view)) is not None]
    st.markdown(f"**{score_line(attempts)}**" if attempts else "Reveal a question to see its grade.")
    history_ui()


def question_ui(number: int, question: Question, view: View) -> Attempt | None:
    """One question: the answer field and its reveal; the graded attempt once revealed, else None."""
    key = f"practice:{view.file}:{question.key}"
    text = st.text_input(f"Q{number}. {question.prompt}", key=f"{key}:answer", placeholder=question.example,
                         help=f"Result `{question.key}`; type a number with its unit, e.g. {question.example}.")
    if st.button("Reveal", key=f"{key}:reveal"):
        result = view.estimate.steps[question.key]
        try:
            if text.strip():
                parse_answer(GivenAnswer(text.strip()), question.key, result, question.example, view.estimate.periods)
        except AnswerError as error:
            st.error(f"{error}. Correct it and reveal again.")
        else:
            st.session_state[f"{key}:revealed"] = text.strip()
    if f"{key}:revealed" not in st.session_state:
        return None
    given_text = st.session_state[f"{key}:revealed"]
    graded = attempt(view.scenario.name, question, GivenAnswer(given_text) if given_text else None, view.estimate)
    mine = f"your estimate {graded.guess}" if graded.guess else "no answer"
    off_by = f"; error {graded.error:.2f}" if graded.error is not None else ""
    st.markdown(f"**{GRADE_TEXT[graded.grade]}.** Envelope's answer: **{graded.truth}** ({mine}{off_by}).")
    st.markdown(derivation_markdown(question.key, view.estimate))
    _store_once(key, given_text, graded)
    return graded


def _store_once(key: str, given_text: str, graded: Attempt) -> None:
    """Each reveal goes into the history once, however often the page reruns."""
    stored = f"{key}:stored"
    if st.session_state.get(stored) == given_text:
        return
    try:
        history.record(history.database_path(), [graded])
    except history.HistoryUnavailable as error:
        st.caption(f"History not saved: {error}")
        return
    st.session_state[stored] = given_text


def history_ui() -> None:
    """Error per kind of question over time (every run, CLI and app), and the kinds missed most."""
    st.markdown("#### Your practice history")
    try:
        records = history.load(history.database_path())
    except history.HistoryUnavailable as error:
        st.caption(f"No history: {error}")
        return
    summaries = history.summarise(records)
    if not summaries:
        st.caption("No attempts yet: reveal a question, or run `envelope practice`.")
        return
    rows = history.chart_rows(records)
    if rows:
        st.altair_chart(alt.Chart(alt.Data(values=rows)).mark_line(point=True).encode(
            x=alt.X("when:T", title="When"),
            y=alt.Y("error:Q", title="Error, orders of magnitude"),
            color=alt.Color("question:N", title="Question kind"),
            tooltip=["question:N", "scenario:N", "when:T", alt.Tooltip("error:Q", format=".2f"), "grade:N"],
        ).properties(title="Error |log10(estimate / answer)| per kind of question"), width="stretch")
    st.markdown(history.missed_most_line(summaries))
    st.dataframe(history.summary_rows(summaries), hide_index=True, width="stretch")
