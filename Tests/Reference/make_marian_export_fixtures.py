#!/usr/bin/env python3
"""transformers' side of "trained models load in transformers" (MarianExportTests).

Run from the repository root after building (swift build -c release):

    /work/venv/bin/python Tests/Reference/make_marian_export_fixtures.py

For each architecture in Tests/Fixtures/train/marian-*.json it trains a model with Vamos' own
`train` (the command is recorded; training is deterministic, so the test retrains it and checks
the sha256 of model.safetensors first), loads the directory with
`transformers.MarianMTModel.from_pretrained` (no unexpected tensors; only the sinusoidal
`embed_positions`, which Marian computes itself, missing), and records for every corpus source
and a few unseen sentences: the ids (Vamos' word vocabulary, <EOS> appended, as `tokenize`
does), the encoder output, and `generate()`'s ids with the directory's own generation_config.json
(no arguments: its defaults must be `decode`'s). Writes Tests/Fixtures/reference/marian-export/<name>.json.
"""

import hashlib
import json
import os
import subprocess
import sys
import tempfile

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TRAIN = os.path.join(ROOT, "Tests", "Fixtures", "train")
OUT = os.path.join(ROOT, "Tests", "Fixtures", "reference", "marian-export")
ARGS = ["--steps", "120", "--batch-size", "16", "--lr", "3e-3", "--warmup", "20", "--seed", "3", "--quiet"]
EXTRA = ["the red bird", "the old fish", "the the the", "cat", "the green green car"]

torch.set_num_threads(1)


def tensor_json(t):
    t = t.to(torch.float32).reshape(t.shape)
    return {"shape": list(t.shape), "data": [float(repr(float(v))) for v in t.reshape(-1).tolist()]}


def main():
    from transformers import MarianMTModel
    import transformers
    os.makedirs(OUT, exist_ok=True)
    train = os.path.join(ROOT, ".build", "release", "train")
    with open(os.path.join(TRAIN, "corpus.tsv")) as f:
        sources = [line.split("\t")[0] for line in f]
    for name in ["marian-relu", "marian-swish"]:
        with tempfile.TemporaryDirectory() as tmp:
            model_dir = os.path.join(tmp, name)
            cmd = ["--corpus", "Tests/Fixtures/train/corpus.tsv", "--config", f"Tests/Fixtures/train/{name}.json"] + ARGS
            subprocess.run([train] + cmd + ["--out", model_dir], check=True, cwd=ROOT)
            with open(os.path.join(model_dir, "model.safetensors"), "rb") as f:
                sha = hashlib.sha256(f.read()).hexdigest()
            with open(os.path.join(model_dir, "config.json")) as f:
                cfg = json.load(f)
            with open(os.path.join(model_dir, "vocab.json")) as f:
                vocab = json.load(f)
            model, info = MarianMTModel.from_pretrained(model_dir, output_loading_info=True)
            model.eval()
            assert not info["unexpected_keys"], info
            assert set(info["missing_keys"]) <= {"model.encoder.embed_positions.weight",
                                                 "model.decoder.embed_positions.weight"}, info
            cases = []
            for text in sources[::4] + EXTRA:
                words = text.split()
                ids = [vocab.get(w, vocab["<unk>"]) for w in words] + [cfg["eos_token_id"]]
                with torch.no_grad():
                    x = torch.tensor([ids])
                    enc = model.get_encoder()(input_ids=x).last_hidden_state[0]
                    gen = model.generate(x)[0].tolist()
                assert gen[0] == cfg["decoder_start_token_id"]
                cases.append({"text": text, "source_ids": ids, "encoder_output": tensor_json(enc), "generate_ids": gen[1:]})
            hit_limit = sum(len(c["generate_ids"]) == cfg["max_length"] - 1 for c in cases)
            doc = {"model": name, "generator": "Tests/Reference/make_marian_export_fixtures.py",
                   "torch": torch.__version__, "transformers": transformers.__version__,
                   "train": cmd, "sha256": sha, "cases": cases}
            with open(os.path.join(OUT, f"{name}.json"), "w") as f:
                json.dump(doc, f, separators=(",", ":"))
                f.write("\n")
            print(f"{name}: {len(cases)} sentences, {hit_limit} at the length limit; sha256 {sha[:12]}")


if __name__ == "__main__":
    main()
