"""The Streamlit app loads for every bundled scenario without an exception."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, SCENARIOS


@pytest.mark.parametrize("index", range(len(SCENARIOS)))
def test_app_shows_each_bundled_scenario(index):
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    app.sidebar.selectbox[0].set_value(index).run()
    assert not app.exception
    assert app.dataframe, "the results table is shown"
