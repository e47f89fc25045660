"""Energy and carbon: device-time × the catalog's board power × PUE → kWh; × grid intensity → t CO2e.

The accounting papers publish (Patterson et al. 2021, "Carbon Emissions and Large Neural Network
Training", eq. 1; the Llama 2 and Llama 3 model cards): energy = accelerator-hours × power per
device × PUE (facility energy over IT energy), emissions = energy × the grid's carbon intensity.
Llama 3 8B, 1.3 M H100-hours at 700 W, PUE 1, 0.43 kg/kWh:

>>> e = energy("training.energy_per_run", "Energy per run", Q_(1.3e6, "GPU*hour"), Q_(700.0, "W"), 1.0)
>>> e.value
<Quantity(910000.0, 'kilowatt_hour')>
>>> round(float(emissions("training.co2e_per_run", "CO2e per run", e.value, Q_(0.43, "kg/kWh")).value.magnitude))
391
"""

from __future__ import annotations

import pint

from estimator.trace import Step, step
from estimator.units import Q_

__all__ = ["emissions", "energy"]

ONE_GPU = Q_(1.0, "GPU")


def energy(key: str, label: str, device_time: pint.Quantity, power: pint.Quantity, pue: float,
           per: str | None = None) -> Step:
    """Energy drawn: device-time × power per device × PUE, in kWh."""
    return step(key, label, "accelerator_time × device_power × pue", (device_time * power / ONE_GPU * pue).to("kWh"),
                per=per, accelerator_time=device_time, device_power=power, pue=pue)


def emissions(key: str, label: str, drawn: pint.Quantity, intensity: pint.Quantity, per: str | None = None) -> Step:
    """Emissions: energy × the grid's carbon intensity, in tonnes of CO2e."""
    return step(key, label, "energy × carbon_intensity", (drawn * intensity).to("t"), per=per, energy=drawn,
                carbon_intensity=intensity)
