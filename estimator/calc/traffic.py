"""Traffic: users → requests per second, on average and at peak, and bandwidth.

>>> steps = traffic_steps(dau=Q_(150e6, "user"), requests_per_user=Q_(2 / 86400, "request/user/s"),
...                       requests=None, peak_factor=2.0, write_fraction=0.0,
...                       request_size=Q_(0, "B"), response_size=Q_(0, "B"), day=Q_(86400, "s"),
...                       month=Q_(2.5e6, "s"))
>>> round(steps["traffic.average_qps"].value.magnitude)  # Xu, SDI vol. 1 ch. 2: ~3,500 tweets/s
3472
"""

from __future__ import annotations

import pint

from estimator.trace import Step, step
from estimator.units import Q_

REQUEST = Q_(1.0, "request")


def daily_active_users_from_monthly(mau: pint.Quantity, fraction: float) -> Step:
    """Xu, SDI vol. 1 ch. 2: 300 M monthly actives, half of them daily.

    >>> daily_active_users_from_monthly(Q_(300e6, "user"), 0.5).value.magnitude
    150000000.0
    """
    return step("traffic.daily_active_users", "Daily active users", "monthly_active_users × daily_active_fraction",
                mau * fraction, monthly_active_users=mau, daily_active_fraction=fraction)


def average_qps_from_users(dau: pint.Quantity, requests_per_user: pint.Quantity) -> Step:
    return step("traffic.average_qps", "Average QPS", "daily_active_users × requests_per_user",
                (dau * requests_per_user).to("request/s"), daily_active_users=dau, requests_per_user=requests_per_user)


def average_qps_from_rate(requests: pint.Quantity) -> Step:
    return step("traffic.average_qps", "Average QPS", "requests", requests.to("request/s"), requests=requests)


def peak_qps(average: pint.Quantity, peak_factor: float) -> Step:
    return step("traffic.peak_qps", "Peak QPS", "average_qps × peak_factor", average * peak_factor,
                average_qps=average, peak_factor=peak_factor)


def requests_per_period(average: pint.Quantity, period: str, seconds: pint.Quantity) -> Step:
    return step(f"traffic.requests_per_{period}", f"Requests per {period}", f"average_qps × seconds_per_{period}",
                (average * seconds).to("request"), per=period, average_qps=average, **{f"seconds_per_{period}": seconds})


def split_qps(average: pint.Quantity, write_fraction: float) -> list[Step]:
    return [
        step("traffic.write_qps", "Average write QPS", "average_qps × write_fraction", average * write_fraction,
             average_qps=average, write_fraction=write_fraction),
        step("traffic.read_qps", "Average read QPS", "average_qps × (1 − write_fraction)",
             average * (1 - write_fraction), average_qps=average, write_fraction=write_fraction),
    ]


def bandwidth(key: str, label: str, qps: pint.Quantity, size: pint.Quantity, size_name: str) -> Step:
    """Bytes per second through the front door: requests/s × bytes per request."""
    return step(key, label, f"peak_qps × {size_name}", (qps * size / REQUEST).to("B/s"), peak_qps=qps,
                **{size_name: size})


def traffic_steps(*, dau: pint.Quantity | None, requests_per_user: pint.Quantity | None,
                  requests: pint.Quantity | None, peak_factor: float, write_fraction: float,
                  request_size: pint.Quantity, response_size: pint.Quantity, day: pint.Quantity,
                  month: pint.Quantity) -> dict[str, Step]:
    """All traffic results, keyed by their dotted names."""
    average = (average_qps_from_users(dau, requests_per_user) if dau is not None and requests_per_user is not None
               else average_qps_from_rate(requests))  # type: ignore[arg-type]
    peak = peak_qps(average.value, peak_factor)
    steps = [
        average, peak,
        requests_per_period(average.value, "day", day),
        requests_per_period(average.value, "month", month),
        *split_qps(average.value, write_fraction),
        bandwidth("traffic.ingress_bandwidth", "Peak ingress bandwidth", peak.value, request_size, "request_size"),
        bandwidth("traffic.egress_bandwidth", "Peak egress bandwidth", peak.value, response_size, "response_size"),
        step("traffic.egress_per_month", "Egress per month", "average_qps × response_size × seconds_per_month",
             (average.value * response_size / REQUEST * month).to("B"), per="month",
             average_qps=average.value, response_size=response_size, seconds_per_month=month),
    ]
    return {s.key: s for s in steps}
