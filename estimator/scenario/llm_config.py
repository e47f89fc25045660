"""``llm: {config: path/to/config.json}``: an LLM's architecture from its Hugging Face config file.

The file is local (nothing is downloaded), read relative to the scenario file, at most 1 MB; a
scenario not read from disk (an upload) may only name the configs shipped in scenarios/configs. It
fills the architecture fields the scenario leaves out; fields written in the scenario win.
A malformed file is one located problem: the config file, its line, the key, what was given.

>>> fields_from_config({"num_hidden_layers": 80, "num_attention_heads": 64, "num_key_value_heads": 8,
...                     "hidden_size": 8192}, "config.json")
{'layers': 80, 'heads': 64, 'kv_heads': 8, 'head_dim': 128, 'architecture': 'dense', 'attention': 'gqa'}
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from estimator.errors import Problem, ScenarioError
from estimator.scenario.source import YamlDocument, read_capped, read_yaml

__all__ = ["MAX_CONFIG_BYTES", "fields_from_config", "fill_llm_from_config"]

MAX_CONFIG_BYTES = 1_000_000  # a config.json is a few kB

# Scenario field ← the config keys that carry it, first found wins (Llama/Mistral/Mixtral/Qwen,
# DeepSeek-V2/V3, GPT-2-style names).
_COUNTS = {
    "layers": ("num_hidden_layers", "n_layer", "num_layers"),
    "heads": ("num_attention_heads", "n_head"),
    "kv_heads": ("num_key_value_heads",),
    "experts": ("num_local_experts", "n_routed_experts", "num_experts"),
    "experts_per_token": ("num_experts_per_tok",),
}


def fields_from_config(config: dict[str, Any], file: str, positions: YamlDocument | None = None) -> dict[str, Any]:
    """The LLM section's architecture fields that ``config`` (a parsed config.json) states.

    * layers, heads, kv_heads: num_hidden_layers, num_attention_heads, num_key_value_heads
      (absent: as many KV heads as query heads, multi-head attention).
    * head_dim: head_dim, else qk_nope_head_dim + qk_rope_head_dim (latent attention), else
      hidden_size / num_attention_heads (Vaswani et al. 2017, d_k = d_model / h).
    * kv_lora_rank, qk_rope_head_dim: multi-head latent attention (DeepSeek-V2/V3).
    * experts, experts_per_token and expert_parameters = 3 × hidden_size × moe_intermediate_size
      (else intermediate_size) × MoE layers (gate, up and down projections of a SwiGLU expert;
      MoE layers = layers − first_k_dense_replace).
    * sliding_window and local_layers: layer_types' "sliding_attention" entries, else
      sliding_window_pattern (one global layer in every N), else every layer is local.
    * architecture: moe when the config names experts, else dense; attention: see ``_attention``.

    Raises
    ------
    ScenarioError
        A value that is not a positive whole number, located in the config file.
    """
    if isinstance(config.get("text_config"), dict):  # multimodal configs nest the language model
        config = {**config, **config["text_config"]}
    fields: dict[str, Any] = {}

    def count(key: str) -> int | None:
        if key not in config or config[key] is None:
            return None
        value = config[key]
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            line, column = positions.position((key,)) if positions is not None else (None, None)
            raise ScenarioError([Problem(file, line, column, key, "not a positive whole number", given=repr(value)[:60],
                                         expected="an integer above 0, as in Hugging Face config.json files")])
        return value

    for field, keys in _COUNTS.items():
        for key in keys:
            value = count(key)
            if value is not None:
                fields[field] = value
                break
    hidden = count("hidden_size")
    rank, rope, nope = count("kv_lora_rank"), count("qk_rope_head_dim"), count("qk_nope_head_dim")
    head_dim = count("head_dim")
    if head_dim is None and rope is not None and nope is not None:
        head_dim = nope + rope
    if head_dim is None and hidden is not None and "heads" in fields:
        head_dim = hidden / fields["heads"]
        head_dim = int(head_dim) if float(head_dim).is_integer() else head_dim
    if head_dim is not None:
        fields["head_dim"] = head_dim
    if "kv_heads" not in fields and "heads" in fields:
        fields["kv_heads"] = fields["heads"]
    if rank is not None and rope is not None:
        fields |= {"kv_lora_rank": rank, "qk_rope_head_dim": rope}
    width = count("moe_intermediate_size") or count("intermediate_size")
    if "experts" in fields and hidden is not None and width is not None and "layers" in fields:
        moe_layers = fields["layers"] - (count("first_k_dense_replace") or 0)
        fields["expert_parameters"] = f"{3 * hidden * width * moe_layers} parameter"
    window = count("sliding_window")
    if window is not None and config.get("use_sliding_window", True) is not False:
        fields["sliding_window"] = f"{window} token"
        types, pattern = config.get("layer_types"), count("sliding_window_pattern")
        if isinstance(types, list):
            fields["local_layers"] = sum(1 for t in types if t == "sliding_attention")
        elif pattern is not None and "layers" in fields:
            fields["local_layers"] = fields["layers"] - fields["layers"] // pattern
    fields["architecture"] = "moe" if "experts" in fields else "dense"
    fields["attention"] = _attention(fields)
    return fields


def _attention(fields: dict[str, Any]) -> str:
    """The ``attention`` a config's fields describe: latent (kv_lora_rank), sliding on every layer or
    a hybrid (sliding_window with fewer local_layers than layers), else by KV heads against query
    heads: one → multi-query, as many → multi-head, between → grouped-query (Ainslie et al. 2023).

    >>> _attention({"heads": 64, "kv_heads": 8}), _attention({"heads": 32, "kv_heads": 32})
    ('gqa', 'mha')
    """
    if "kv_lora_rank" in fields:
        return "mla"
    if "sliding_window" in fields:
        local = fields.get("local_layers", fields.get("layers"))
        return "hybrid" if local is not None and "layers" in fields and local < fields["layers"] else "sliding"
    kv_heads = fields.get("kv_heads")
    return "mqa" if kv_heads == 1 else "mha" if kv_heads == fields.get("heads") else "gqa"


def _config_path(name: str, document: YamlDocument, text: str | bytes) -> Path:
    """Where ``llm.config`` points: next to the scenario when the scenario is that file on disk;
    otherwise (an upload, a bundled scenario shown in the app) only among the configs shipped
    with Envelope, so that uploaded text cannot make Envelope read the server's own files."""
    scenario_file = Path(document.file)
    raw = text.encode("utf-8") if isinstance(text, str) else text
    try:  # at most the scenario's own length plus one byte is read: a larger file is another file
        on_disk = scenario_file.is_file() and read_capped(scenario_file, len(raw)) == raw
    except (OSError, ScenarioError):
        on_disk = False
    if on_disk:
        return scenario_file.parent / name
    # Here, not at the top: the library lists scenarios with this package's YAML reader.
    from estimator.library import SCENARIOS_DIR

    shipped = (SCENARIOS_DIR / "configs").resolve()
    path = (SCENARIOS_DIR / name).resolve()
    if not path.is_relative_to(shipped):
        raise ScenarioError([document.problem(("llm", "config"), "not a config shipped with Envelope", given=repr(name),
                                              expected="for a scenario not read from disk, one of configs/"
                                                       + ", configs/".join(sorted(p.name for p in shipped.glob("*.json"))))])
    return path


def fill_llm_from_config(data: dict[str, Any], document: YamlDocument, text: str | bytes) -> dict[str, Any]:
    """``data`` with ``llm``'s missing architecture fields filled from ``llm.config``; fields
    written in the scenario win. Without ``llm.config`` the data is returned as it is.
    ``text`` is the scenario as read, to tell a file on disk from an upload of the same name."""
    section = data.get("llm") if isinstance(data, dict) else None
    if not isinstance(section, dict) or not isinstance(section.get("config"), str):
        return data
    where = ("llm", "config")
    path = _config_path(section["config"], document, text)
    try:
        if not path.is_file():
            raise FileNotFoundError
        size = path.stat().st_size
        if size > MAX_CONFIG_BYTES:
            raise ScenarioError([document.problem(where, "config file too large", given=f"{size:,} bytes",
                                                  expected=f"at most {MAX_CONFIG_BYTES:,} bytes")])
        with open(path, "rb") as handle:  # the cap plus one byte at most, should the file grow meanwhile
            content = handle.read(MAX_CONFIG_BYTES + 1)
        if len(content) > MAX_CONFIG_BYTES:
            raise ScenarioError([document.problem(where, "config file too large", given=f"more than {MAX_CONFIG_BYTES:,} "
                                                  "bytes", expected=f"at most {MAX_CONFIG_BYTES:,} bytes")])
        text = content.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        raise ScenarioError([document.problem(where, "cannot read config file", given=repr(section["config"]),
                                              expected="a readable UTF-8 JSON file, relative to the scenario's "
                                                       "folder")]) from None
    try:
        config = json.loads(text)
    except json.JSONDecodeError as error:
        raise ScenarioError([Problem(str(path), error.lineno, error.colno, "", f"malformed JSON: {error.msg}")]) from None
    except RecursionError:
        raise ScenarioError([Problem(str(path), None, None, "", "malformed JSON: nested too deeply",
                                     expected="a flat JSON object such as a Hugging Face config.json")]) from None
    if not isinstance(config, dict):
        raise ScenarioError([Problem(str(path), 1, 1, "", "not a model config", given=type(config).__name__,
                                     expected="a JSON object such as a Hugging Face config.json")])
    try:
        positions: YamlDocument | None = read_yaml(text, str(path))  # JSON is YAML: the same walk gives lines
    except ScenarioError:
        positions = None
    filled = fields_from_config(config, str(path), positions)
    return {**data, "llm": {**filled, **section}}
