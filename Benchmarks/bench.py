#!/usr/bin/env python3
"""Vamos vs transformers vs CTranslate2 on this machine, in one run, side by side.

    /path/to/venv/bin/python Benchmarks/bench.py [--sentences 20] [--threads 2] [--quick] [--out FILE]

Needs torch, transformers, ctranslate2, safetensors, numpy, a C compiler (cc) and /usr/bin/time, and
the executables in .build/release (make build). Nothing is downloaded. Prints Markdown tables and
writes them to Benchmarks/results.md (--out). Benchmarks/README.md says what is measured and how.

1. An opus-mt-en-es-shaped MarianMTModel (d_model 512, 6+6 layers, 8 heads, ffn 2048, 58,101-piece
   shared vocabulary, swish, scale_embedding, tied embeddings, final_logits_bias), randomly
   initialised with torch.manual_seed(0), saved with save_pretrained into --cache (outside the repo;
   reused when present). final_logits_bias[</s>] = -1e4 makes </s> unreachable, so every tool
   generates exactly --new-tokens ids for every sentence (the bias is part of the model: all tools
   see the same model). CTranslate2 fp32 and int8 conversions of that directory, and a bf16 copy of
   its weights for Vamos, are cached beside it.
2. Tokens generated per second: greedy and beam 4 at batch 1, greedy at batch 16, Vamos with bf16
   weights; the ids of every sentence compared with transformers'. Exit status 1 when Vamos' fp32
   ids differ from transformers'.
3. The 2-thread memory read bandwidth, and each batch-1 row as a % of its bound
   (bandwidth ÷ bytes of weights read per generated token).
4. Start-up time and peak RSS of each Vamos stage on one short document.
5. Training steps per second: Vamos `train` on the demo architecture vs the same architecture in
   PyTorch.
"""
import argparse, datetime, json, math, os, platform, random, shutil, struct, subprocess, sys, tempfile, time

import numpy as np
import torch
import transformers
from transformers import MarianConfig, MarianMTModel
import ctranslate2
import warnings
from ctranslate2.converters import TransformersConverter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release")
STAGES = ["embed", "posenc", "encode", "decode"]

# The opus-mt-en-es shape (Helsinki-NLP/opus-mt-en-es's config.json).
VOCAB, EOS, UNK, PAD = 58101, 0, 1, 58100
OPUS = dict(vocab_size=VOCAB, decoder_vocab_size=VOCAB, d_model=512, encoder_layers=6, decoder_layers=6,
            encoder_attention_heads=8, decoder_attention_heads=8, encoder_ffn_dim=2048, decoder_ffn_dim=2048,
            activation_function="swish", scale_embedding=True, max_position_embeddings=512,
            share_encoder_decoder_embeddings=True, tie_word_embeddings=True,
            pad_token_id=PAD, eos_token_id=EOS, decoder_start_token_id=PAD, forced_eos_token_id=None)
EOS_BIAS = -1e4
GENERATION = {"decoder_start_token_id": PAD, "eos_token_id": EOS, "pad_token_id": PAD, "bad_words_ids": [[PAD]],
              "num_beams": 1}
MODEL_RECIPE = dict(OPUS, seed=0, eos_bias=EOS_BIAS, pad_row="zero", recipe=2)


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def token(i):
    return "</s>" if i == EOS else "<unk>" if i == UNK else "<pad>" if i == PAD else f"w{i}"


# ---------------------------------------------------------------------------------------------
# Models


def tensor_convert():
    """Whether `tensor --help` lists a convert subcommand."""
    return any(line.split()[:1] == ["convert"] for line in help_text("tensor").splitlines() if line.startswith("  "))


BF16_HOW = {True: "tensor convert --dtype bf16", False: "safetensors + torch .to(torch.bfloat16), round to nearest even"}


def build_models(cache):
    """The fp32 checkpoint (Vamos, transformers), its bf16 copy (Vamos) and the CTranslate2 conversions."""
    fp32 = os.path.join(cache, "opus-shape")
    meta = os.path.join(fp32, "bench-recipe.json")
    if not (os.path.exists(meta) and json.load(open(meta)) == MODEL_RECIPE):
        log(f"bench: building the opus-mt-shaped model in {fp32}")
        shutil.rmtree(fp32, ignore_errors=True)
        for d in ("opus-shape-bf16", "opus-shape-ct2-float32", "opus-shape-ct2-int8"):
            shutil.rmtree(os.path.join(cache, d), ignore_errors=True)
        torch.manual_seed(MODEL_RECIPE["seed"])
        model = MarianMTModel(MarianConfig(**OPUS)).eval()
        with torch.no_grad():
            model.model.shared.weight[PAD].zero_()        # Marian's <pad> row (the decoder start) is zero
            model.final_logits_bias[0, EOS] = EOS_BIAS    # </s> unreachable: every sentence gets --new-tokens ids
        model.save_pretrained(fp32, safe_serialization=True)
        # Word-level vocabulary: Vamos reads source.ids documents, so no SentencePiece model is needed;
        # </s> 0, <unk> 1 and <pad> last (58100) as in opus-mt's vocab.json (CTranslate2 drops <pad>).
        with open(os.path.join(fp32, "vocab.json"), "w") as f:
            json.dump({token(i): i for i in range(VOCAB)}, f)
        with open(meta, "w") as f:
            json.dump(MODEL_RECIPE, f)
    # generate()'s settings, read by decode as by transformers: greedy, <pad> never generated, no forced
    # </s> (the lengths come from the command lines: --max-length, max_new_tokens, max_decoding_length).
    for d in (fp32,):
        with open(os.path.join(d, "generation_config.json"), "w") as f:
            json.dump(GENERATION, f, indent=2)
    bf16 = os.path.join(cache, "opus-shape-bf16")
    how_file = os.path.join(bf16, "bench-bf16.txt")
    if not (os.path.exists(how_file) and open(how_file).read().strip() == BF16_HOW[tensor_convert()]):
        os.makedirs(bf16, exist_ok=True)
        for name in ("config.json", "vocab.json"):
            shutil.copy(os.path.join(fp32, name), bf16)
        src, dst = os.path.join(fp32, "model.safetensors"), os.path.join(bf16, "model-partial.safetensors")
        if tensor_convert():
            how = BF16_HOW[True]
            run([os.path.join(BIN, "tensor"), "convert", "--dtype", "bf16", src, dst])
        else:
            how = BF16_HOW[False]
            from safetensors.torch import load_file, save_file
            save_file({k: v.to(torch.bfloat16).contiguous() for k, v in load_file(src).items()}, dst,
                      metadata={"format": "pt"})
        os.replace(dst, os.path.join(bf16, "model.safetensors"))
        with open(how_file, "w") as f:
            f.write(how + "\n")
    with open(os.path.join(bf16, "generation_config.json"), "w") as f:
        json.dump(GENERATION, f, indent=2)
    ct2 = {}
    for q in ("float32", "int8"):
        out = os.path.join(cache, f"opus-shape-ct2-{q}")
        if not os.path.exists(os.path.join(out, "model.bin")):
            log(f"bench: converting to CTranslate2 ({q}) in {out}")
            WordVocabConverter(fp32).convert(out, quantization=q, force=True)
        ct2[q] = out
    return fp32, bf16, ct2


class WordVocab:
    """What CTranslate2's Marian loader reads of a tokenizer (special tokens and get_vocab()), from
    the word-level vocab.json: the converter needs no SentencePiece files this way."""
    eos_token, unk_token, pad_token = "</s>", "<unk>", "<pad>"

    def __init__(self, path):
        self.vocab = json.load(open(os.path.join(path, "vocab.json")))

    def get_vocab(self):
        return dict(self.vocab)


class WordVocabConverter(TransformersConverter):
    def load_tokenizer(self, tokenizer_class, model_name_or_path, **kwargs):
        return WordVocab(model_name_or_path)


def safetensors_header(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        h = json.loads(f.read(n))
    h.pop("__metadata__", None)
    return h


DTYPE_BYTES = {"F32": 4, "F16": 2, "BF16": 2, "I8": 1}


def weight_bytes(header, keep, fmt="file"):
    """Bytes of the tensors `keep(name)` selects: as stored (fmt "file"), or as CTranslate2 int8
    keeps them (matrices 1 byte per element + a float32 scale per row, vectors float32)."""
    total = 0
    for name, t in header.items():
        if not keep(name):
            continue
        n = math.prod(t["shape"])
        if fmt == "int8":
            matrix = len(t["shape"]) == 2 and min(t["shape"]) > 1
            total += n + 4 * t["shape"][0] if matrix else 4 * n
        else:
            total += n * DTYPE_BYTES[t["dtype"]]
    return total


def per_token(name):
    """Weights read once per generated token (batch 1): the decoder layers except the cross-attention
    key/value projections (applied once per sentence, to the encoder output), the embedding once as
    the output layer, final_logits_bias. Not the encoder's."""
    if name in ("model.shared.weight", "lm_head.weight", "final_logits_bias"):
        return True
    if name == "model.decoder.embed_tokens.weight":
        return False  # tied: the same matrix as model.shared.weight (one lookup row otherwise)
    return name.startswith("model.decoder.") and ".encoder_attn.k_proj." not in name and ".encoder_attn.v_proj." not in name


STAGE_WEIGHTS = {
    "embed": lambda n: n in ("model.shared.weight", "model.encoder.embed_tokens.weight"),
    "posenc": lambda n: "embed_positions" in n,
    "encode": lambda n: n.startswith("model.encoder.") and "embed" not in n,
    "decode": lambda n: (n.startswith("model.decoder.") and "embed_positions" not in n)
                        or n in ("model.shared.weight", "lm_head.weight", "final_logits_bias"),
}

# ---------------------------------------------------------------------------------------------
# Helpers


BUSY = ("Text file busy", "No such file or directory", "cannot execute")


def rerun_while_rebuilt(fn):
    """Runs fn() (a finished subprocess) again, a minute later, while an executable is being rebuilt."""
    for _ in range(10):
        r = fn()
        if r.returncode == 0 or not any(b in (r.stderr or "") for b in BUSY):
            return r
        log("bench: an executable is being rebuilt; retrying in a minute")
        time.sleep(60)
    return r


def run(cmd, **kw):
    r = rerun_while_rebuilt(lambda: subprocess.run(cmd, capture_output=True, text=True, **kw))
    if r.returncode != 0:
        sys.exit(f"bench: {' '.join(map(str, cmd))[:300]} failed ({r.returncode}):\n{r.stderr[-3000:]}")
    return r


def wait_for_binaries(names):
    for attempt in range(10):
        missing = [n for n in names if not os.access(os.path.join(BIN, n), os.X_OK)]
        if not missing:
            return
        log(f"bench: waiting for {', '.join(missing)} in {BIN} (being rebuilt?)")
        time.sleep(60)
    sys.exit(f"bench: {', '.join(missing)} missing in {BIN}; run make build")


_help = {}


def help_text(stage):
    if stage not in _help:
        r = subprocess.run([os.path.join(BIN, stage), "--help"], capture_output=True, text=True)
        _help[stage] = r.stdout + r.stderr
    return _help[stage]


def has_option(stage, opt):
    return any(w.strip("[],") == opt for w in help_text(stage).split())


def vamos_env(threads):
    return dict(os.environ, VAMOS_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))


def vamos_pipeline(model, threads, beams, new_tokens, batch=1):
    """The shell pipeline embed | posenc | encode | decode, and what it could not do."""
    notes = []
    parts = []
    for s in STAGES:
        args = [os.path.join(BIN, s), "--model", model]
        if has_option(s, "--threads"):
            args += ["--threads", str(threads)]
        if s == "decode":
            args += ["--beams", str(beams), "--max-length", str(new_tokens)]
            if beams > 1:
                args += ["--early-stopping", "true"]
        if s in ("encode", "decode"):
            if has_option(s, "--batch"):
                args += ["--batch", str(batch)]  # also --batch 1: the batch-1 rows must not batch
            elif batch > 1:
                notes.append(f"{s} has no --batch")
        parts.append(" ".join(args))
    return "set -o pipefail; " + " | ".join(parts), notes


def vamos_translate(model, sources, threads, beams, new_tokens, batch=1):
    wait_for_binaries(STAGES)  # the executables may be being rebuilt
    cmd, notes = vamos_pipeline(model, threads, beams, new_tokens, batch)
    docs = "".join(json.dumps({"format": "vamos/1", "source": {"ids": s}}) + "\n" for s in sources)
    t0 = time.perf_counter()
    r = subprocess.run(["bash", "-c", cmd], input=docs, capture_output=True, text=True, env=vamos_env(threads))
    seconds = time.perf_counter() - t0
    if r.returncode != 0 and any(b in r.stderr for b in BUSY):
        log("bench: an executable is being rebuilt; retrying in a minute")
        time.sleep(60)
        return vamos_translate(model, sources, threads, beams, new_tokens, batch)
    if r.returncode != 0:
        sys.exit(f"bench: the Vamos pipeline failed ({r.returncode}):\n{cmd}\n{r.stderr[-3000:]}")
    ids = [json.loads(line)["target"]["ids"] for line in r.stdout.splitlines() if line.strip()]
    if len(ids) != len(sources):
        sys.exit(f"bench: the Vamos pipeline wrote {len(ids)} documents for {len(sources)} sentences")
    return seconds, ids, notes


def hf_generate(model, sources, beams, new_tokens, batch=1):
    out = []
    with torch.inference_mode():
        for i in range(0, len(sources), batch):
            x = torch.tensor(sources[i:i + batch])  # all sources have the same length: no padding
            beam = dict(early_stopping=True, length_penalty=1.0) if beams > 1 else {}
            r = model.generate(input_ids=x, attention_mask=torch.ones_like(x), num_beams=beams, do_sample=False,
                               max_new_tokens=new_tokens, min_new_tokens=new_tokens, bad_words_ids=[[PAD]],
                               forced_eos_token_id=None, num_return_sequences=1, **beam)
            out += [row[1:].tolist() for row in r]  # drop the decoder start token
    return out


def ct2_translate(translator, sources, beams, new_tokens, batch=1):
    out = []
    for i in range(0, len(sources), batch):
        res = translator.translate_batch([[token(t) for t in s] for s in sources[i:i + batch]],
                                         max_batch_size=batch, beam_size=beams, num_hypotheses=1,
                                         max_decoding_length=new_tokens, min_decoding_length=new_tokens,
                                         length_penalty=1.0)
        out += [[int(t[1:]) if t.startswith("w") else {"</s>": EOS, "<unk>": UNK}[t] for t in r.hypotheses[0]]
                for r in res]
    return out


def timed(fn, sources, warm, repeat):
    """One untimed warm-up run (the first `warm` sentences), then the best of `repeat` timed runs."""
    fn(sources[:warm])
    best, ids = 1e30, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        ids = fn(sources)
        best = min(best, time.perf_counter() - t0)
    return best, ids


def peer_worker():
    """`bench.py --peer-worker`: one peer (transformers or a CTranslate2 model) measured in a process
    of its own, so that no tool's threads share a process with another's. torch and CTranslate2 in
    one process slow CTranslate2 down for good once torch has run (measured: 113–128 → 74 tok/s,
    greedy batch 1, 2 threads). Reads the job as JSON on stdin; writes {"seconds", "ids"} on stdout."""
    job = json.load(sys.stdin)
    torch.set_num_threads(job["threads"])
    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    sources, beams, new_tokens, batch = job["sources"], job["beams"], job["new_tokens"], job["batch"]
    warm = max(1, batch)
    if job["peer"] == "hf":
        model = MarianMTModel.from_pretrained(job["model"]).eval()
        s, ids = timed(lambda src: hf_generate(model, src, beams, new_tokens, batch), sources, warm, job["repeat"])
    else:
        tr = ctranslate2.Translator(job["model"], device="cpu", compute_type=job["peer"],
                                    intra_threads=job["threads"], inter_threads=1)
        s, ids = timed(lambda src: ct2_translate(tr, src, beams, new_tokens, batch), sources, warm, job["repeat"])
    json.dump({"seconds": s, "ids": ids}, sys.stdout)


def peer_timed(peer, model, sources, threads, beams, new_tokens, batch, repeat):
    job = dict(peer=peer, model=model, sources=sources, threads=threads, beams=beams, new_tokens=new_tokens,
               batch=batch, repeat=repeat)
    r = subprocess.run([sys.executable, os.path.abspath(__file__), "--peer-worker"], input=json.dumps(job),
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"bench: measuring {peer} failed ({r.returncode}):\n{r.stderr[-3000:]}")
    out = json.loads(r.stdout)
    return out["seconds"], out["ids"]


def vamos_timed(model, sources, threads, beams, new_tokens, batch, repeat):
    runs = [vamos_translate(model, sources, threads, beams, new_tokens, batch) for _ in range(repeat)]
    return min(r[0] for r in runs), runs[0][1], runs[0][2]


# ---------------------------------------------------------------------------------------------
# Memory bandwidth

BANDWIDTH_C = r"""
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static float *a, *b; static size_t n; static int T; static double part[64];
static void *fill(void *p) { long t = (long)p; size_t lo = n * t / T, hi = n * (t + 1) / T;
  for (size_t i = lo; i < hi; i++) a[i] = 1.0f + (float)(i % 1013) * 1e-3f; return 0; }
static void *sum(void *p) { long t = (long)p; size_t lo = (n * t / T) & ~(size_t)31, hi = (n * (t + 1) / T) & ~(size_t)31;
  __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
  for (size_t i = lo; i < hi; i += 32) {
    s0 = _mm256_add_ps(s0, _mm256_load_ps(a + i));      s1 = _mm256_add_ps(s1, _mm256_load_ps(a + i + 8));
    s2 = _mm256_add_ps(s2, _mm256_load_ps(a + i + 16)); s3 = _mm256_add_ps(s3, _mm256_load_ps(a + i + 24)); }
  float v[8]; _mm256_storeu_ps(v, _mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
  part[t] = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7]; return 0; }
static void *copy(void *p) { long t = (long)p; size_t lo = (n * t / T) & ~(size_t)31, hi = (n * (t + 1) / T) & ~(size_t)31;
  for (size_t i = lo; i < hi; i += 32) {  /* STREAM's Copy: b[i] = a[i] */
    _mm256_store_ps(b + i, _mm256_load_ps(a + i));           _mm256_store_ps(b + i + 8, _mm256_load_ps(a + i + 8));
    _mm256_store_ps(b + i + 16, _mm256_load_ps(a + i + 16)); _mm256_store_ps(b + i + 24, _mm256_load_ps(a + i + 24)); }
  return 0; }
static void *fillb(void *p) { long t = (long)p; size_t lo = n * t / T, hi = n * (t + 1) / T;
  for (size_t i = lo; i < hi; i++) b[i] = 0.0f; return 0; }
static void all(void *(*f)(void *)) { pthread_t th[64];
  for (long t = 0; t < T; t++) pthread_create(&th[t], 0, f, (void *)t);
  for (int t = 0; t < T; t++) pthread_join(th[t], 0); }
int main(int argc, char **argv) {
  T = atoi(argv[1]); size_t bytes = (size_t)atol(argv[2]) << 20; int reps = atoi(argv[3]);
  n = bytes / sizeof(float); a = aligned_alloc(64, bytes); all(fill);   /* non-zero, first touch per thread */
  b = aligned_alloc(64, bytes); all(fillb);
  double best = 1e30, best_copy = 1e30, check = 0;
  for (int r = 0; r < reps; r++) { struct timespec t0, t1; clock_gettime(CLOCK_MONOTONIC, &t0); all(sum);
    clock_gettime(CLOCK_MONOTONIC, &t1); double s = (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec);
    if (s < best) best = s; for (int t = 0; t < T; t++) check += part[t];
    clock_gettime(CLOCK_MONOTONIC, &t0); all(copy); clock_gettime(CLOCK_MONOTONIC, &t1);
    s = (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec); if (s < best_copy) best_copy = s; check += b[n / 3]; }
  printf("%.6f %zu %g %.6f\n", best, (size_t)(n & ~(size_t)31) * sizeof(float), check, best_copy); return 0; }
"""


def memory_bandwidth(threads, mb, reps):
    """Best of `reps` timed reads of an `mb` MiB float array (filled with non-zero values) by `threads`
    threads (AVX2 loads, 4 accumulators); bytes/s, how, and STREAM's Copy (b = a, bytes read + written
    per second, or None). Falls back to numpy in threads without cc."""
    with tempfile.TemporaryDirectory() as tmp:
        src, exe = os.path.join(tmp, "bw.c"), os.path.join(tmp, "bw")
        open(src, "w").write(BANDWIDTH_C)
        c = subprocess.run(["cc", "-O2", "-mavx2", "-pthread", src, "-o", exe], capture_output=True, text=True)
        if c.returncode == 0:
            seconds, nbytes, _, copy_seconds = run([exe, str(threads), str(mb), str(reps)]).stdout.split()
            return (int(nbytes) / float(seconds), f"C, cc -O2 -mavx2, {threads} pthreads, AVX2 loads, {mb} MiB float32 array, best of {reps}",
                    2 * int(nbytes) / float(copy_seconds))
    import threading
    a = np.arange(mb << 18, dtype=np.float32) % 1013 + 1
    chunks = np.array_split(a, threads)
    best = 1e30
    for _ in range(reps):
        ts = [threading.Thread(target=np.sum, args=(c,)) for c in chunks]
        t0 = time.perf_counter()
        for t in ts: t.start()
        for t in ts: t.join()
        best = min(best, time.perf_counter() - t0)
    return a.nbytes / best, f"numpy sum in {threads} threads (no cc), {mb} MiB float32 array, best of {reps}", None


# ---------------------------------------------------------------------------------------------
# Start-up time and peak RSS per stage


def timed_stage(args, inp, out, threads, times, what):
    """Runs one stage `times` times under /usr/bin/time on the file `inp` (stdout to `out`): best
    wall s and peak RSS in bytes."""
    tf, best, rss = out + ".time", 1e9, 0
    for _ in range(times):
        def once():
            with open(inp) as fi, open(out, "w") as fo:
                return subprocess.run(["/usr/bin/time", "-o", tf, "-f", "%e %M"] + args, stdin=fi, stdout=fo,
                                      stderr=subprocess.PIPE, text=True, env=vamos_env(threads))
        r = rerun_while_rebuilt(once)
        if r.returncode != 0:
            sys.exit(f"bench: {os.path.basename(args[0])} failed on {what}:\n{r.stderr[-2000:]}")
        e, m = open(tf).read().split()[-2:]
        best, rss = min(best, float(e)), max(rss, int(m))
    return best, rss * 1024


def stage_costs(model, threads, header, measure=STAGES):
    """Each stage on one short document (6 source ids), timed by /usr/bin/time: best wall s of 3 and
    peak RSS (the stages not in `measure` run once, to make the next stage's input)."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        doc = os.path.join(tmp, "0.jsonl")
        with open(doc, "w") as f:
            f.write(json.dumps({"format": "vamos/1", "source": {"ids": [11, 222, 3333, 44444, 555, 0]}}) + "\n")
        for i, s in enumerate(STAGES):
            args = [os.path.join(BIN, s), "--model", model] + (["--threads", str(threads)] if has_option(s, "--threads") else [])
            if s == "decode":
                args += ["--beams", "1", "--max-length", "1"]
            best, rss = timed_stage(args, os.path.join(tmp, f"{i}.jsonl"), os.path.join(tmp, f"{i + 1}.jsonl"), threads,
                                    3 if s in measure else 1, "the short document")
            if s in measure:
                rows.append((s, best, rss, weight_bytes(header, STAGE_WEIGHTS[s])))
    return rows


TEXT_MODEL = os.path.join(ROOT, "Tests", "Fixtures", "models", "opus-en-es")  # a small opus-mt with real SentencePiece files


def text_stage_costs(threads):
    """tokenize and detokenize, which need SentencePiece files (the opus-shaped checkpoint has none):
    on the repository's opus-en-es fixture (real source.spm/target.spm and vocab.json, small weights),
    one sentence, best wall s of 3 and peak RSS, and the bytes of the files each stage reads."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        text = os.path.join(tmp, "in.txt")
        open(text, "w").write("the quick brown fox jumps over the lazy dog\n")
        pipe = " | ".join(os.path.join(BIN, s) + f" --model {TEXT_MODEL}" for s in ["tokenize"] + STAGES)
        decoded = os.path.join(tmp, "decoded.jsonl")
        with open(text) as fi:
            r = subprocess.run(["bash", "-c", f"set -o pipefail; {pipe} > {decoded}"], stdin=fi, capture_output=True,
                               text=True, env=vamos_env(threads))
        if r.returncode != 0:
            sys.exit(f"bench: the fixture pipeline failed:\n{r.stderr[-2000:]}")
        files = {"tokenize": ["source.spm", "vocab.json"], "detokenize": ["target.spm", "vocab.json"]}
        for s, inp in (("tokenize", text), ("detokenize", decoded)):
            best, rss = timed_stage([os.path.join(BIN, s), "--model", TEXT_MODEL], inp, os.path.join(tmp, f"{s}.out"),
                                    threads, 3, "the fixture")
            rows.append((s, best, rss, sum(os.path.getsize(os.path.join(TEXT_MODEL, f)) for f in files[s]), files[s]))
    return rows


# ---------------------------------------------------------------------------------------------
# Training


def sinusoidal_halves(n, d):
    pos = np.arange(n)[:, None]
    inv = np.power(10000.0, -2.0 * np.arange(d // 2) / d)[None, :]
    return torch.tensor(np.concatenate([np.sin(pos * inv), np.cos(pos * inv)], axis=1), dtype=torch.float32)


class TorchSeq2Seq(torch.nn.Module):
    """The demo architecture in PyTorch as Vamos builds it: pre-norm (nn.Transformer norm_first, with
    the final layer norms), no dropout, separate source/target embeddings × √d_model, Marian's
    sinusoidal positions, output layer tied to the target embedding, final_logits_bias."""

    def __init__(self, c, sv, tv):
        super().__init__()
        d = c["d_model"]
        self.src, self.tgt = torch.nn.Embedding(sv, d), torch.nn.Embedding(tv, d)
        self.t = torch.nn.Transformer(d, c["encoder_attention_heads"], c["encoder_layers"], c["decoder_layers"],
                                      c["encoder_ffn_dim"], dropout=0.0, activation=c["activation_function"],
                                      batch_first=True, norm_first=c.get("layer_norm", "post") == "pre")
        self.final_logits_bias = torch.nn.Parameter(torch.zeros(tv))
        self.register_buffer("pe", sinusoidal_halves(c["max_position_embeddings"], d))
        self.scale = math.sqrt(d) if c.get("scale_embedding") else 1.0
        # Initialised as Vamos' train does: embeddings N(0, 1/d_model), matrices Xavier-uniform
        # (nn.Transformer's own), biases zero, layer norms 1.
        with torch.no_grad():
            for e in (self.src, self.tgt):
                e.weight.normal_(0.0, d ** -0.5)
            for n, p in self.t.named_parameters():
                if n.endswith("bias"):
                    p.zero_()

    def forward(self, src, src_pad, tgt_in):
        T, S = src.shape[1], tgt_in.shape[1]
        x = self.src(src) * self.scale + self.pe[:T]
        y = self.tgt(tgt_in) * self.scale + self.pe[:S]
        mask = torch.nn.Transformer.generate_square_subsequent_mask(S)
        h = self.t(x, y, tgt_mask=mask, src_key_padding_mask=src_pad, memory_key_padding_mask=src_pad, tgt_is_causal=True)
        return h @ self.tgt.weight.T + self.final_logits_bias


def word_vocab(sentences):
    counts = {}
    for s in sentences:
        for w in s:
            counts[w] = counts.get(w, 0) + 1
    words = sorted((w for w in counts if w not in ("<EOS>", "<unk>")), key=lambda w: (-counts[w], w))
    return {w: i for i, w in enumerate(["<EOS>", "<unk>"] + words)}


TRAIN_OPTS = dict(batch_size=64, lr=1e-3, warmup=300, label_smoothing=0.1, clip=1.0, seed=1)


def torch_train(corpus, arch, steps, threads):
    pairs = [l.split("\t")[:2] for l in open(corpus, encoding="utf-8").read().splitlines() if l.strip()]
    pairs = [(s.split(), t.split()) for s, t in pairs]
    sv, tv = word_vocab([p[0] for p in pairs]), word_vocab([p[1] for p in pairs])
    data = [([sv[w] for w in s] + [0], [tv[w] for w in t] + [0]) for s, t in pairs]
    torch.manual_seed(TRAIN_OPTS["seed"])
    model = TorchSeq2Seq(arch, len(sv), len(tv)).train()
    params = sum(p.numel() for p in model.parameters())
    o = TRAIN_OPTS
    opt = torch.optim.AdamW(model.parameters(), lr=o["lr"], betas=(0.9, 0.98), eps=1e-9, weight_decay=0.0)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda i: min((i + 1) / o["warmup"], math.sqrt(o["warmup"] / (i + 1))))
    rng = random.Random(o["seed"])
    order = list(range(len(data)))
    rng.shuffle(order)

    def batch(k):
        chunk = [data[order[(k * o["batch_size"] + j) % len(data)]] for j in range(o["batch_size"])]
        T, S = max(len(s) for s, _ in chunk), max(len(t) for _, t in chunk)
        src = torch.zeros(len(chunk), T, dtype=torch.long)
        pad = torch.ones(len(chunk), T, dtype=torch.bool)
        tin = torch.zeros(len(chunk), S, dtype=torch.long)
        lab = torch.full((len(chunk), S), -1, dtype=torch.long)
        for b, (s, t) in enumerate(chunk):
            src[b, :len(s)] = torch.tensor(s)
            pad[b, :len(s)] = False
            tin[b, 1:len(t)] = torch.tensor(t[:-1])   # start id 0 (<EOS>), then the target shifted right
            lab[b, :len(t)] = torch.tensor(t)
        return src, pad, tin, lab

    tokens = 0  # source + target tokens of the batches, padding not counted
    for k in range(steps):
        src, pad, tin, lab = batch(k)
        tokens += int((~pad).sum()) + int((lab >= 0).sum())
    t0 = time.perf_counter()
    for k in range(steps):
        src, pad, tin, lab = batch(k)
        logits = model(src, pad, tin)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), lab.reshape(-1),
                                                 ignore_index=-1, label_smoothing=o["label_smoothing"])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), o["clip"])
        opt.step()
        sched.step()
    return time.perf_counter() - t0, params, loss.item(), tokens / steps


def safetensors_numel(path):
    """Elements in a safetensors file (its JSON header's shapes; each tensor once), or None."""
    try:
        with open(path, "rb") as f:
            n = int.from_bytes(f.read(8), "little")
            header = json.loads(f.read(n))
        return sum(math.prod(t["shape"]) for k, t in header.items() if k != "__metadata__")
    except (OSError, ValueError, KeyError):
        return None


def vamos_train(corpus, arch_file, steps, threads):
    o = TRAIN_OPTS
    with tempfile.TemporaryDirectory() as tmp:
        steplog = os.path.join(tmp, "steps.jsonl")
        cmd = [os.path.join(BIN, "train"), "--corpus", corpus, "--config", arch_file, "--out", os.path.join(tmp, "model"),
               "--steps", str(steps), "--batch-size", str(o["batch_size"]), "--lr", str(o["lr"]), "--warmup", str(o["warmup"]),
               "--label-smoothing", str(o["label_smoothing"]), "--clip", str(o["clip"]), "--seed", str(o["seed"]),
               "--threads", str(threads), "--log", steplog, "--quiet"]
        t0 = time.perf_counter()
        r = run(cmd, env=vamos_env(threads))
        whole = time.perf_counter() - t0
        steps_log = [json.loads(l) for l in open(steplog)]
        params = safetensors_numel(os.path.join(tmp, "model", "model.safetensors"))
        shown = " ".join(os.path.relpath(c, ROOT) if c.startswith(ROOT) else c for c in cmd)
        shown = shown.replace(os.path.join(tmp, "model"), "OUT").replace(steplog, "OUT/steps.jsonl")
        return whole, steps_log[-1]["elapsed"], params, steps_log[-1]["loss"], shown


# ---------------------------------------------------------------------------------------------
# Report


def machine():
    info = {}
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            k, _, v = line.partition(":")
            info[k.strip()] = v.strip()
    except OSError:
        pass
    cores = os.cpu_count()
    try:
        cores = int(info["Core(s) per socket"]) * int(info.get("Socket(s)", 1))
    except (KeyError, ValueError):
        pass
    return info.get("Model name", platform.processor() or "?"), cores, os.cpu_count()


def vamos_version():
    try:
        rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no", "Sources"],
                               capture_output=True, text=True).stdout.strip()
        built = datetime.datetime.fromtimestamp(os.path.getmtime(os.path.join(BIN, "decode"))).strftime("%Y-%m-%d %H:%M")
        return f"{rev}{' + uncommitted Sources changes' if dirty else ''}, decode built {built}"
    except OSError:
        return "?"


def fmt(x, d=1):
    return "—" if x is None else f"{x:,.{d}f}"


def ratio(a, b):
    return "—" if a is None or b is None or b == 0 else f"{a / b:.2f}"


def same(a, b):
    return sum(x == y for x, y in zip(a, b))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sentences", type=int, default=20)
    ap.add_argument("--source-length", type=int, default=24, help="random source ids per sentence (</s> appended)")
    ap.add_argument("--new-tokens", type=int, default=32)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3,
                    help="measure every row this many times, the tools taking turns (Vamos, then each peer), and keep each tool's best")
    ap.add_argument("--repeat", type=int, default=1, help="timed runs of each tool within a round (best kept)")
    ap.add_argument("--train-steps", type=int, default=60)
    ap.add_argument("--bandwidth-mb", type=int, default=1024)
    ap.add_argument("--quick", action="store_true", help="2 sentences, 8 new tokens, batch 2, 10 training steps, 256 MiB bandwidth array")
    ap.add_argument("--cache", default=os.environ.get("VAMOS_BENCH_CACHE", "/work/bench-cache"),
                    help="where the generated models are kept (outside the repository; reused)")
    ap.add_argument("--out", default=os.path.join(ROOT, "Benchmarks", "results.md"))
    a = ap.parse_args()
    if a.quick:
        a.sentences, a.new_tokens, a.batch, a.train_steps, a.bandwidth_mb = 2, 8, 2, 10, 256
        if a.out == os.path.join(ROOT, "Benchmarks", "results.md"):
            a.out = os.path.join(tempfile.gettempdir(), "vamos-bench-quick.md")  # results.md keeps the full run
    a.batch = min(a.batch, a.sentences)
    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    warnings.filterwarnings("ignore", message="enable_nested_tensor is True")
    N = a.threads
    torch.set_num_threads(N)
    wait_for_binaries(STAGES + ["tensor", "train"])
    started = time.time()
    load_before = os.getloadavg()[0]
    if load_before > 0.5:
        log(f"bench: load average {load_before:.2f} — other work is running; the numbers will be noisy")

    fp32, bf16, ct2dirs = build_models(a.cache)
    header = safetensors_header(os.path.join(fp32, "model.safetensors"))
    bf16_how = open(os.path.join(bf16, "bench-bf16.txt")).read().strip()
    rng = np.random.default_rng(1)
    sources = [rng.integers(2, PAD, a.source_length).tolist() + [EOS] for _ in range(a.sentences)]
    tokens = a.sentences * a.new_tokens

    n_params = sum(p.numel() for p in MarianMTModel.from_pretrained(fp32).parameters())
    # Each peer runs in a process of its own (peer_worker); this one runs no torch op before training.
    # Vamos: one untimed run of one short document first, so the weights are in the page cache as
    # they are in the peers' memory.
    vamos_translate(fp32, sources[:1], N, 1, 1)
    vamos_translate(bf16, sources[:1], N, 1, 1)

    rows, failures, notes = [], [], []

    def check_len(name, ids):
        bad = [len(x) for x in ids if len(x) != a.new_tokens]
        if bad:
            failures.append(f"{name}: generated {bad[0]} ids, not {a.new_tokens}")

    def measure(label, beams, batch, vamos_dir, peers):
        log(f"bench: {label}")
        res = {"label": label, "cmd": vamos_pipeline(vamos_dir, N, beams, a.new_tokens, batch)[0]}

        def keep(tool, seconds, ids):  # the best time of the rounds; the ids of every round must agree
            if tool in res and ids != res[tool + "_ids"]:
                failures.append(f"{tool} {label}: the ids changed from one round to the next")
            res[tool] = max(res.get(tool, 0.0), tokens / seconds)
            res[tool + "_ids"] = ids

        for _ in range(a.rounds):  # the tools take turns, so a slow minute of the machine hits them all
            vs, vids, res["notes"] = vamos_timed(vamos_dir, sources, N, beams, a.new_tokens, batch, a.repeat)
            check_len(f"Vamos {label}", vids)
            keep("vamos", vs, vids)
            for p in peers:
                s, ids = peer_timed(p, fp32 if p == "hf" else ct2dirs[p], sources, N, beams, a.new_tokens, batch, a.repeat)
                check_len(f"{p} {label}", ids)
                keep(p, s, ids)
        rows.append(res)
        return res

    g1 = measure("greedy, batch 1", 1, 1, fp32, ["hf", "float32", "int8"])
    b4 = measure("beam 4, batch 1", 4, 1, fp32, ["hf", "float32", "int8"])
    gb = measure(f"greedy, batch {a.batch}", 1, a.batch, fp32, ["hf", "float32"])
    log("bench: greedy, batch 1, Vamos bf16 weights")
    vbest, vids = 1e30, None
    for _ in range(a.rounds):
        vs, ids, _ = vamos_timed(bf16, sources, N, 1, a.new_tokens, 1, a.repeat)
        check_len("Vamos bf16", ids)
        if vids is not None and ids != vids:
            failures.append("Vamos bf16: the ids changed from one round to the next")
        vbest, vids = min(vbest, vs), ids
    bf = {"label": "greedy, batch 1, Vamos bf16 weights", "vamos": tokens / vbest, "vamos_ids": vids, "notes": [],
          "cmd": vamos_pipeline(bf16, N, 1, a.new_tokens)[0],
          "int8": g1["int8"], "int8_ids": g1["int8_ids"]}
    rows.append(bf)

    for r in (g1, b4, gb):
        if r["vamos_ids"] != r["hf_ids"]:
            failures.append(f"Vamos fp32 ids differ from transformers' ({r['label']}): {same(r['vamos_ids'], r['hf_ids'])}/{a.sentences} identical")

    log("bench: memory bandwidth")
    bw, bw_how, bw_copy = memory_bandwidth(N, a.bandwidth_mb, 3 if a.quick else 5)
    log("bench: stage start-up and RSS")
    costs = stage_costs(fp32, N, header)
    bf16_header = safetensors_header(os.path.join(bf16, "model.safetensors"))
    costs += [("decode, bf16 weights",) + c[1:] for c in stage_costs(bf16, N, bf16_header, ["decode"])]
    text_costs = text_stage_costs(N)
    log(f"bench: training ({a.train_steps} steps, Vamos and PyTorch taking turns, {a.rounds} rounds)")
    corpus = os.path.join(ROOT, "data", "demo-en-es", "train.tsv")
    arch_file = os.path.join(ROOT, "data", "demo-en-es", "architecture.json")
    arch = json.load(open(arch_file))
    v_whole = v_loop = t_loop = 1e30
    for _ in range(a.rounds):  # taking turns, as above; each tool's best round
        vw, vl, v_params, v_loss, train_cmd = vamos_train(corpus, arch_file, a.train_steps, N)
        tl, t_params, t_loss, tokens_per_step = torch_train(corpus, arch, a.train_steps, N)
        v_whole, v_loop, t_loop = min(v_whole, vw), min(v_loop, vl), min(t_loop, tl)

    # ------------------------------------------------------------------ the report
    cpu, cores, cpus = machine()
    S = a.sentences
    per_tok = {"fp32": weight_bytes(header, per_token), "bf16": weight_bytes(header, per_token) // 2,
               "int8": weight_bytes(header, per_token, "int8")}
    out = []
    w = out.append
    w(f"# Vamos vs transformers vs CTranslate2{' (--quick)' if a.quick else ''}\n")
    w(f"- machine: {cpu}, {cores} cores ({cpus} logical CPUs), {platform.system()} {platform.release()}")
    w(f"- date: {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}; {N} thread(s) everywhere "
      f"(Vamos --threads {N} on every stage; torch.set_num_threads({N}); CTranslate2 intra_threads={N}, inter_threads=1); "
      f"1-minute load average before the run {load_before:.2f}")
    w(f"- versions: Vamos {vamos_version()}; torch {torch.__version__}, transformers {transformers.__version__}, "
      f"ctranslate2 {ctranslate2.__version__}, numpy {np.__version__}, Python {platform.python_version()}")
    w(f"- model: opus-mt-en-es shape (MarianMTModel, d_model 512, 6+6 layers, 8 heads, ffn 2048, vocabulary 58,101, "
      f"{n_params:,} parameters), random (torch.manual_seed(0)), final_logits_bias[</s>] = -1e4; {fp32}")
    w(f"- input: {S} sentences × {a.source_length} random source ids + </s> (numpy seed 1); "
      f"{a.new_tokens} new tokens per sentence on every tool ({tokens} in all)"
      + f"; every cell the best of {a.rounds} rounds, the tools taking turns"
      + (f", {a.repeat} timed runs per tool and round" if a.repeat > 1 else ""))
    w(f"- command: `{' '.join(['python', 'Benchmarks/bench.py'] + sys.argv[1:])}`\n")

    w("## Translation: tokens generated per second (higher is better)\n")
    w("Vamos: wall time of one `embed | posenc | encode | decode` pipeline over all sentences (process start-up, "
      "model loading and JSON included). transformers `generate()` and CTranslate2 `translate_batch`: each in a process of its own, "
      "timed in-process after one untimed warm-up. Ratio = Vamos tok/s ÷ peer tok/s (> 1: Vamos faster). "
      "ids identical: sentences whose ids equal transformers' (fp32 rows) — int8/bf16: agreement only.\n")
    w("| search | Vamos | transformers | CT2 fp32 | CT2 int8 | Vamos ÷ transformers | Vamos ÷ CT2 fp32 | Vamos ÷ CT2 int8 | ids identical to transformers |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        ref = r.get("hf_ids", g1["hf_ids"])
        ident = [f"Vamos {same(r['vamos_ids'], ref)}/{S}"]
        if "float32_ids" in r:
            ident.append(f"CT2 fp32 {same(r['float32_ids'], ref)}/{S}")
        if "int8_ids" in r and r is not bf:
            ident.append(f"CT2 int8 {same(r['int8_ids'], ref)}/{S}")
        label = r["label"] + (" *" if r["notes"] else "")
        w(f"| {label} | {fmt(r['vamos'])} | {fmt(r.get('hf'))} | {fmt(r.get('float32'))} | {fmt(r.get('int8'))} | "
          f"{ratio(r['vamos'], r.get('hf'))} | {ratio(r['vamos'], r.get('float32'))} | {ratio(r['vamos'], r.get('int8'))} | "
          f"{', '.join(ident)} |")
    if gb["notes"]:
        w(f"\n\\* Vamos: {' and '.join(gb['notes'])} (the options this benchmark looks for in `--help`): one stream of "
          f"{S} documents, one sentence at a time (the batch-1 pipeline, measured again).")
    w("\nThe Vamos pipelines (stdin: one `{\"format\":\"vamos/1\",\"source\":{\"ids\":[…]}}` line per sentence):\n")
    for r in rows:
        c = r["cmd"].replace("set -o pipefail; ", "").replace(BIN + "/", "").replace(bf16, "$M_BF16").replace(fp32, "$M")
        w(f"- {r['label']}: `{c}`")
    w(f"\n($M = {fp32}, $M_BF16 = {bf16}; environment VAMOS_THREADS={N}.)")
    w(f"\nbf16 row: Vamos reads {os.path.basename(bf16)}/model.safetensors ({bf16_how}); its ids are compared with "
      f"transformers' fp32 greedy ids; the CT2 int8 column repeats the greedy batch-1 measurement.\n")

    w("## Batch-1 rows against the memory-bandwidth bound\n")
    w(f"Measured read bandwidth: **{bw / 1e9:.2f} GB/s** ({bw_how}).  \n"
      + (f"STREAM-style copy (b[i] = a[i], AVX2 loads and stores, the same threads and array size; bytes read + written): "
         f"**{bw_copy / 1e9:.2f} GB/s**. The bound below uses the read bandwidth: decoding reads its weights and writes almost nothing.  \n"
         if bw_copy else "")
      + f"bound tok/s = bandwidth ÷ bytes of weights read per generated token, where bytes per token = the decoder's "
      f"weights except the cross-attention k/v projections (applied once per sentence to the encoder output) + the "
      f"58,101 × 512 embedding once as the output layer + final_logits_bias — summed from the checkpoint's tensor "
      f"sizes: fp32 {per_tok['fp32'] / 1e6:.1f} MB, bf16 {per_tok['bf16'] / 1e6:.1f} MB (2 bytes each), int8 "
      f"{per_tok['int8'] / 1e6:.1f} MB (matrices 1 byte per weight + a float32 scale per row, vectors float32). "
      f"The encoder's weights are read once per sentence and not counted. Beam 4 counts one token per step (the "
      f"weights can serve all 4 beams in one read).\n")
    w("| search | tool | weights | bytes/token | bound tok/s | tok/s | % of bound |")
    w("|---|---|---|---:|---:|---:|---:|")
    for r in (g1, b4, bf):
        for tool, key, dt in (("Vamos", "vamos", "bf16" if r is bf else "fp32"), ("transformers", "hf", "fp32"),
                              ("CT2 fp32", "float32", "fp32"), ("CT2 int8", "int8", "int8")):
            if r.get(key) is None or (r is bf and key != "vamos"):
                continue
            bound = bw / per_tok[dt]
            w(f"| {r['label'].replace(', Vamos bf16 weights', '')} | {tool} | {dt} | {per_tok[dt] / 1e6:.1f} MB | "
              f"{bound:.1f} | {r[key]:.1f} | {100 * r[key] / bound:.0f} % |")
    w("")

    w("## Vamos stages: start-up time and peak RSS (one short document)\n")
    w(f"Each stage run alone by `/usr/bin/time -f \"%e %M\"` on a saved input document (6 source ids; decode with "
      f"`--max-length 1 --beams 1`), best wall time of 3, fp32 model (and decode "
      f"on the bf16 copy). Weights used = the bytes, as stored in the file, of the tensors the stage computes with "
      f"(embed: the embedding; posenc: none, the positions are sinusoidal; encode: the encoder layers; decode: the "
      f"decoder layers, the embedding as output layer, final_logits_bias).\n")
    w("| stage | wall s (start-up + 1 short document) | peak RSS MB | weights used MB | RSS ÷ weights |")
    w("|---|---:|---:|---:|---:|")
    for s, e, rss, used in costs:
        w(f"| {s} | {e:.2f} | {rss / 1e6:.1f} | {used / 1e6:.1f} | {ratio(rss, used) if used else '— (no weights)'} |")
    for s, e, rss, nbytes, names in text_costs:
        w(f"| {s} ({os.path.relpath(TEXT_MODEL, ROOT)}: reads {' and '.join(names)}, {nbytes / 1e6:.2f} MB) | {e:.2f} | "
          f"{rss / 1e6:.1f} | — (no weights) | — |")
    w("")
    w("tokenize and detokenize need SentencePiece files, which the random opus-shaped checkpoint has not: they are "
      "measured on the repository's opus-en-es fixture (its real source.spm, target.spm and vocab.json), on one "
      "sentence, best wall time of 3. They compute with no weights; their RSS is the process and the files they read.\n")

    w("## Training: the demo architecture, steps per second (higher is better)\n")
    w(f"{os.path.relpath(arch_file, ROOT)} ({t_params:,} parameters in PyTorch, {f'{v_params:,}' if v_params else '?'} in Vamos) on "
      f"{os.path.relpath(corpus, ROOT)}, {a.train_steps} steps, batch 64 (Vamos packs each side's sentences one after another, computing no padding row; PyTorch pads to the longest with key-padding masks, as nn.Transformer is trained), AdamW (β 0.9/0.98, "
      f"ε 1e-9), warmup 300, label smoothing 0.1, clip 1, no dropout, {N} threads. Vamos: `{train_cmd}`, the whole "
      f"process timed (vocabularies, initialisation, writing the model) and its training loop alone (`--log`'s "
      f"elapsed at the last step). PyTorch: nn.Transformer(norm_first=True) with the same embeddings, positions, tied "
      f"output layer and final_logits_bias, eager, the step loop timed in-process.\n")
    w("| | Vamos | PyTorch | Vamos ÷ PyTorch |")
    w("|---|---:|---:|---:|")
    w(f"| steps/s (Vamos: whole process; PyTorch: step loop) | {a.train_steps / v_whole:.2f} | {a.train_steps / t_loop:.2f} | {(a.train_steps / v_whole) / (a.train_steps / t_loop):.2f} |")
    w(f"| steps/s (both: step loop) | {a.train_steps / v_loop:.2f} | {a.train_steps / t_loop:.2f} | {t_loop / v_loop:.2f} |")
    w(f"| tokens/s ≈ steps/s × {tokens_per_step:,.0f} tokens per step (whole process; step loop) | "
      f"{a.train_steps / v_whole * tokens_per_step:,.0f} | {a.train_steps / t_loop * tokens_per_step:,.0f} | {(a.train_steps / v_whole) / (a.train_steps / t_loop):.2f} |")
    w(f"| loss after {a.train_steps} steps | {v_loss:.3f} | {t_loss:.3f} | |")
    w("")
    w(f"Tokens per step: the source and target tokens (padding not counted) of PyTorch's {a.train_steps} batches, "
      f"averaged; Vamos draws its own random batches of 64 pairs from the same corpus (its own shuffle), so its count "
      f"per step is the same in expectation, not exactly.\n")
    w(f"Total benchmark time: {time.time() - started:.0f} s.")
    if failures:
        w("\n**Failures:**\n")
        for f_ in failures:
            w(f"- {f_}")
    text = "\n".join(out) + "\n"
    print(text)
    with open(a.out, "w") as f:
        f.write(text)
    log(f"bench: wrote {a.out}")
    if failures:
        sys.exit("bench: " + "; ".join(failures))


if __name__ == "__main__" and sys.argv[1:] == ["--peer-worker"]:
    peer_worker()
elif __name__ == "__main__":
    main()
