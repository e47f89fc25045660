"""Streamlit widgets of the Envelope app. They draw and return plain values; every number
they show comes from `estimator` (see estimator.views) and every picture from `diagrams_lib`."""
