"""Pure estimation functions, one concern per module.

Each function takes plain values (pint quantities and numbers, already converted with the
scenario's conventions) and returns Steps, so the working is shown for free. Arithmetic is
written so that a quantity whose magnitude is a numpy array flows through unchanged
(``np.ceil``/``np.maximum``, never ``math.ceil``/``max``): the sampler relies on it.
"""
