#!/usr/bin/env python3
"""Vamos vs PyTorch/transformers, side by side in one run: the same Marian-architecture model, the same
source ids, greedy and beam search; wall-clock seconds and the ratio (Vamos / transformers).

Usage (needs: pip install torch transformers safetensors; run `make build` first):
    /path/to/venv/bin/python Benchmarks/translate_vs_transformers.py [--size opus|small] [--sentences N]
        [--threads T] [--beams 1 4]

`--size opus` builds a randomly initialised model of opus-mt-en-es's shape (d_model 512, 6+6 layers,
8 heads, ffn 2048, 58,101-word shared vocabulary; nothing is downloaded) with save_pretrained; `small`
uses Tests/Fixtures/models/opus-en-es. Both sides get the same source ids (Vamos from `embed` on, fed
documents holding `source.ids`), one sentence at a time, the same thread count, and must produce the
same output ids (checked). Vamos' time includes process start-up and JSON between its four stages.
"""
import argparse, json, os, subprocess, sys, tempfile, time

import torch
from transformers import MarianConfig, MarianMTModel

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
bin_dir = os.path.join(root, ".build/release")


def build_model(size, out):
    if size == "small":
        return os.path.join(root, "Tests/Fixtures/models/opus-en-es")
    torch.manual_seed(0)
    cfg = MarianConfig(vocab_size=58101, decoder_vocab_size=58101, d_model=512, encoder_layers=6, decoder_layers=6,
                       encoder_attention_heads=8, decoder_attention_heads=8, encoder_ffn_dim=2048, decoder_ffn_dim=2048,
                       activation_function="swish", scale_embedding=True, max_position_embeddings=512,
                       pad_token_id=58100, eos_token_id=0, decoder_start_token_id=58100, max_length=512)
    model = MarianMTModel(cfg).eval()
    model.save_pretrained(out, safe_serialization=True)
    with open(os.path.join(out, "vocab.json"), "w") as f:
        json.dump({f"w{i}": i for i in range(58101)}, f)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", choices=["opus", "small"], default="opus")
    ap.add_argument("--sentences", type=int, default=10)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--max-new-tokens", type=int, default=30)
    ap.add_argument("--beams", type=int, nargs="+", default=[1, 4])
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(a.threads))
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = build_model(a.size, os.path.join(tmp, "model"))
        model = MarianMTModel.from_pretrained(model_dir).eval()
        cfg = model.config
        g = torch.Generator().manual_seed(1)
        V = cfg.vocab_size
        sources = [torch.randint(1, min(V - 1, 5000), (int(torch.randint(15, 30, (1,), generator=g)),), generator=g).tolist() + [cfg.eos_token_id]
                   for _ in range(a.sentences)]
        docs = "".join(json.dumps({"format": "vamos/1", "source": {"ids": s}}) + "\n" for s in sources)
        print(f"model: {a.size} ({sum(p.numel() for p in model.parameters()):,} parameters), {a.sentences} sentences, "
              f"{a.threads} thread(s), at most {a.max_new_tokens} new tokens, torch {torch.__version__}")
        print(f"{'search':<8} {'vamos s':>9} {'torch s':>9} {'ratio':>7}  ids identical")
        for beams in a.beams:
            stages = [["embed"], ["posenc"], ["encode"],
                      ["decode", "--beams", str(beams), "--max-length", str(a.max_new_tokens), "--early-stopping", "true"]]
            cmd = " | ".join(f"{bin_dir}/{s[0]} --model {model_dir} " + " ".join(s[1:]) for s in stages)
            t0 = time.perf_counter()
            out = subprocess.run(["bash", "-c", "set -o pipefail; " + cmd], input=docs, capture_output=True, text=True, env=env)
            vamos_s = time.perf_counter() - t0
            if out.returncode != 0:
                sys.exit(out.stderr)
            vamos_ids = [json.loads(l)["target"]["ids"] for l in out.stdout.splitlines()]
            t0 = time.perf_counter()
            torch_ids = []
            with torch.no_grad():
                for s in sources:
                    r = model.generate(torch.tensor([s]), num_beams=beams, do_sample=False, max_new_tokens=a.max_new_tokens,
                                       early_stopping=True, bad_words_ids=[[cfg.pad_token_id]], length_penalty=1.0)
                    torch_ids.append(r[0].tolist()[1:])
            torch_s = time.perf_counter() - t0
            torch_ids = [[i for i in ids if i != cfg.pad_token_id] for ids in torch_ids]
            same = sum(v == t for v, t in zip(vamos_ids, torch_ids))
            print(f"{('greedy' if beams == 1 else f'beam {beams}'):<8} {vamos_s:9.2f} {torch_s:9.2f} {vamos_s / torch_s:7.2f}  {same}/{len(sources)}")


if __name__ == "__main__":
    main()
