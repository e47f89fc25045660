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
                        headroom: float, fleet: str = "Accelerators") -> Step:
    """Whole devices: compute needed × headroom over what one device sustains.

    ``fleet`` names the devices in the label (catalog.FLEET_WORDS: GPUs, TPU chips, CPU servers).
    """
    exact = (required * headroom / (peak * utilisation / ONE_GPU)).to("GPU")
    return step(f"{prefix}.accelerators", f"{fleet} at peak",
                "⌈required_flops × headroom / (device_peak × utilisation)⌉", Q_(np.ceil(exact.magnitude), "GPU"),
                required_flops=required, headroom=headroom, device_peak=peak, utilisation=utilisation)


def per_device_throughput(prefix: str, measured: pint.Quantity, devices_per_system: float) -> Step:
    """A measured throughput per device: per system over the devices in it (MLPerf reports per system).

    >>> per_device_throughput("m", Q_(200_000.0, "inference/s"), 8.0).value
    <Quantity(25000.0, 'inference / accelerator / second')>
    """
    return step(f"{prefix}.throughput_per_device", "Measured throughput per device",
                "measured_throughput / devices_per_system", measured / (devices_per_system * ONE_GPU),
                measured_throughput=measured, devices_per_system=devices_per_system)


def accelerators_measured(prefix: str, inferences: pint.Quantity, per_device: pint.Quantity,
                          headroom: float, fleet: str = "Accelerators") -> Step:
    """Whole devices from a measurement: inferences at peak × headroom over what one device was measured at.

    A benchmark beats datasheet × utilisation: rankers bound by embedding gathers and feature I/O
    run far below their FLOP/s. 1.2 M inferences/s on devices measured at 25,000/s, headroom 1.25:

    >>> accelerators_measured("m", Q_(1.2e6, "inference/s"), Q_(25_000.0, "inference/s/GPU"), 1.25).value
    <Quantity(60.0, 'accelerator')>
    """
    exact = (inferences * headroom / per_device).to("GPU")
    return step(f"{prefix}.accelerators", f"{fleet} at peak (measured throughput)",
                "⌈inferences_per_second × headroom / throughput_per_device⌉", Q_(np.ceil(exact.magnitude), "GPU"),
                inferences_per_second=inferences, headroom=headroom, throughput_per_device=per_device)


def implied_utilisation(prefix: str, per_device: pint.Quantity, flops: pint.Quantity, peak: pint.Quantity) -> Step:
    """The share of the datasheet peak a measured throughput uses: throughput × FLOPs / peak.

    >>> r = implied_utilisation("m", Q_(25_000.0, "inference/s/GPU"), Q_(20e6, "FLOP/inference"), Q_(121e12, "FLOP/s"))
    >>> round(float(r.value.magnitude), 5)
    0.00413
    """
    return step(f"{prefix}.implied_utilisation", "Utilisation the measurement implies",
                "throughput_per_device × flops_per_inference / device_peak",
                (per_device * flops / (peak / ONE_GPU)).to(""), throughput_per_device=per_device,
                flops_per_inference=flops, device_peak=peak)


def monthly_cost(prefix: str, devices: pint.Quantity, price: pint.Quantity, month: pint.Quantity) -> Step:
    return step(f"{prefix}.monthly_cost", "Monthly cost", "accelerators × price_per_device × seconds_per_month",
                (devices * price / ONE_GPU * month).to("USD"), per="month", accelerators=devices,
                price_per_device=price, seconds_per_month=month)


def cost_per_thousand(key: str, cost: pint.Quantity, requests: pint.Quantity) -> Step:
    """Monthly cost over requests per month; the scenario's traffic fields are above 0, so this is defined."""
    return step(key, "Cost per 1,000 requests", "monthly_cost / requests_per_month × 1000 request",
                (cost / requests * Q_(1000.0, "request")).to("USD"), monthly_cost=cost, requests_per_month=requests)
