#!/usr/bin/env python3
"""PyTorch autograd reference for `attribute` (saliency, input x gradient, integrated gradients).

Run from the repository root:

    /work/venv/bin/python Tests/Reference/make_attribution_fixtures.py

For each fixture model (reference_model.py's independent forward pass, written from docs/MODEL.md)
and a few sentences of its reference JSON, it computes with torch.autograd, for every target id y_t
(the final EOS included):

    g_t = d log_softmax(logits_t)[y_t] / d e         e = encoder_input rows (embeddings + positions)
                                                      and decoder input rows (start token, y_1, ...)
    saliency[t, s]             = ||g_t[s]||_2
    input_x_gradient[t, s]     = sum_d e_s[d] g_t[s, d]
    integrated_gradients[t, s] = sum_d e_s[d] (1/m) sum_{k=1..m} g_t[s, d] at (k/m) e
                                 (baseline 0; source and decoder inputs scaled together)

as Inseq defines them, and writes Tests/Fixtures/reference/attributions/<model>.json. The inputs
e are computed in float32 (as embed | posenc compute them); the network then runs in float64 (the
float32 weights widened exactly), as `attribute` does: where the model is confident (p near 1) the
gradient onehot - softmax is small, and float32 would lose it to cancellation (float32 autograd
against float64 autograd differs by up to ~2e-4 of a row's largest value on opus-en-es; float64
against float64 agrees to ~1e-12). For the Marian-layout models the
saliency is also computed through transformers.MarianMTModel (inputs_embeds: the gradient with
respect to the embeddings equals the one with respect to embeddings + positions) and must agree.
Deterministic: two runs give the same bytes.
"""

import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from reference_model import ReferenceModel  # noqa: E402

GENERATOR = "Tests/Reference/make_attribution_fixtures.py"
MODELS = os.path.join(ROOT, "Tests", "Fixtures", "models")
REFERENCE = os.path.join(ROOT, "Tests", "Fixtures", "reference")
OUT = os.path.join(REFERENCE, "attributions")
STEPS = 16          # integrated gradients' m in the fixtures (attribute --steps 16)
MAX_TARGET = 8      # target ids per case (a prefix of the reference's greedy ids)
CASES = 4

torch.set_num_threads(1)


def f32(x):
    return repr(float(torch.tensor(float(x), dtype=torch.float32)))


def tensor_json(t):
    t = t.to(torch.float32)
    return {"shape": list(t.shape), "data": [float(repr(float(v))) for v in t.reshape(-1).tolist()]}


def logits_from_inputs(model, x, y):
    """encoder_input x [T, C] and decoder input y [S, C] -> logits [S, V] (grad enabled)."""
    h = x
    for layer in model.enc_layers:
        h = layer(h)
    if model.pre:
        h = model.enc_final_ln(h)
    for layer in model.dec_layers:
        y = layer(y, h)
    if model.pre:
        y = model.dec_final_ln(y)
    return model.lm_head(y) + model.logits_bias


def gradients(model, x, y, labels):
    """Per target row t: (log p_t, d log p_t / d x [T, C], d log p_t / d y [S, C])."""
    x = x.detach().clone().requires_grad_(True)
    y = y.detach().clone().requires_grad_(True)
    logp = torch.log_softmax(logits_from_inputs(model, x, y), dim=-1)
    out = []
    for t, label in enumerate(labels):
        gx, gy = torch.autograd.grad(logp[t, label], (x, y), retain_graph=True)
        out.append((float(logp[t, label].detach()), gx.detach(), gy.detach()))
    return out


def attributions(model, x, y, labels):
    g1 = gradients(model, x, y, labels)
    xd, yd = x, y
    sal_s = torch.stack([g[1].double().norm(dim=1) for g in g1])
    sal_t = torch.stack([g[2].double().norm(dim=1) for g in g1])
    ixg_s = torch.stack([(xd * g[1].double()).sum(dim=1) for g in g1])
    ixg_t = torch.stack([(yd * g[2].double()).sum(dim=1) for g in g1])
    acc_s = torch.zeros(len(labels), *x.shape, dtype=torch.float64)
    acc_t = torch.zeros(len(labels), *y.shape, dtype=torch.float64)
    for k in range(1, STEPS + 1):
        # alpha * e rounded to float32 first, as attribute scales its float32 inputs
        alpha = torch.tensor(k, dtype=torch.float32) / torch.tensor(STEPS, dtype=torch.float32)
        gk = gradients(model, (x.float() * alpha).double(), (y.float() * alpha).double(), labels)
        for t, g in enumerate(gk):
            acc_s[t] += g[1].double()
            acc_t[t] += g[2].double()
    ig_s = (xd.unsqueeze(0) * (acc_s / STEPS)).sum(dim=2)
    ig_t = (yd.unsqueeze(0) * (acc_t / STEPS)).sum(dim=2)
    return {
        "log_probability": tensor_json(torch.tensor([g[0] for g in g1])),
        "saliency": tensor_json(sal_s), "saliency.target": tensor_json(sal_t),
        "input_x_gradient": tensor_json(ixg_s), "input_x_gradient.target": tensor_json(ixg_t),
        "integrated_gradients": tensor_json(ig_s), "integrated_gradients.target": tensor_json(ig_t),
    }


def marian_saliency(path, model, src, labels):
    """The source saliency through transformers' own MarianMTModel (inputs_embeds)."""
    from transformers import MarianMTModel
    m = MarianMTModel.from_pretrained(path, attn_implementation="eager").eval().double()
    cfg = model.cfg
    ids = torch.tensor([src])
    dec = torch.tensor([[cfg["decoder_start_token_id"]] + labels[:-1]])
    emb = (m.model.encoder.embed_tokens(ids) * m.model.encoder.embed_scale).detach().requires_grad_(True)
    demb = m.model.decoder.embed_tokens(dec).detach()  # MarianDecoder scales inputs_embeds itself
    logits = m(inputs_embeds=emb, decoder_inputs_embeds=demb).logits[0]
    logp = torch.log_softmax(logits, dim=-1)
    rows = []
    for t, label in enumerate(labels):
        gx, = torch.autograd.grad(logp[t, label], (emb,), retain_graph=True)
        rows.append(gx[0].double().norm(dim=1))
    return torch.stack(rows)


def cases_of(name):
    with open(os.path.join(REFERENCE, f"{name}.json")) as f:
        ref = json.load(f)
    out = []
    for c in ref["cases"]:
        greedy = c["greedy_ids"] if "greedy_ids" in c else c["generate"]["greedy"]["ids"]
        if not c["source_ids"] or not greedy:
            continue
        out.append((c["text"], c["source_ids"], greedy[:MAX_TARGET]))
        if len(out) == CASES:
            break
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    versions = {"torch": torch.__version__}
    for name in ["tiny", "marian", "prenorm", "plain", "opus-en-es", "opus-en-es-separate"]:
        path = os.path.join(MODELS, name)
        model = ReferenceModel.from_dir(path)
        cfg = model.cfg
        float_model = model
        model = ReferenceModel.from_dir(path).double()
        model.logits_bias = model.logits_bias.double()
        records = []
        worst = 0.0
        for text, src, tgt in cases_of(name):
            ids = torch.tensor(src)
            fm = float_model
            x = (fm.enc_embed(ids) * fm.scale + fm.enc_pos[: len(src)]).detach()          # float32
            dec = torch.tensor([cfg["decoder_start_token_id"]] + tgt[:-1])
            y = (fm.dec_embed(dec) * fm.scale + fm.dec_pos[: len(dec)]).detach()          # float32
            a = attributions(model, x.double(), y.double(), tgt)
            if cfg["model_type"] == "marian":
                hf = marian_saliency(path, model, src, tgt)
                ours = torch.tensor(a["saliency"]["data"], dtype=torch.float64).reshape(hf.shape)
                worst = max(worst, float(((hf - ours).abs().max(dim=1).values / hf.abs().max(dim=1).values).max()))
            records.append({"text": text, "source_ids": src, "target_ids": tgt, **a})
        if cfg["model_type"] == "marian":
            assert worst < 1e-5, f"{name}: MarianMTModel's saliency differs by {worst} (relative)"
            print(f"{name}: MarianMTModel saliency agrees, worst row-relative difference {worst:.2e}")
        doc = {"model": name, "generator": GENERATOR, **versions, "steps": STEPS, "cases": records}
        with open(os.path.join(OUT, f"{name}.json"), "w") as f:
            json.dump(doc, f, separators=(",", ":"))
            f.write("\n")
        print(f"{name}: {len(records)} cases")


if __name__ == "__main__":
    main()
