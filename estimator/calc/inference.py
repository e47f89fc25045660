"""Online inference: compute per request → accelerators at peak → monthly cost.

ResNet-50 (≈ 8.2 GFLOP per image) at 10 k images/s on H100 int8 (1,979 TOPS dense) at 37 %
utilisation, the sustained share of MLPerf inference v4.0's 88,714 images/s:

>>> need = required_flops("m", Q_(10_000.0, "inference/s"), Q_(8.2e9, "FLOP/inference"))
>>> gpus = accelerators_needed("m", need.value, Q_(1979e12, "FLOP/s"), 0.37, 1.0)
>>> gpus.value
<Quantity(1.0, 'accelerator')>
"""

from __future__ import annotations

import numpy as np
import pint

from estimator.trace import Step, step
from estimator.units import Q_

FLOPS_PER_PARAMETER = Q_(2.0, "FLOP/parameter/inference")  # one multiply-add per weight per forward pass
ONE_GPU = Q_(1.0, "GPU")


def flops_from_parameters(prefix: str, parameters: pint.Quantity) -> Step:
    """≈ 2 FLOPs per parameter per forward pass (a multiply and an add per weight)."""
    return step(f"{prefix}.flops_per_inference", "FLOPs per inference", "2 FLOP/parameter × parameters",
                (FLOPS_PER_PARAMETER * parameters).to("FLOP/inference"), parameters=parameters)


def flops_given(prefix: str, flops: pint.Quantity) -> Step:
    return step(f"{prefix}.flops_per_inference", "FLOPs per inference", "flops_per_inference", flops,
                flops_per_inference=flops)


def inferences_per_second(prefix: str, peak_qps: pint.Quantity, per_request: pint.Quantity) -> Step:
    return step(f"{prefix}.inferences_per_second", "Inferences per second at peak",
                "peak_qps × inferences_per_request", (peak_qps * per_request).to("inference/s"),
                peak_qps=peak_qps, inferences_per_request=per_request)


def required_flops(prefix: str, inferences: pint.Quantity, flops: pint.Quantity) -> Step:
    return step(f"{prefix}.required_flops", "Compute needed at peak", "inferences_per_second × flops_per_inference",
                (inferences * flops).to("FLOP/s"), inferences_per_second=inferences, flops_per_inference=flops)


def accelerators_needed(prefix: str, required: pint.Quantity, peak: pint.Quantity, utilisation: float,
                        headroom: float) -> Step:
    """Whole devices: compute needed × headroom over what one device sustains."""
    exact = (required * headroom / (peak * utilisation / ONE_GPU)).to("GPU")
    return step(f"{prefix}.accelerators", "Accelerators at peak",
                "⌈required_flops × headroom / (device_peak × utilisation)⌉", Q_(np.ceil(exact.magnitude), "GPU"),
                required_flops=required, headroom=headroom, device_peak=peak, utilisation=utilisation)


def monthly_cost(prefix: str, devices: pint.Quantity, price: pint.Quantity, month: pint.Quantity) -> Step:
    return step(f"{prefix}.monthly_cost", "Monthly cost", "accelerators × price_per_device × seconds_per_month",
                (devices * price / ONE_GPU * month).to("USD"), per="month", accelerators=devices,
                price_per_device=price, seconds_per_month=month)


def cost_per_thousand(key: str, cost: pint.Quantity, requests: pint.Quantity) -> Step:
    """Monthly cost over requests per month; the scenario's traffic fields are above 0, so this is defined."""
    return step(key, "Cost per 1,000 requests", "monthly_cost / requests_per_month × 1000 request",
                (cost / requests * Q_(1000.0, "request")).to("USD"), monthly_cost=cost, requests_per_month=requests)
