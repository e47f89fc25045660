"""The scenario: the file a person writes to describe an ML system, read and checked.

This package owns everything between a YAML file and a validated, frozen ``Scenario``:

- ``source``   safe YAML with positions and size caps (``read_yaml``, ``YamlDocument``);
- ``fields``   the ``Strict`` base model and quantity field types of a declared dimension;
- ``catalog``  accelerators and prices as sourced, dated data (``catalog/*.yaml``);
- ``sections`` the ML design blocks (embeddings, index, serving, training, experiments, llm ...);
- ``models``   ``Scenario`` and its core sections (conventions, traffic, data, features, models);
- ``problems`` pydantic's errors worded as located ``Problem``s;
- ``load``     ``load_scenario`` / ``load_scenario_text``: overrides, a price book, validation, reference checks
  (accelerators, models, the prices a scenario names: ``price_references``); ``load_price_book``.

Nothing here computes a result; ``estimator.estimate`` does, from a ``Scenario``.
"""

from estimator.scenario.catalog import Catalog
from estimator.scenario.load import (apply_overrides, load_price_book, load_price_book_text, load_scenario,
                                     load_scenario_text, price_references)
from estimator.scenario.models import (LLM, Availability, Component, Components, Conventions,
                                       Dataset, Derived, Embeddings, Experiments, FeatureGroup, Features, FlowRef,
                                       FlowSpec, Framing, Imbalance, Index, InferenceModel, Labelling, OnlineStore,
                                       Scenario, Serving, Traffic, Training)

__all__ = ["LLM", "Availability", "Catalog", "Component", "Components", "Conventions", "Dataset",
           "Derived", "Embeddings", "Experiments", "FeatureGroup", "Features", "FlowRef", "FlowSpec", "Framing",
           "Imbalance", "Index", "InferenceModel", "Labelling", "OnlineStore", "Scenario", "Serving", "Traffic",
           "Training", "apply_overrides", "load_price_book", "load_price_book_text", "load_scenario", "load_scenario_text",
           "price_references"]
