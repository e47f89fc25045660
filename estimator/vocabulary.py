"""Names shared by every layer: component and flow kinds, clusters, themes, index kinds, archetypes.

Pure data with no imports of Envelope's own, so that the scenario schema, the calc blocks, the
graph builder and tests validate against the same lists cheaply, without Graphviz or `diagrams`.
``diagrams_lib/render.py`` maps each kind, flow, cluster and theme to an icon and a style.
"""

from typing import Literal, get_args

__all__ = ["ARCHETYPES", "CLUSTERS", "COMPONENT_KINDS", "COUNTED", "FLOW_KINDS", "INDEX_KINDS", "THEMES", "Archetype",
           "IndexKind"]

# The kinds of system a scenario describes; each has a default graph (diagrams_lib/archetypes.yaml)
# and a starter template (estimator/templates/<archetype>.yaml).
Archetype = Literal["recommendation", "classification", "search", "llm"]
ARCHETYPES: tuple[str, ...] = get_args(Archetype)

# Dimensions of counted things (see units.txt): a dataset may count any of them, and a result
# declared "[counted]" in results.yaml may be any of them.
COUNTED: tuple[str, ...] = ("[request]", "[user]", "[event]", "[item]", "[example]", "[token]", "[record]",
                            "[vector]", "[inference]", "[label]", "[lookup]")

# Vector-index types whose memory calc/index.py knows (faiss wiki, "Faiss indexes").
IndexKind = Literal["flat", "hnsw", "ivf_flat", "sq8", "ivf_sq8", "pq", "ivf_pq", "imi_pq", "pgvector_hnsw",
                    "diskann"]
INDEX_KINDS: tuple[str, ...] = get_args(IndexKind)

# Component kind -> one-line description (what a node of that kind stands for).
COMPONENT_KINDS: dict[str, str] = {
    "client": "End users or the apps and devices they use",
    "cdn": "Content delivery network serving static and media bytes at the edge",
    "gateway": "Load balancer or API gateway in front of the services",
    "service": "Stateless application service (business logic, orchestration)",
    "model_server": "Online inference server hosting a trained model",
    "vector_index": "Approximate-nearest-neighbour index over embeddings",
    "online_feature_store": "Low-latency key-value store of features read at serving time",
    "offline_feature_store": "Historical feature tables used to build training sets",
    "cache": "In-memory cache of hot results or features",
    "stream": "Durable event log or message queue (e.g. Kafka, Kinesis)",
    "batch_processing": "Scheduled batch jobs over the data lake (e.g. Spark)",
    "stream_processing": "Continuous jobs over the event stream (e.g. Flink)",
    "warehouse": "Analytical data warehouse for logs and reporting",
    "object_storage": "Blob storage for media, logs, datasets and model files",
    "database": "Transactional database of users, items and metadata",
    "labelling": "Human or programmatic labelling of training examples",
    "training_pipeline": "Training jobs: dataset build, training, evaluation",
    "model_registry": "Versioned store of trained models and their metadata",
    "experiment_platform": "A/B testing and canary rollout platform",
    "monitoring": "Metrics, logs, dashboards, drift and alerting",
    "llm_server": "Large-language-model inference server (prefill and decode on accelerators)",
}

# Edge flow kind -> what travels along an edge of that kind.
FLOW_KINDS: dict[str, str] = {
    "requests": "User or service requests on the serving path",
    "queries": "Lookups against an index, store or database",
    "features": "Feature values, written or read",
    "embeddings": "Embedding vectors, written to or read from an index",
    "events": "Logged user interactions and system events",
    "training_data": "Examples flowing into training",
    "labels": "Labels joined to examples",
    "artefacts": "Model artefacts: checkpoints, indexes, configs being deployed",
    "metrics": "Telemetry for monitoring and experiments",
}

# Cluster id -> display title, in the order of the ML system design framework.
CLUSTERS: dict[str, str] = {
    "data": "Data pipeline",
    "training": "Training",
    "serving": "Serving",
    "monitoring": "Monitoring",
}

# Icon sets; "onprem" uses open-source product icons and is the default.
THEMES: tuple[str, ...] = ("onprem", "aws", "gcp", "azure")
