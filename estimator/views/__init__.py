"""Views: what the app and the CLI show of an estimate, as plain rows and texts, never computed here.

- ``results``      headline metrics with their change, the results table, the working, bar charts;
- ``uncertainty``  p5/p50/p95 rows, histograms, the tornado (chart and table);
- ``sweep``        default bounds, the sweep chart and table;
- ``compare``      two estimates' rows as text, a summary line, Markdown and JSON.

Every number is worded by ``estimator.display``; the numbers come from ``estimator.estimate``,
``estimator.uncertainty`` and ``estimator.compare``. Nothing here imports Streamlit or rich, so each
view is tested as data. The names of ``results`` are re-exported here (``views.result_rows``).
"""

from estimator.views.results import (DELTA_COLOURS, BarChart, Metric, Working, component_label, cost_by_component,
                                     headline_metrics, latency_budget, latency_by_stage, result_rows,
                                     storage_by_dataset, working_sections)

__all__ = ["DELTA_COLOURS", "BarChart", "Metric", "Working", "component_label", "cost_by_component",
           "headline_metrics", "latency_budget", "latency_by_stage", "result_rows", "storage_by_dataset",
           "working_sections"]
