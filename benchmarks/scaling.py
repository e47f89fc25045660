"""Generated scenarios of n datasets, small thanks to YAML merge keys (the shape of issue 15's file).

Shared by benchmarks/bench_scaling.py (timings) and tests/test_scaling.py (operation counts).
"""

from __future__ import annotations

__all__ = ["padded_text", "scenario_text"]


def scenario_text(datasets: int) -> str:
    """A valid scenario with ``datasets`` data entries (one ranged input), as YAML text.

    >>> scenario_text(3).count("name: d")
    3
    """
    lines = ["name: Scaling", "traffic:",
             "  daily_active_users: {low: 1 million user, high: 4 million user}",
             "  requests_per_user_per_day: 5 request/user/day", "  request_size: 1 KB", "data:",
             "  - &common {name: d0, records_per_request: 1 event/request, record_size: 200 B, retention: 30 day, "
             "replication: 3, compression_ratio: 2}"]
    lines += [f"  - {{<<: *common, name: d{index}}}" for index in range(1, datasets)]
    return "\n".join(lines) + "\n"


def padded_text(datasets: int, size: int) -> str:
    """``scenario_text(datasets)`` followed by comment lines up to ``size`` bytes (UTF-8): the
    largest accepted upload is mostly text, as the loader's node cap allows about 2,200 datasets.

    >>> text = padded_text(3, 1_000)
    >>> len(text.encode("utf-8")) <= 1_000, text.count("name: d")
    (True, 3)
    """
    text = scenario_text(datasets)
    line = "# " + "padding " * 12 + "\n"
    return text + line * max(0, (size - len(text.encode("utf-8"))) // len(line))
