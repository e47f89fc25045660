"""Training compute and cost: FLOPs per run → accelerator-hours → wall-clock → cost per month.

GPT-3 (Brown et al. 2020, Appendix D): 6 × 174.6 B parameters × 300 B tokens:

>>> flops = flops_from_tokens(Q_(174.6e9, "parameter"), Q_(300e9, "token"))
>>> format_quantity(flops.value)
'314 ZFLOP'
>>> f"{float(petaflop_s_days(flops.value).value.magnitude):.3g}"
'3.64e+03'
"""

from __future__ import annotations

import pint

from estimator.trace import Step, step
from estimator.units import Q_, format_quantity  # noqa: F401 - format_quantity used by doctests

FLOPS_PER_PARAMETER_TOKEN = Q_(6.0, "FLOP/parameter/token")  # forward (2) + backward (4) per weight per token
ONE_GPU = Q_(1.0, "GPU")
PETAFLOP_S_DAY = Q_(1e15 * 86400, "FLOP")  # 10^15 FLOP/s for 86,400 s, the unit Brown et al. print

def flops_from_tokens(parameters: pint.Quantity, tokens: pint.Quantity) -> Step:
    """6 · N · D for transformer-style models."""
    return step("training.flops_per_run", "Training FLOPs per run", "6 FLOP/parameter/token × parameters × tokens",
                (FLOPS_PER_PARAMETER_TOKEN * parameters * tokens).to("FLOP"), parameters=parameters, tokens=tokens)

def examples_per_run(examples_per_second: pint.Quantity, window: pint.Quantity, epochs: float) -> Step:
    return step("training.examples_per_run", "Examples seen per run", "examples_per_day × window × epochs",
                (examples_per_second * window * epochs).to("example"), examples_per_day=examples_per_second,
                window=window, epochs=epochs)

def flops_from_examples(examples: pint.Quantity, flops_per_example: pint.Quantity) -> Step:
    return step("training.flops_per_run", "Training FLOPs per run", "training.examples_per_run × flops_per_example",
                (examples * flops_per_example).to("FLOP"), **{"training.examples_per_run": examples},
                flops_per_example=flops_per_example)

def petaflop_s_days(flops: pint.Quantity) -> Step:
    return step("training.petaflop_s_days", "Petaflop/s-days per run", "training.flops_per_run / (10^15 FLOP/s × 86,400 s)",
                (flops / PETAFLOP_S_DAY).to(""), **{"training.flops_per_run": flops})

def run_steps(*, flops: pint.Quantity, peak: pint.Quantity, mfu: float, cluster: pint.Quantity,
              price: pint.Quantity, runs_per_month: float) -> dict[str, Step]:
    """Accelerator-hours at model-FLOPs utilisation, wall-clock on ``cluster``, cost per run and month.

    >>> r = run_steps(flops=Q_(8.4e23, "FLOP"), peak=Q_(312e12, "FLOP/s"), mfu=0.4, cluster=Q_(2048, "GPU"),
    ...               price=Q_(2.5, "USD/hour"), runs_per_month=1)
    >>> round(r["training.accelerator_hours"].value.to("GPU*hour").magnitude)  # Llama 2 70B, published 1.72 M
    1869658
    """
    device_time = step("training.accelerator_hours", "Accelerator-hours per run",
                       "training.flops_per_run / (device_peak × mfu)",
                       (flops / (peak * mfu / ONE_GPU)).to("GPU*hour"), **{"training.flops_per_run": flops},
                       device_peak=peak, mfu=mfu)
    return {device_time.key: device_time} | run_costs(device_time.value, cluster=cluster, price=price,
                                                      runs_per_month=runs_per_month)


def hours_from_throughput(work: pint.Quantity, throughput: pint.Quantity, what: str) -> Step:
    """Accelerator-hours from a measured throughput per device: the work of a run over it.

    ``work`` is the tokens (or examples) of one run, ``throughput`` tokens (or examples) per second
    per device as measured. Llama 2 7B's published 184,320 GPU-hours for 2 T tokens imply about
    3,014 tokens/s per A100 (Touvron et al. 2023, table 2); back again:

    >>> r = hours_from_throughput(Q_(2e12, "token"), Q_(3014.0, "token/s/GPU"), "tokens")
    >>> round(r.value.to("GPU*hour").magnitude)  # 2e12 / 3014 / 3600
    184325
    """
    return step("training.accelerator_hours", "Accelerator-hours per run (measured throughput)",
                f"{what}_per_run / measured_throughput", (work / throughput).to("GPU*hour"),
                **{f"{what}_per_run": work}, measured_throughput=throughput)


def hours_given(hours: pint.Quantity) -> Step:
    """Accelerator-hours as published for a run (a paper's GPU-hours)."""
    return step("training.accelerator_hours", "Accelerator-hours per run (published)", "accelerator_hours",
                hours.to("GPU*hour"), accelerator_hours=hours)


def implied_mfu(flops: pint.Quantity, hours: pint.Quantity, peak: pint.Quantity) -> Step:
    """The model-FLOPs utilisation a measured run implies: FLOPs / (accelerator-hours × peak).

    Source: the MFU definition of Chowdhery et al. 2022 (PaLM, appendix B), observed model FLOPs
    over the devices' peak. Llama 2 70B: 6 × 70 B × 2 T = 8.4e23 FLOP in 1,720,320 A100-hours
    at 312 TFLOP/s bf16 is 43 % (Touvron et al. 2023, table 2):

    >>> round(float(implied_mfu(Q_(8.4e23, "FLOP"), Q_(1720320, "GPU*hour"), Q_(312e12, "FLOP/s")).value), 3)
    0.435
    """
    return step("training.implied_mfu", "Model-FLOPs utilisation the measurement implies",
                "training.flops_per_run / (training.accelerator_hours × device_peak)",
                (flops / (hours * peak / ONE_GPU)).to(""), **{"training.flops_per_run": flops,
                                                              "training.accelerator_hours": hours}, device_peak=peak)


def run_costs(device_time: pint.Quantity, *, cluster: pint.Quantity, price: pint.Quantity,
              runs_per_month: float) -> dict[str, Step]:
    """Wall-clock on ``cluster``, cost per run and per month, from a run's accelerator-hours."""
    wall = step("training.wall_clock", "Wall-clock per run", "training.accelerator_hours / cluster_accelerators",
                (device_time / cluster).to("hour"), **{"training.accelerator_hours": device_time},
                cluster_accelerators=cluster)
    cost = step("training.cost_per_run", "Cost per run", "training.accelerator_hours × price_per_device",
                (device_time * price / ONE_GPU).to("USD"), **{"training.accelerator_hours": device_time},
                price_per_device=price)
    monthly = step("training.monthly_cost", "Training cost per month", "training.cost_per_run × runs_per_month",
                   cost.value * runs_per_month, per="month", **{"training.cost_per_run": cost.value},
                   runs_per_month=runs_per_month)
    return {s.key: s for s in (wall, cost, monthly)}

def runs_per_month(month: pint.Quantity, every: pint.Quantity) -> Step:
    return step("training.runs_per_month", "Training runs per month", "seconds_per_month / retrain_every",
                (month / every).to(""), seconds_per_month=month, retrain_every=every)

def data_size(examples_per_second: pint.Quantity, window: pint.Quantity, example_size: pint.Quantity) -> Step:
    return step("training.data_size", "Training data for the window", "examples_per_day × window × example_size",
                (examples_per_second * window * example_size / Q_(1.0, "example")).to("B"),
                examples_per_day=examples_per_second, window=window, example_size=example_size)

