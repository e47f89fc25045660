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

    >>> per_device_throughput("m", Q_(200_000.0, "inference/s"), 8.0).value.to("inference/s/GPU").magnitude
    25000.0
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


def fleet_steps(prefix: str, *, peak_qps: pint.Quantity, per_request: pint.Quantity, flops: pint.Quantity,
                device_peak: pint.Quantity, utilisation: float, headroom: float, price: pint.Quantity,
                month: pint.Quantity, measured: pint.Quantity | None = None, devices_per_system: float = 1.0,
                fleet: str = "Accelerators") -> dict[str, Step]:
    """A fleet sized for the peak and costed: inference rate → compute → whole accelerators → monthly cost.

    The one chain behind a model (``models.<name>``) and a serving stage on its own hardware
    (``serving.stages.<name>``).

    Parameters
    ----------
    prefix : str
        The key the four results go under (``<prefix>.inferences_per_second`` ...).
    peak_qps : Quantity [request / time]
        Requests per second at peak.
    per_request : Quantity [inference / request]
        Inferences each request needs.
    flops : Quantity [compute / inference]
        Compute per inference.
    device_peak : Quantity [compute / time]
        One accelerator's peak at the chosen precision (catalog data, with its source).
    utilisation, headroom : float
        The share of peak sustained (0 to 1], and the spare capacity factor (≥ 1).
    price : Quantity [currency / time]
        One accelerator's price; ``month`` the convention month in seconds.
    measured : Quantity [inference / time], optional
        A benchmark's throughput on a system of ``devices_per_system`` devices (MLPerf reports per
        system). Given, it sizes the fleet instead of ``device_peak`` × ``utilisation``, and the
        utilisation it implies is added (``throughput_per_device``, ``implied_utilisation``).
    fleet : str
        What the devices are called in the label (catalog ``FLEET_WORDS``: GPUs, TPU chips, CPU servers).

    Returns
    -------
    dict of str to Step
        inferences_per_second, required_flops, accelerators, monthly_cost (and with a measurement,
        throughput_per_device and implied_utilisation).

    >>> fleet = fleet_steps("m", peak_qps=Q_(100.0, "request/s"), per_request=Q_(100.0, "inference/request"),
    ...                     flops=Q_(8.2e9, "FLOP/inference"), device_peak=Q_(1979e12, "FLOP/s"), utilisation=0.37,
    ...                     headroom=1.0, price=Q_(3.0, "USD/hour"), month=Q_(2.5e6, "s"))
    >>> list(fleet), fleet["m.accelerators"].value
    (['m.inferences_per_second', 'm.required_flops', 'm.accelerators', 'm.monthly_cost'], <Quantity(1.0, 'accelerator')>)
    """
    rate = inferences_per_second(prefix, peak_qps, per_request)
    need = required_flops(prefix, rate.value, flops)
    measurement: list[Step] = []
    if measured is None:
        devices = accelerators_needed(prefix, need.value, device_peak, utilisation, headroom, fleet)
    else:
        per_device = per_device_throughput(prefix, measured, devices_per_system)
        devices = accelerators_measured(prefix, rate.value, per_device.value, headroom, fleet)
        measurement = [per_device, implied_utilisation(prefix, per_device.value, flops, device_peak)]
    cost = monthly_cost(prefix, devices.value, price, month)
    return {x.key: x for x in (rate, need, devices, cost, *measurement)}


def cost_per_thousand(key: str, cost: pint.Quantity, requests: pint.Quantity,
                      label: str = "Cost per 1,000 requests") -> Step:
    """Monthly cost over requests per month; the scenario's traffic fields are above 0, so this is defined.

    ``label`` says what the cost covers: the model accelerators only, or everything.
    """
    return step(key, label, "monthly_cost / requests_per_month × 1000 request",
                (cost / requests * Q_(1000.0, "request")).to("USD"), monthly_cost=cost, requests_per_month=requests)
