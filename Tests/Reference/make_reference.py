#!/usr/bin/env python3
"""Makes the seeded-random fixture models and the PyTorch reference outputs for them.

Run from the repository root:

    /work/venv/bin/python Tests/Reference/make_reference.py

It writes
  Tests/Fixtures/models/{tiny,marian,prenorm,plain}/   config.json, model.safetensors, vocab.json
                                                        (+ target_vocab.json for prenorm)
  Tests/Fixtures/reference/{tiny,marian,prenorm,plain}.json
  models/tiny-random/                                   a copy of the tiny model (+ README.md)

and, for `marian`, checks the reference (reference_model.py, written from docs/MODEL.md) against
transformers.MarianMTModel loaded from the same directory. The output is deterministic: the same
bytes on every run.
"""

import json
import os
import shutil
import sys

import numpy as np
import torch
from safetensors.torch import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from reference_model import ReferenceModel, positional_table, resolve_config  # noqa: E402

GENERATOR = "Tests/Reference/make_reference.py"
MODELS_DIR = os.path.join(ROOT, "Tests", "Fixtures", "models")
REFERENCE_DIR = os.path.join(ROOT, "Tests", "Fixtures", "reference")
BUNDLED_DIR = os.path.join(ROOT, "models", "tiny-random")
TOLERANCE = 1e-5

torch.set_num_threads(1)
torch.manual_seed(0)  # nothing below draws from torch's generator; set anyway


# ---------------------------------------------------------------------------------------------
# The four fixture models.

VAMOS_DEFAULT_KEYS = {
    "positional_encoding": "sinusoidal_halves",
    "layer_norm": "post",
    "layer_norm_eps": 1e-5,
    "feed_forward": True,
    "attention_bias": True,
    "ffn_bias": True,
    "final_logits_bias": True,
    "similarity": "scaled_dot",
    "add_eos_to_source": True,
    "lowercase": False,
}

TINY_SOURCE = ["let's", "to", "go", "<EOS>"]
TINY_TARGET = ["ir", "vamos", "y", "<EOS>"]

MARIAN_VOCAB = [
    "</s>", "<unk>",
    "the", "a", "red", "big", "small", "cat", "dog", "fish", "house", "eats", "sees", "is", "and", "in",
    "el", "la", "un", "gato", "perro", "pescado", "casa", "rojo", "grande", "pequeño", "come", "ve",
    "y", "en",
    "<pad>",
]

PRENORM_SOURCE = [
    "</s>", "<unk>", "<pad>",
    "the", "a", "red", "big", "small", "green", "cat", "dog", "fish", "house", "eats", "sees", "is",
    "and", "in",
]
PRENORM_TARGET = [
    "</s>", "<unk>", "<pad>",
    "el", "la", "los", "un", "una", "rojo", "roja", "grande", "pequeño", "verde", "gato", "perro",
    "pescado", "casa", "come", "ve", "es", "y", "en",
]

PLAIN_VOCAB = [
    "</s>", "<unk>",
    "the", "red", "cat", "dog", "eats", "sees", "fish", "and",
    "el", "rojo", "gato", "perro", "come", "ve", "pescado", "y",
]

MODELS = [
    {
        "name": "tiny",
        "seed": 1001,
        "std": 0.5,
        "source_vocab": TINY_SOURCE,
        "target_vocab": TINY_TARGET,
        "config": {
            "model_type": "vamos",
            "vocab_size": 4,
            "decoder_vocab_size": 4,
            "share_encoder_decoder_embeddings": False,
            "tie_word_embeddings": True,
            "d_model": 2,
            "encoder_layers": 1,
            "decoder_layers": 1,
            "encoder_attention_heads": 1,
            "decoder_attention_heads": 1,
            "encoder_ffn_dim": 4,
            "decoder_ffn_dim": 4,
            "activation_function": "relu",
            "scale_embedding": False,
            "max_position_embeddings": 16,
            "decoder_start_token_id": 3,
            "eos_token_id": 3,
            "max_length": 10,
            "positional_encoding": "sinusoidal_interleaved",
            "layer_norm": "none",
            "layer_norm_eps": 1e-5,
            "feed_forward": False,
            "attention_bias": False,
            "ffn_bias": False,
            "final_logits_bias": False,
            "similarity": "scaled_dot",
            "add_eos_to_source": True,
            "lowercase": False,
        },
        "sentences": ["let's go", "to go", "go", "let's", "let's go to go", "to go let's go to go let's go"],
    },
    {
        "name": "marian",
        "seed": 2075,
        "std": 0.3,
        "source_vocab": MARIAN_VOCAB,
        "target_vocab": None,
        "logits_bias_boost": {"<pad>": 3.0},
        "config": {
            "model_type": "marian",
            "architectures": ["MarianMTModel"],
            "vocab_size": len(MARIAN_VOCAB),
            "decoder_vocab_size": len(MARIAN_VOCAB),
            "share_encoder_decoder_embeddings": True,
            "tie_word_embeddings": True,
            "d_model": 16,
            "encoder_layers": 2,
            "decoder_layers": 2,
            "encoder_attention_heads": 2,
            "decoder_attention_heads": 2,
            "encoder_ffn_dim": 32,
            "decoder_ffn_dim": 32,
            "activation_function": "swish",
            "scale_embedding": True,
            "max_position_embeddings": 64,
            "decoder_start_token_id": MARIAN_VOCAB.index("<pad>"),
            "eos_token_id": 0,
            "pad_token_id": MARIAN_VOCAB.index("<pad>"),
            "max_length": 20,
            "is_encoder_decoder": True,
            "dropout": 0.1,
            "attention_dropout": 0.0,
            "activation_dropout": 0.0,
            "encoder_layerdrop": 0.0,
            "decoder_layerdrop": 0.0,
            "init_std": 0.02,
            "use_cache": True,
            **VAMOS_DEFAULT_KEYS,
        },
        "sentences": [
            "cat",
            "the cat eats",
            "the red cat eats the fish",
            "a big dog sees a small cat",
            "el gato rojo come pescado",
            "the big red dog in the house sees the small cat and eats",
        ],
    },
    {
        "name": "prenorm",
        "seed": 3078,
        "std": 0.3,
        "source_vocab": PRENORM_SOURCE,
        "target_vocab": PRENORM_TARGET,
        "logits_bias_boost": {"<pad>": 3.0},
        "config": {
            "model_type": "vamos",
            "vocab_size": len(PRENORM_SOURCE),
            "decoder_vocab_size": len(PRENORM_TARGET),
            "share_encoder_decoder_embeddings": False,
            "tie_word_embeddings": False,
            "d_model": 12,
            "encoder_layers": 2,
            "decoder_layers": 1,
            "encoder_attention_heads": 3,
            "decoder_attention_heads": 3,
            "encoder_ffn_dim": 24,
            "decoder_ffn_dim": 24,
            "activation_function": "gelu",
            "scale_embedding": False,
            "max_position_embeddings": 32,
            "decoder_start_token_id": 0,
            "eos_token_id": 0,
            "pad_token_id": 2,
            "max_length": 16,
            "positional_encoding": "learned",
            "layer_norm": "pre",
            "layer_norm_eps": 1e-6,
            "feed_forward": True,
            "attention_bias": True,
            "ffn_bias": True,
            "final_logits_bias": True,
            "similarity": "cosine",
            "add_eos_to_source": True,
            "lowercase": True,
        },
        "sentences": [
            "fish",
            "The Cat eats",
            "the green cat eats the fish",
            "a small dog sees the red house",
            "the cat is in the house",
            "the big green dog and the small red cat sees the fish in the house",
        ],
    },
    {
        "name": "plain",
        "seed": 4071,
        "std": 0.3,
        "source_vocab": PLAIN_VOCAB,
        "target_vocab": None,
        "config": {
            "model_type": "vamos",
            "vocab_size": len(PLAIN_VOCAB),
            "decoder_vocab_size": len(PLAIN_VOCAB),
            "share_encoder_decoder_embeddings": True,
            "tie_word_embeddings": True,
            "d_model": 8,
            "encoder_layers": 1,
            "decoder_layers": 2,
            "encoder_attention_heads": 4,
            "decoder_attention_heads": 4,
            "encoder_ffn_dim": 16,
            "decoder_ffn_dim": 16,
            "activation_function": "relu",
            "scale_embedding": False,
            "max_position_embeddings": 32,
            "decoder_start_token_id": 0,
            "eos_token_id": 0,
            "pad_token_id": 0,
            "max_length": 12,
            "positional_encoding": "none",
            "layer_norm": "post",
            "layer_norm_eps": 1e-5,
            "feed_forward": True,
            "attention_bias": False,
            "ffn_bias": False,
            "final_logits_bias": False,
            "similarity": "dot",
            "add_eos_to_source": True,
            "lowercase": False,
        },
        "sentences": [
            "dog",
            "the cat eats",
            "the red dog sees the cat",
            "el gato come pescado",
            "the cat and the dog",
            "the red cat sees the dog and the dog sees the red fish",
        ],
    },
]


# ---------------------------------------------------------------------------------------------
# Weights: the tensors docs/MODEL.md lists for a config, in a fixed order, with seeded values.

def tensor_specs(cfg):
    """(name, shape, kind) for every tensor the config needs; kind picks the distribution."""
    c = cfg["d_model"]
    v_src, v_tgt = cfg["vocab_size"], cfg["decoder_vocab_size"]
    specs = []
    if cfg["share_encoder_decoder_embeddings"]:
        specs.append(("model.shared.weight", [v_src, c], "weight"))
    else:
        specs.append(("model.encoder.embed_tokens.weight", [v_src, c], "weight"))
        specs.append(("model.decoder.embed_tokens.weight", [v_tgt, c], "weight"))
    if cfg["positional_encoding"] == "learned":
        for side in ("encoder", "decoder"):
            specs.append((f"model.{side}.embed_positions.weight", [cfg["max_position_embeddings"], c], "weight"))
    ln = cfg["layer_norm"] != "none"
    for side in ("encoder", "decoder"):
        attns = ["self_attn"] + (["encoder_attn"] if side == "decoder" else [])
        ffn = cfg[f"{side}_ffn_dim"]
        for layer in range(cfg[f"{side}_layers"]):
            p = f"model.{side}.layers.{layer}"
            for attn in attns:
                for proj in ("q", "k", "v", "out"):
                    specs.append((f"{p}.{attn}.{proj}_proj.weight", [c, c], "weight"))
                    if cfg["attention_bias"]:
                        specs.append((f"{p}.{attn}.{proj}_proj.bias", [c], "bias"))
                if ln:
                    specs.append((f"{p}.{attn}_layer_norm.weight", [c], "ln_weight"))
                    specs.append((f"{p}.{attn}_layer_norm.bias", [c], "ln_bias"))
            if cfg["feed_forward"]:
                specs.append((f"{p}.fc1.weight", [ffn, c], "weight"))
                if cfg["ffn_bias"]:
                    specs.append((f"{p}.fc1.bias", [ffn], "bias"))
                specs.append((f"{p}.fc2.weight", [c, ffn], "weight"))
                if cfg["ffn_bias"]:
                    specs.append((f"{p}.fc2.bias", [c], "bias"))
                if ln:
                    specs.append((f"{p}.final_layer_norm.weight", [c], "ln_weight"))
                    specs.append((f"{p}.final_layer_norm.bias", [c], "ln_bias"))
        if cfg["layer_norm"] == "pre":
            specs.append((f"model.{side}.layer_norm.weight", [c], "ln_weight"))
            specs.append((f"model.{side}.layer_norm.bias", [c], "ln_bias"))
    if not cfg["tie_word_embeddings"]:
        specs.append(("lm_head.weight", [v_tgt, c], "weight"))
    if cfg["final_logits_bias"]:
        specs.append(("final_logits_bias", [1, v_tgt], "logits_bias"))
    return specs


def make_weights(spec, cfg):
    rng = np.random.default_rng(spec["seed"])
    std = spec["std"]
    tensors = {}
    for name, shape, kind in tensor_specs(cfg):
        noise = rng.standard_normal(shape)
        if kind == "weight":
            value = std * noise
        elif kind == "bias":
            value = 0.5 * std * noise
        elif kind == "ln_weight":
            value = 1.0 + 0.1 * noise
        elif kind == "ln_bias":
            value = 0.1 * noise
        elif kind == "logits_bias":
            value = 0.5 * noise
            target = spec["target_vocab"] or spec["source_vocab"]
            for token, boost in spec.get("logits_bias_boost", {}).items():
                value[0, target.index(token)] += boost
        else:
            raise ValueError(kind)
        tensors[name] = torch.from_numpy(np.ascontiguousarray(value.astype(np.float32)))
    return tensors


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


def write_model(spec):
    name, cfg = spec["name"], spec["config"]
    path = os.path.join(MODELS_DIR, name)
    if os.path.isdir(path):
        shutil.rmtree(path)
    os.makedirs(path)
    write_json(os.path.join(path, "config.json"), cfg)
    tensors = make_weights(spec, resolve_config(cfg))
    save_file(tensors, os.path.join(path, "model.safetensors"), metadata={"format": "pt"})
    os.chmod(os.path.join(path, "model.safetensors"), 0o644)
    write_json(os.path.join(path, "vocab.json"), {t: i for i, t in enumerate(spec["source_vocab"])})
    if spec["target_vocab"] is not None:
        write_json(os.path.join(path, "target_vocab.json"), {t: i for i, t in enumerate(spec["target_vocab"])})
    return path


# ---------------------------------------------------------------------------------------------
# Reference outputs.

def tokenize(text, vocab, cfg):
    if cfg["lowercase"]:
        text = text.lower()
    ids = []
    for word in text.split():
        if word not in vocab:
            raise ValueError(f"{word!r} is not in the source vocabulary")
        ids.append(vocab[word])
    if cfg["add_eos_to_source"]:
        ids.append(cfg["eos_token_id"])
    return ids


def tensor_json(t):
    a = t.detach().to(torch.float32).contiguous().numpy()
    return {"shape": list(a.shape), "data": [float(x) for x in a.ravel()]}


def dumps_fixture(doc):
    """JSON with one line per case field (the float arrays stay on one line each)."""
    head = {k: v for k, v in doc.items() if k != "cases"}
    lines = ["{"]
    for k, v in head.items():
        lines.append(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)},")
    lines.append('  "cases": [')
    for i, case in enumerate(doc["cases"]):
        lines.append("    {")
        items = list(case.items())
        for j, (k, v) in enumerate(items):
            comma = "," if j < len(items) - 1 else ""
            lines.append(f"      {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}{comma}")
        lines.append("    }" + ("," if i < len(doc["cases"]) - 1 else ""))
    lines.append("  ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


MIN_MARGIN = 1e-4


def greedy_margin(model, memory, greedy):
    """The smallest gap between the chosen logit and the runner-up over the greedy steps.

    A fixture whose greedy path hangs on a near-tie would let float32 rounding differences flip
    an argmax in the implementation under test, so it is refused below MIN_MARGIN."""
    cfg = model.cfg
    path = [cfg["decoder_start_token_id"]] + greedy
    logits = model.decode(path, memory)
    pad = cfg["pad_token_id"]
    worst = float("inf")
    for step in range(len(greedy)):
        row = logits[step].clone()
        if pad is not None and pad != cfg["eos_token_id"]:
            row[pad] = float("-inf")
        top = torch.topk(row, 2).values
        worst = min(worst, (top[0] - top[1]).item())
    return worst


def reference_cases(spec, model_dir):
    model = ReferenceModel.from_dir(model_dir)
    cfg = model.cfg
    expected = {n for n, _, _ in tensor_specs(cfg)}
    assert model.used == expected, (model.used ^ expected)
    vocab = {t: i for i, t in enumerate(spec["source_vocab"])}
    cases = []
    for text in spec["sentences"]:
        ids = tokenize(text, vocab, cfg)
        enc = model.encode(ids)
        first = model.decode([cfg["decoder_start_token_id"]], enc["encoder_output"])[-1]
        greedy = model.greedy(enc["encoder_output"])
        consistency = model.self_check(enc["encoder_input"], enc["encoder_output"],
                                       [cfg["decoder_start_token_id"]] + greedy)
        assert consistency < 1e-5, f"nn.MultiheadAttention vs explicit formula: {consistency}"
        margin = greedy_margin(model, enc["encoder_output"], greedy)
        assert margin > MIN_MARGIN, f"{spec['name']} {text!r}: greedy near-tie ({margin})"
        cases.append({
            "text": text,
            "source_ids": ids,
            "embeddings": tensor_json(enc["embeddings"]),
            "encoder_input": tensor_json(enc["encoder_input"]),
            "encoder_output": tensor_json(enc["encoder_output"]),
            "decoder_first_logits": tensor_json(first),
            "greedy_ids": greedy,
        })
    return model, cases


# ---------------------------------------------------------------------------------------------
# The cross-check against transformers.MarianMTModel.

def marian_cross_check(model_dir, ref, cases):
    import transformers
    from transformers import MarianMTModel

    transformers.logging.set_verbosity_error()
    cfg = ref.cfg
    report = {"transformers": transformers.__version__}
    for attn in ("eager", "sdpa"):
        hf, info = MarianMTModel.from_pretrained(model_dir, output_loading_info=True, attn_implementation=attn)
        hf.eval()
        missing = sorted(set(info["missing_keys"]) - {"model.encoder.embed_positions.weight",
                                                     "model.decoder.embed_positions.weight"})
        assert not missing and not info["unexpected_keys"] and not info["mismatched_keys"], info
        table = positional_table("sinusoidal_halves", cfg["max_position_embeddings"], cfg["d_model"])
        pos_diff = max((hf.model.encoder.embed_positions.weight - table).abs().max().item(),
                       (hf.model.decoder.embed_positions.weight - table).abs().max().item())
        worst = {"positions": pos_diff, "encoder_output": 0.0, "first_logits": 0.0, "path_logits": 0.0}
        forced = []
        with torch.no_grad():
            for case in cases:
                src = torch.tensor([case["source_ids"]])
                enc = hf.get_encoder()(input_ids=src).last_hidden_state[0]
                mine = torch.tensor(case["encoder_output"]["data"]).view(*case["encoder_output"]["shape"])
                worst["encoder_output"] = max(worst["encoder_output"], (enc - mine).abs().max().item())
                start = cfg["decoder_start_token_id"]
                logits = hf(input_ids=src, decoder_input_ids=torch.tensor([[start]])).logits[0, -1]
                mine = torch.tensor(case["decoder_first_logits"]["data"])
                worst["first_logits"] = max(worst["first_logits"], (logits - mine).abs().max().item())
                # Teacher-forced logits along the whole greedy path.
                path = [start] + case["greedy_ids"]
                logits = hf(input_ids=src, decoder_input_ids=torch.tensor([path])).logits[0]
                mine = ref.decode(path, ref.encode(case["source_ids"])["encoder_output"])
                worst["path_logits"] = max(worst["path_logits"], (logits - mine).abs().max().item())
                # Greedy search as MODEL.md defines it: max_length counts the start token too, the pad
                # is never generated (Marian's generation_config.json: bad_words_ids [[pad]]),
                # no eos is forced at the length limit.
                out = hf.generate(
                    input_ids=src, attention_mask=torch.ones_like(src), num_beams=1, do_sample=False,
                    max_length=cfg["max_length"], decoder_start_token_id=start,
                    eos_token_id=cfg["eos_token_id"], pad_token_id=cfg["pad_token_id"],
                    bad_words_ids=[[cfg["pad_token_id"]]], forced_eos_token_id=None,
                )[0].tolist()
                assert out[0] == start
                assert out[1:] == case["greedy_ids"], (case["text"], out[1:], case["greedy_ids"])
                # What plain `generate` does with this config.json (MarianConfig's own defaults).
                plain = hf.generate(input_ids=src, attention_mask=torch.ones_like(src), num_beams=1,
                                    do_sample=False, max_length=cfg["max_length"],
                                    bad_words_ids=[[cfg["pad_token_id"]]])[0].tolist()
                forced.append(plain[1:] == case["greedy_ids"])
        for key, value in worst.items():
            assert value <= TOLERANCE, f"{attn}: {key} differs from MarianMTModel by {value}"
        report[attn] = worst
        report[attn + "_plain_generate_matches"] = forced
    return report


# ---------------------------------------------------------------------------------------------

def main():
    os.makedirs(MODELS_DIR, exist_ok=True)
    os.makedirs(REFERENCE_DIR, exist_ok=True)
    summary = {}
    for spec in MODELS:
        model_dir = write_model(spec)
        ref, cases = reference_cases(spec, model_dir)
        doc = {"model": spec["name"], "generator": GENERATOR, "torch": torch.__version__, "cases": cases}
        with open(os.path.join(REFERENCE_DIR, spec["name"] + ".json"), "w", encoding="utf-8") as f:
            f.write(dumps_fixture(doc))
        summary[spec["name"]] = [(c["text"], c["greedy_ids"]) for c in cases]
        if spec["name"] == "marian":
            summary["marian cross-check"] = marian_cross_check(model_dir, ref, cases)

    if os.path.isdir(BUNDLED_DIR):
        shutil.rmtree(BUNDLED_DIR)
    shutil.copytree(os.path.join(MODELS_DIR, "tiny"), BUNDLED_DIR)
    with open(os.path.join(BUNDLED_DIR, "README.md"), "w", encoding="utf-8") as f:
        f.write(TINY_README)

    for name, value in summary.items():
        print(f"{name}:")
        if isinstance(value, dict):
            for k, v in value.items():
                print(f"  {k}: {v}")
        else:
            for text, ids in value:
                print(f"  {text!r} -> {ids}")


TINY_README = """# tiny-random

A random-weight copy of the explainer's architecture (the bundled default before `models/statquest`; docs/FORMAT.md's examples use it):
(`d_model` 2, one encoder and one decoder layer, one head, no layer norm, no feed-forward block,
interleaved sinusoidal positions, residual connections only) with **seeded random weights**. Its
translations are meaningless; it exists so that every stage runs out of the box.

Source vocabulary `let's`, `to`, `go`, `<EOS>`; target vocabulary `ir`, `vamos`, `y`, `<EOS>`
(`target_vocab.json`). The directory layout is described in `docs/MODEL.md`.

It is a copy of `Tests/Fixtures/models/tiny/`, made (deterministically) by

    /work/venv/bin/python Tests/Reference/make_reference.py

(any Python with torch, safetensors and numpy will do; see `Tests/Reference/README.md`).
"""


if __name__ == "__main__":
    main()
