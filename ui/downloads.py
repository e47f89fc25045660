"""Download buttons: the edited scenario, the report, the results as JSON, the diagram."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import streamlit as st


def downloads_ui(file: str, scenario_yaml: str, markdown: str, json_text: str,
                 pictures: Mapping[str, bytes | Callable[[], bytes]]) -> None:
    """A row of buttons; file names derive from the scenario's name, never from a server path.

    A picture may be a function: Streamlit calls it when its button is pressed (drawn on demand).
    """
    stem = Path(file).stem or "scenario"
    items: list[tuple[str, bytes | Callable[[], bytes], str, str]] = [
        ("Scenario YAML", scenario_yaml.encode("utf-8"), f"{stem}.edited.yaml", "application/x-yaml"),
        ("Report (Markdown)", markdown.encode("utf-8"), f"{stem}.md", "text/markdown"),
        ("Results (JSON)", json_text.encode("utf-8"), f"{stem}.json", "application/json"),
    ]
    items += [(f"Diagram ({fmt.upper()})", data, f"{stem}.{fmt}", mime)
              for fmt, mime in (("png", "image/png"), ("svg", "image/svg+xml")) if (data := pictures.get(fmt))]
    for column, (label, data, name, mime) in zip(st.columns(len(items)), items, strict=True):
        column.download_button(label, data, file_name=name, mime=mime, width="stretch", key=f"download-{name}")
