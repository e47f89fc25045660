"""Pure estimation functions, one concern per module: the formulas of Envelope, and only those.

traffic, storage, feature_store, inference (with ``fleet_steps``, the one rate → compute →
accelerators → cost chain), serving, embeddings, index, training, imbalance, experiment, llm and
llm_arch, labelling, availability; ``sums.total`` adds results of one unit.

Each function takes plain values (pint quantities and numbers, already converted with the
scenario's conventions) and returns Steps, so the working is shown for free. Arithmetic is
written so that a quantity whose magnitude is a numpy array flows through unchanged
(``np.ceil``/``np.maximum``, never ``math.ceil``/``max``): the sampler relies on it. Modules
here import only ``estimator.trace``, ``estimator.units`` and ``estimator.vocabulary``.
"""
