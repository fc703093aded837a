"""An independent PyTorch reference of the Vamos model, written from docs/MODEL.md only.

It is built from torch.nn parts: nn.Embedding, nn.Linear, nn.LayerNorm and, wherever the
similarity is `scaled_dot`, nn.MultiheadAttention (batch_first, in_proj_weight = cat(q, k, v)).
For `dot` and `cosine` a small explicit implementation of the formulas in MODEL.md is used.

Everything runs in float32 on the CPU; one sentence at a time (no batching, no padding).
"""

import json
import math
import os

import torch
import torch.nn.functional as F
from safetensors.torch import load_file
from torch import nn

# MarianConfig's class defaults, for keys that config.json may leave out (MODEL.md, "config.json").
MARIAN_DEFAULTS = {
    "model_type": "vamos",
    "share_encoder_decoder_embeddings": True,
    "tie_word_embeddings": True,
    "d_model": 1024,
    "encoder_layers": 12,
    "decoder_layers": 12,
    "encoder_attention_heads": 16,
    "decoder_attention_heads": 16,
    "encoder_ffn_dim": 4096,
    "decoder_ffn_dim": 4096,
    "activation_function": "gelu",
    "scale_embedding": False,
    "max_position_embeddings": 1024,
    "pad_token_id": None,
    "max_length": 512,
}

VAMOS_DEFAULTS = {
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

REQUIRED = ["vocab_size", "decoder_start_token_id", "eos_token_id"]


def resolve_config(raw):
    """config.json as a dict, with every default filled in."""
    for key in REQUIRED:
        if key not in raw:
            raise ValueError(f"config.json: missing required key {key!r}")
    cfg = dict(MARIAN_DEFAULTS)
    cfg.update(VAMOS_DEFAULTS)
    cfg.update({k: v for k, v in raw.items() if v is not None or k == "pad_token_id"})
    if cfg.get("decoder_vocab_size") is None:
        cfg["decoder_vocab_size"] = cfg["vocab_size"]
    return cfg


# ---------------------------------------------------------------------------------------------
# Positional tables (MODEL.md step 2): computed in double, rounded to float32.

def positional_table(kind, n_pos, dim):
    t = torch.arange(n_pos, dtype=torch.float64).unsqueeze(1)  # [n_pos, 1]
    if kind == "sinusoidal_interleaved":
        # P[t, 2i] = sin(t / 10000^(2i/C)), P[t, 2i+1] = cos(t / 10000^(2i/C))
        p = torch.zeros(n_pos, dim, dtype=torch.float64)
        for col in range(dim):
            two_i = col - (col % 2)
            angle = t[:, 0] / (10000.0 ** (two_i / dim))
            p[:, col] = torch.sin(angle) if col % 2 == 0 else torch.cos(angle)
        return p.to(torch.float32)
    if kind == "sinusoidal_halves":
        # a[t, j] = t / 10000^(2*floor(j/2)/C); h = ceil(C/2)
        # P[t, 0..<h] = sin(a[t, 0, 2, 4, ...]), P[t, h..<C] = cos(a[t, 1, 3, 5, ...])
        j = torch.arange(dim, dtype=torch.float64)
        a = t / torch.pow(torch.tensor(10000.0, dtype=torch.float64), 2.0 * torch.floor(j / 2.0) / dim)
        h = (dim + 1) // 2
        p = torch.zeros(n_pos, dim, dtype=torch.float64)
        p[:, :h] = torch.sin(a[:, 0::2])
        p[:, h:] = torch.cos(a[:, 1::2])
        return p.to(torch.float32)
    raise ValueError(kind)


# ---------------------------------------------------------------------------------------------
# Attention (MODEL.md step 3).

class Attention(nn.Module):
    """q/k/v/out projections; nn.MultiheadAttention for scaled_dot, explicit math otherwise."""

    def __init__(self, dim, heads, similarity, bias):
        super().__init__()
        if dim % heads != 0:
            raise ValueError("heads must divide d_model")
        self.dim, self.heads, self.similarity, self.bias = dim, heads, similarity, bias
        if similarity == "scaled_dot":
            self.mha = nn.MultiheadAttention(dim, heads, bias=bias, batch_first=True)
        elif similarity in ("dot", "cosine"):
            self.q_proj = nn.Linear(dim, dim, bias=bias)
            self.k_proj = nn.Linear(dim, dim, bias=bias)
            self.v_proj = nn.Linear(dim, dim, bias=bias)
            self.out_proj = nn.Linear(dim, dim, bias=bias)
        else:
            raise ValueError(f"unknown similarity {similarity!r}")

    def load(self, get, prefix):
        """Copy `{prefix}.{q,k,v,out}_proj.{weight,bias}` in."""
        w = {n: get(f"{prefix}.{n}_proj.weight", [self.dim, self.dim]) for n in ("q", "k", "v")}
        w["out"] = get(f"{prefix}.out_proj.weight", [self.dim, self.dim])
        b = None
        if self.bias:
            b = {n: get(f"{prefix}.{n}_proj.bias", [self.dim]) for n in ("q", "k", "v", "out")}
        with torch.no_grad():
            if self.similarity == "scaled_dot":
                self.mha.in_proj_weight.copy_(torch.cat([w["q"], w["k"], w["v"]], dim=0))
                self.mha.out_proj.weight.copy_(w["out"])
                if self.bias:
                    self.mha.in_proj_bias.copy_(torch.cat([b["q"], b["k"], b["v"]], dim=0))
                    self.mha.out_proj.bias.copy_(b["out"])
            else:
                for n, lin in (("q", self.q_proj), ("k", self.k_proj), ("v", self.v_proj), ("out", self.out_proj)):
                    lin.weight.copy_(w[n])
                    if self.bias:
                        lin.bias.copy_(b[n])

    def forward(self, x_q, x_kv, causal):
        """x_q [S, C], x_kv [T, C] -> [S, C]."""
        s_len, t_len = x_q.shape[0], x_kv.shape[0]
        mask = None
        if causal:
            # True = not allowed: j > i (subsequentMask)
            mask = torch.triu(torch.ones(s_len, t_len, dtype=torch.bool), diagonal=1)
        if self.similarity == "scaled_dot":
            out, _ = self.mha(x_q.unsqueeze(0), x_kv.unsqueeze(0), x_kv.unsqueeze(0),
                              attn_mask=mask, need_weights=False)
            return out.squeeze(0)
        return self.explicit(x_q, x_kv, mask, self.q_proj, self.k_proj, self.v_proj, self.out_proj,
                             self.similarity)

    def explicit(self, x_q, x_kv, mask, q_proj, k_proj, v_proj, out_proj, similarity):
        h, d = self.heads, self.dim // self.heads
        q = q_proj(x_q).view(-1, h, d).transpose(0, 1)   # [H, S, D]
        k = k_proj(x_kv).view(-1, h, d).transpose(0, 1)  # [H, T, D]
        v = v_proj(x_kv).view(-1, h, d).transpose(0, 1)  # [H, T, D]
        s = q @ k.transpose(1, 2)                        # [H, S, T]
        if similarity == "scaled_dot":
            s = s / math.sqrt(d)
        elif similarity == "cosine":
            qn = torch.clamp(q.norm(dim=-1), min=1e-8)   # [H, S]
            kn = torch.clamp(k.norm(dim=-1), min=1e-8)   # [H, T]
            s = s / (qn.unsqueeze(2) * kn.unsqueeze(1))
        if mask is not None:
            s = s.masked_fill(mask, float("-inf"))
        p = torch.softmax(s, dim=-1)
        z = (p @ v).transpose(0, 1).reshape(-1, self.dim)  # heads concatenated
        return out_proj(z)

    def self_check(self, x_q, x_kv, causal):
        """For scaled_dot: nn.MultiheadAttention against the explicit formula (consistency)."""
        if self.similarity != "scaled_dot":
            return 0.0
        c = self.dim
        wq, wk, wv = self.mha.in_proj_weight.split(c, dim=0)
        bq = bk = bv = bo = None
        if self.bias:
            bq, bk, bv = self.mha.in_proj_bias.split(c, dim=0)
            bo = self.mha.out_proj.bias
        lin = lambda w, b: (lambda x: F.linear(x, w, b))
        mask = torch.triu(torch.ones(x_q.shape[0], x_kv.shape[0], dtype=torch.bool), 1) if causal else None
        ref = self.explicit(x_q, x_kv, mask, lin(wq, bq), lin(wk, bk), lin(wv, bv),
                            lin(self.mha.out_proj.weight, bo), "scaled_dot")
        return (ref - self.forward(x_q, x_kv, causal)).abs().max().item()


def activation(name):
    if name == "relu":
        return nn.ReLU()
    if name == "gelu":
        return nn.GELU(approximate="none")
    if name == "gelu_new":
        return nn.GELU(approximate="tanh")
    if name in ("swish", "silu"):
        return nn.SiLU()
    raise ValueError(f"unknown activation {name!r}")


class FeedForward(nn.Module):
    def __init__(self, dim, ffn_dim, act, bias):
        super().__init__()
        self.fc1 = nn.Linear(dim, ffn_dim, bias=bias)
        self.fc2 = nn.Linear(ffn_dim, dim, bias=bias)
        self.act = activation(act)
        self.dim, self.ffn_dim, self.bias = dim, ffn_dim, bias

    def load(self, get, prefix):
        with torch.no_grad():
            self.fc1.weight.copy_(get(f"{prefix}.fc1.weight", [self.ffn_dim, self.dim]))
            self.fc2.weight.copy_(get(f"{prefix}.fc2.weight", [self.dim, self.ffn_dim]))
            if self.bias:
                self.fc1.bias.copy_(get(f"{prefix}.fc1.bias", [self.ffn_dim]))
                self.fc2.bias.copy_(get(f"{prefix}.fc2.bias", [self.dim]))

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


def layer_norm(dim, eps):
    return nn.LayerNorm(dim, eps=eps, elementwise_affine=True, bias=True)


def load_ln(ln, get, prefix, dim):
    with torch.no_grad():
        ln.weight.copy_(get(f"{prefix}.weight", [dim]))
        ln.bias.copy_(get(f"{prefix}.bias", [dim]))


class Layer(nn.Module):
    """One encoder or decoder layer (MODEL.md step 6)."""

    def __init__(self, cfg, side):
        super().__init__()
        c = cfg["d_model"]
        heads = cfg[f"{side}_attention_heads"]
        self.side, self.mode, self.c = side, cfg["layer_norm"], c
        self.ff_on = cfg["feed_forward"]
        eps = cfg["layer_norm_eps"]
        self.self_attn = Attention(c, heads, cfg["similarity"], cfg["attention_bias"])
        if side == "decoder":
            self.encoder_attn = Attention(c, heads, cfg["similarity"], cfg["attention_bias"])
        if self.ff_on:
            self.ff = FeedForward(c, cfg[f"{side}_ffn_dim"], cfg["activation_function"], cfg["ffn_bias"])
        if self.mode != "none":
            self.self_attn_layer_norm = layer_norm(c, eps)
            if side == "decoder":
                self.encoder_attn_layer_norm = layer_norm(c, eps)
            if self.ff_on:
                self.final_layer_norm = layer_norm(c, eps)

    def load(self, get, prefix):
        self.self_attn.load(get, f"{prefix}.self_attn")
        if self.side == "decoder":
            self.encoder_attn.load(get, f"{prefix}.encoder_attn")
        if self.ff_on:
            self.ff.load(get, prefix)
        if self.mode != "none":
            load_ln(self.self_attn_layer_norm, get, f"{prefix}.self_attn_layer_norm", self.c)
            if self.side == "decoder":
                load_ln(self.encoder_attn_layer_norm, get, f"{prefix}.encoder_attn_layer_norm", self.c)
            if self.ff_on:
                load_ln(self.final_layer_norm, get, f"{prefix}.final_layer_norm", self.c)

    def sublayer(self, x, f, ln):
        if self.mode == "post":
            return ln(x + f(x))
        if self.mode == "pre":
            return x + f(ln(x))
        return x + f(x)

    def forward(self, x, memory=None):
        ln = lambda name: getattr(self, name, None)
        causal = self.side == "decoder"
        x = self.sublayer(x, lambda h: self.self_attn(h, h, causal), ln("self_attn_layer_norm"))
        if self.side == "decoder":
            x = self.sublayer(x, lambda h: self.encoder_attn(h, memory, False), ln("encoder_attn_layer_norm"))
        if self.ff_on:
            x = self.sublayer(x, self.ff, ln("final_layer_norm"))
        return x


class ReferenceModel(nn.Module):
    def __init__(self, cfg, tensors):
        super().__init__()
        self.cfg = cfg
        c = cfg["d_model"]
        self.c = c
        self.used = set()

        def get(name, shape, fallbacks=()):
            for n in (name, *fallbacks):
                if n in tensors:
                    t = tensors[n]
                    if list(t.shape) != list(shape):
                        raise ValueError(f"{n}: shape {list(t.shape)}, expected {list(shape)}")
                    if t.dtype != torch.float32:
                        t = t.to(torch.float32)
                    self.used.add(n)
                    return t
            raise KeyError(f"missing tensor {name}")

        v_src, v_tgt = cfg["vocab_size"], cfg["decoder_vocab_size"]
        shared = cfg["share_encoder_decoder_embeddings"]
        if shared:
            if v_src != v_tgt:
                raise ValueError("shared embeddings need vocab_size == decoder_vocab_size")
            e = get("model.shared.weight", [v_src, c],
                    ("model.encoder.embed_tokens.weight", "model.decoder.embed_tokens.weight"))
            enc_e = dec_e = e
        else:
            enc_e = get("model.encoder.embed_tokens.weight", [v_src, c])
            dec_e = get("model.decoder.embed_tokens.weight", [v_tgt, c])
        self.enc_embed = nn.Embedding(v_src, c)
        self.dec_embed = nn.Embedding(v_tgt, c)
        with torch.no_grad():
            self.enc_embed.weight.copy_(enc_e)
            self.dec_embed.weight.copy_(dec_e)
        self.scale = math.sqrt(c) if cfg["scale_embedding"] else 1.0

        n_pos = cfg["max_position_embeddings"]
        kind = cfg["positional_encoding"]
        if kind == "learned":
            self.enc_pos = get("model.encoder.embed_positions.weight", [n_pos, c]).clone()
            self.dec_pos = get("model.decoder.embed_positions.weight", [n_pos, c]).clone()
        elif kind == "none":
            self.enc_pos = self.dec_pos = torch.zeros(n_pos, c)
        else:
            self.enc_pos = self.dec_pos = positional_table(kind, n_pos, c)

        self.enc_layers = nn.ModuleList(Layer(cfg, "encoder") for _ in range(cfg["encoder_layers"]))
        self.dec_layers = nn.ModuleList(Layer(cfg, "decoder") for _ in range(cfg["decoder_layers"]))
        for i, layer in enumerate(self.enc_layers):
            layer.load(get, f"model.encoder.layers.{i}")
        for i, layer in enumerate(self.dec_layers):
            layer.load(get, f"model.decoder.layers.{i}")
        self.pre = cfg["layer_norm"] == "pre"
        if self.pre:
            self.enc_final_ln = layer_norm(c, cfg["layer_norm_eps"])
            self.dec_final_ln = layer_norm(c, cfg["layer_norm_eps"])
            load_ln(self.enc_final_ln, get, "model.encoder.layer_norm", c)
            load_ln(self.dec_final_ln, get, "model.decoder.layer_norm", c)

        self.lm_head = nn.Linear(c, v_tgt, bias=False)
        with torch.no_grad():
            if cfg["tie_word_embeddings"]:
                self.lm_head.weight.copy_(dec_e)
            else:
                self.lm_head.weight.copy_(get("lm_head.weight", [v_tgt, c]))
        if cfg["final_logits_bias"]:
            self.logits_bias = get("final_logits_bias", [1, v_tgt]).reshape(v_tgt).clone()
        else:
            self.logits_bias = torch.zeros(v_tgt)
        self.eval()

    @classmethod
    def from_dir(cls, path):
        with open(os.path.join(path, "config.json")) as f:
            cfg = resolve_config(json.load(f))
        return cls(cfg, load_file(os.path.join(path, "model.safetensors")))

    # -- the forward pass ----------------------------------------------------------------

    @torch.no_grad()
    def encode(self, ids):
        """ids: list of source ids -> dict of embeddings, encoder_input, encoder_output ([T, C])."""
        ids = torch.tensor(ids, dtype=torch.long)
        if len(ids) > self.cfg["max_position_embeddings"]:
            raise ValueError("source longer than max_position_embeddings")
        emb = self.enc_embed(ids) * self.scale
        x = emb + self.enc_pos[: len(ids)]
        h = x
        for layer in self.enc_layers:
            h = layer(h)
        if self.pre:
            h = self.enc_final_ln(h)
        return {"embeddings": emb, "encoder_input": x, "encoder_output": h}

    @torch.no_grad()
    def decode(self, dec_ids, memory):
        """Decoder input ids [S] and encoder output [T, C] -> logits [S, V_target]."""
        ids = torch.tensor(dec_ids, dtype=torch.long)
        y = self.dec_embed(ids) * self.scale + self.dec_pos[: len(ids)]
        for layer in self.dec_layers:
            y = layer(y, memory)
        if self.pre:
            y = self.dec_final_ln(y)
        return self.lm_head(y) + self.logits_bias

    @torch.no_grad()
    def greedy(self, memory, max_length=None):
        """MODEL.md step 8. Returns the generated ids (no start token; the final eos included)."""
        cfg = self.cfg
        # config.json's max_length is Marian's: it counts the start token, so max_length - 1 ids
        # are generated at most (MODEL.md step 8).
        max_length = cfg["max_length"] - 1 if max_length is None else max_length
        eos, pad = cfg["eos_token_id"], cfg["pad_token_id"]
        dec = [cfg["decoder_start_token_id"]]
        out = []
        while len(out) < max_length:
            logits = self.decode(dec, memory)[-1].clone()
            if pad is not None and pad != eos:
                logits[pad] = float("-inf")
            best = int(torch.argmax(logits))  # the first (lowest) index among equal maxima
            assert logits[best] == logits.max() and not (logits[:best] == logits[best]).any()
            out.append(best)
            dec.append(best)
            if best == eos:
                break
        return out

    @torch.no_grad()
    def self_check(self, enc_input, memory, dec_ids):
        """Max difference between nn.MultiheadAttention and the explicit scaled_dot formula."""
        worst = 0.0
        x = enc_input
        for layer in self.enc_layers:
            worst = max(worst, layer.self_attn.self_check(x, x, False))
            x = layer(x)
        ids = torch.tensor(dec_ids, dtype=torch.long)
        y = self.dec_embed(ids) * self.scale + self.dec_pos[: len(ids)]
        for layer in self.dec_layers:
            worst = max(worst, layer.self_attn.self_check(y, y, True))
            worst = max(worst, layer.encoder_attn.self_check(y, memory, False))
            y = layer(y, memory)
        return worst
