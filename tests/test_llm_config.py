"""``llm: {config: path/to/config.json}``: architecture from a model's config file (issue 17, item 6)."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import ROOT, run_cli
from estimator.errors import ScenarioError
from estimator.compose import estimate
from estimator.scenario.llm_config import fields_from_config
from estimator.scenario import load_scenario, load_scenario_text

CONFIGS = ROOT / "scenarios" / "configs"
CHAT = ROOT / "scenarios" / "llm_chat_assistant.yaml"
BY_HAND = "  architecture: dense\n  attention: gqa\n  layers: 80\n  heads: 64\n  kv_heads: 8\n  head_dim: 128\n"  # Llama 3.1 70B, written out


def _results(stdout: str) -> list[dict]:
    return json.loads(stdout)["results"]


def test_shipped_config_agrees_with_the_model_written_by_hand(tmp_path):
    """`envelope estimate` on the chat scenario (config: configs/Llama-3.1-70B.config.json) gives the
    same results, key for key and value for value, as the scenario with the four fields written out."""
    with_config = run_cli("estimate", str(CHAT.relative_to(ROOT)), "--format", "json")
    assert with_config.returncode == 0, with_config.stderr
    text = CHAT.read_text(encoding="utf-8")
    assert "  config: configs/Llama-3.1-70B.config.json\n" in text
    by_hand = tmp_path / "chat_by_hand.yaml"
    by_hand.write_text(text.replace("  config: configs/Llama-3.1-70B.config.json\n", BY_HAND), encoding="utf-8")
    written = run_cli("estimate", str(by_hand), "--format", "json")
    assert written.returncode == 0, written.stderr
    assert _results(with_config.stdout) == _results(written.stdout)
    assert any(r["key"] == "llm.prefill_attention_flops_per_request" for r in _results(written.stdout))


@pytest.mark.parametrize("name, expected", [
    ("Llama-3.1-70B", {"layers": 80, "heads": 64, "kv_heads": 8, "head_dim": 128, "architecture": "dense",
                       "attention": "gqa"}),
    ("Mixtral-8x22B", {"layers": 56, "heads": 48, "kv_heads": 8, "head_dim": 128, "experts": 8,
                       "experts_per_token": 2, "expert_parameters": f"{3 * 6144 * 16384 * 56} parameter",
                       "architecture": "moe", "attention": "gqa"}),
    ("DeepSeek-V3", {"layers": 61, "heads": 128, "kv_heads": 128, "head_dim": 192, "kv_lora_rank": 512,
                     "qk_rope_head_dim": 64, "experts": 256, "experts_per_token": 8,
                     "expert_parameters": f"{3 * 7168 * 2048 * 58} parameter",
                     "architecture": "moe", "attention": "mla"}),
])
def test_fields_read_from_shipped_configs(name, expected):
    config = json.loads((CONFIGS / f"{name}.config.json").read_text(encoding="utf-8"))
    assert fields_from_config(config, name) == expected


def _scenario(tmp_path, config_name: str, extra: str = "") -> str:
    shutil.copytree(CONFIGS, tmp_path / "configs", dirs_exist_ok=True)
    path = tmp_path / "model.yaml"
    path.write_text(f"""name: from config
traffic: {{requests: 1 request/s}}
llm:
  config: configs/{config_name}
  parameters: 671 billion parameter
  dtype: fp8
  kv_dtype: bf16
  prompt_tokens: 65535 token
  output_tokens: 1 token
  batch_size: 1
  accelerator: H200
{extra}""", encoding="utf-8")
    return str(path)


def test_deepseek_v3_config_gives_the_latent_kv_cache_case(tmp_path):
    """deepseek-v3-mla-kv.yaml's expected values, from the shipped config alone: 70,272 B/token,
    4,605,345,792 B at 65,536 tokens; active parameters 671 B − 248 × 2.55 B = 37.5 B."""
    r = estimate(load_scenario(_scenario(tmp_path, "DeepSeek-V3.config.json")))
    assert r["llm.kv_bytes_per_token"].to("B/token").magnitude == 70_272
    assert r["llm.kv_bytes_per_request"].to("B").magnitude == 4_605_345_792
    assert r["llm.active_parameters"].to("parameter").magnitude == pytest.approx(671e9 - 248 * 3 * 7168 * 2048 * 58)


def test_fields_written_in_the_scenario_win(tmp_path):
    scenario = load_scenario(_scenario(tmp_path, "DeepSeek-V3.config.json", "  layers: 30\n  experts_per_token: 4\n"))
    assert (scenario.llm.layers, scenario.llm.experts_per_token, scenario.llm.experts) == (30, 4, 256)


def test_malformed_config_is_a_located_error(tmp_path):
    path = _scenario(tmp_path, "broken.json")
    (tmp_path / "configs" / "broken.json").write_text('{\n  "num_hidden_layers": 80,\n  "hidden_size": 8192\n', encoding="utf-8")
    result = run_cli("estimate", path)
    assert result.returncode == 2
    assert result.stderr.strip() == f"{tmp_path / 'configs' / 'broken.json'}:4:1: malformed JSON: Expecting ',' delimiter"


def test_wrong_value_in_config_names_file_line_and_key(tmp_path):
    path = _scenario(tmp_path, "bad.json")
    (tmp_path / "configs" / "bad.json").write_text('{\n  "num_hidden_layers": "eighty",\n  "num_attention_heads": 8\n}\n',
                                                    encoding="utf-8")
    with pytest.raises(ScenarioError) as error:
        load_scenario(path)
    assert str(error.value) == (f"{tmp_path / 'configs' / 'bad.json'}:2:24: num_hidden_layers: not a positive whole "
                                "number: given 'eighty', expected an integer above 0, as in Hugging Face config.json files")


def test_missing_config_file_is_located_in_the_scenario(tmp_path):
    path = _scenario(tmp_path, "nowhere.json")
    with pytest.raises(ScenarioError) as error:
        load_scenario(path)
    assert str(error.value).startswith(f"{path}:4:11: llm.config: cannot read config file: given 'configs/nowhere.json'")


def test_upload_may_name_only_shipped_configs():
    """An upload has no folder of its own: it may name a config shipped with Envelope, and nothing
    else, so uploaded text cannot make Envelope read the server's files."""
    head = "name: x\ntraffic: {requests: 1 request/s}\nllm: {parameters: 141 billion parameter, " \
           "prompt_tokens: 1 token, output_tokens: 1 token, config: "
    shipped = load_scenario_text(head + "configs/Mixtral-8x22B.config.json}\n", "upload.yaml")
    assert (shipped.llm.layers, shipped.llm.experts) == (56, 8)
    for elsewhere in ("/etc/passwd", "../pyproject.toml", "configs/../../README.md"):
        with pytest.raises(ScenarioError) as error:
            load_scenario_text(head + elsewhere + "}\n", "upload.yaml")
        assert "llm.config: not a config shipped with Envelope: given '" + elsewhere + "'" in str(error.value)


def test_upload_named_like_a_local_file_is_still_an_upload(tmp_path, monkeypatch):
    """Text uploaded under the name of a file in the working folder is not that file: its config
    path is not read next to it."""
    (tmp_path / "secret.json").write_text('{"num_hidden_layers": 3}', encoding="utf-8")
    (tmp_path / "s.yaml").write_text("name: on disk\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError) as error:
        load_scenario_text("name: x\ntraffic: {requests: 1 request/s}\nllm: {config: secret.json}\n", "s.yaml")
    assert "not a config shipped with Envelope" in str(error.value)


def test_deeply_nested_config_is_refused_not_a_traceback(tmp_path):
    path = _scenario(tmp_path, "deep.json")
    (tmp_path / "configs" / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(ScenarioError) as error:
        load_scenario(path)
    assert str(error.value) == f"{tmp_path / 'configs' / 'deep.json'}: malformed JSON: nested too deeply: " \
                               "expected a flat JSON object such as a Hugging Face config.json"
