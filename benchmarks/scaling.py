"""Generated scenarios of n datasets, small thanks to YAML merge keys (the shape of issue 15's file).

Shared by benchmarks/bench_scaling.py (timings) and tests/test_scaling.py (operation counts).
"""

from __future__ import annotations

__all__ = ["scenario_text"]


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
