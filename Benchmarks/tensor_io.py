#!/usr/bin/env python3
"""Tensor I/O: Vamos' document reader and writer vs orjson + NumPy, whole processes, best of 3.

    make build
    /path/to/venv/bin/python Benchmarks/tensor_io.py [--cache DIR] [--out FILE]

Needs numpy and orjson; the opus-shaped model of Benchmarks/bench.py in the cache (bench.py builds
it, with torch, when missing). Prints one Markdown table and writes it to
Benchmarks/tensor_io.md. Each cell is a whole process (start-up included), the best of 3.

Rows:
- 1M float32 values spanning 1e-3 to 1e3 (one document, one tensor [1000, 1000]):
  read = `tensor stats FILE` vs `orjson.loads` + `np.array(…, float32)` (+ min/max/mean);
  read + write = `tensor get FILE x` vs the same + `orjson.dumps({shape, data}, OPT_SERIALIZE_NUMPY)`.
- the trace of one 24-token sentence through the opus-mt-shaped model (`encode --trace`):
  read = `tensor stats FILE`, read + write = `embed` passing the whole trace through, vs orjson
  + NumPy doing the same; `tensor list`; and writing it: the time `encode --trace` spends writing
  (reported by `VAMOS_IO_TIMING=1`) vs `orjson.dumps` of the same tensors (in-process, best of 3);
  and, below the table, `encode` with and without `--trace`.
- memory: peak RSS of `tensor stats` on a 50 MB line of 25M values (÷ the line's size), and
  `posenc` refusing the same line claiming shape [3, 2] (seconds, MB).
"""
import argparse, json, os, random, resource, subprocess, sys, tempfile, time

import numpy as np
import orjson

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".build", "release")


def run(cmd, stdin=None, stdout=subprocess.DEVNULL):
    """Seconds and peak RSS (bytes) of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    with open(stdin, "rb") if stdin else open(os.devnull, "rb") as f:
        r = subprocess.run(cmd, stdin=f, stdout=stdout, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return dt, r.returncode, r.stderr.decode(errors="replace"), rss if rss > before.ru_maxrss * 1024 else None


def best(cmd, stdin=None, n=3, ok=(0,)):
    times = []
    for _ in range(n):
        dt, rc, err, _ = run(cmd, stdin)
        if rc not in ok:
            sys.exit(f"tensor_io: {' '.join(cmd)} failed ({rc}): {err.strip()}")
        times.append(dt)
    return min(times)


PY_READ = """
import sys, orjson, numpy as np
d = orjson.loads(open(sys.argv[1], 'rb').read())
for k, t in d['tensors'].items():
    a = np.array(t['data'], dtype=np.float32).reshape(t['shape'])
    print(k, a.shape, a.min() if a.size else 0, a.max() if a.size else 0, a.mean() if a.size else 0)
"""
PY_GET = """
import sys, orjson, numpy as np
d = orjson.loads(open(sys.argv[1], 'rb').read())
t = d['tensors'][sys.argv[2]]
a = np.array(t['data'], dtype=np.float32)
sys.stdout.buffer.write(orjson.dumps({'shape': t['shape'], 'data': a}, option=orjson.OPT_SERIALIZE_NUMPY) + b'\\n')
"""
PY_PASS = """
import sys, orjson, numpy as np
d = orjson.loads(open(sys.argv[1], 'rb').read())
for k, t in d['tensors'].items():
    t['data'] = np.array(t['data'], dtype=np.float32)
sys.stdout.buffer.write(orjson.dumps(d, option=orjson.OPT_SERIALIZE_NUMPY) + b'\\n')
"""


def python(script):
    return [sys.executable, "-c", script]


def ratio(vamos, peer):
    return f"{peer / vamos:.2f}×"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", default=os.environ.get("VAMOS_BENCH_CACHE", "/work/bench-cache"))
    ap.add_argument("--out", default=os.path.join(ROOT, "Benchmarks", "tensor_io.md"))
    args = ap.parse_args()
    model = os.path.join(args.cache, "opus-shape")
    if not os.path.exists(os.path.join(model, "model.safetensors")):
        sys.path.insert(0, os.path.join(ROOT, "Benchmarks"))
        import bench  # needs torch, transformers, ctranslate2
        bench.build_models(args.cache)
    tmp = tempfile.mkdtemp(prefix="vamos-tensor-io-")
    rows = []

    # 1M values spanning 1e-3 to 1e3, written as Vamos writes them (orjson's float32 text is the same
    # shortest digits; Vamos' own writer then gives the document its exact bytes).
    rng = np.random.default_rng(1)
    x = (10 ** rng.uniform(-3, 3, 1_000_000) * rng.choice([-1, 1], 1_000_000)).astype(np.float32)
    raw = os.path.join(tmp, "m1-orjson.json")
    with open(raw, "wb") as f:
        f.write(orjson.dumps({"format": "vamos/1", "stage": "embed", "tensors": {"x": {"shape": [1000, 1000], "data": x}}},
                             option=orjson.OPT_SERIALIZE_NUMPY) + b"\n")
    m1 = os.path.join(tmp, "m1.json")
    with open(m1, "wb") as out:
        subprocess.run([os.path.join(BIN, "tensor"), "get", raw, "x"], stdout=out, check=True)
    with open(m1, "rb") as f:
        text = f.read()
    doc = b'{"format":"vamos/1","stage":"embed","tensors":{"x":' + text.strip() + b"}}\n"
    with open(m1, "wb") as f:
        f.write(doc)
    same = subprocess.run([os.path.join(BIN, "tensor"), "get", m1, "x"], capture_output=True).stdout == \
        subprocess.run(python(PY_GET) + [m1, "x"], capture_output=True).stdout
    v_read = best([os.path.join(BIN, "tensor"), "stats", m1])
    p_read = best(python(PY_READ) + [m1])
    v_get = best([os.path.join(BIN, "tensor"), "get", m1, "x"])
    p_get = best(python(PY_GET) + [m1, "x"])
    rows.append(("1M values, read (`tensor stats`)", v_read, p_read))
    rows.append(("1M values, read + write (`tensor get`)" + ("" if same else " — output differs!"), v_get, p_get))

    # The trace of one 24-token sentence through the opus-mt-shaped model.
    random.seed(0)
    src = os.path.join(tmp, "source.json")
    with open(src, "w") as f:
        f.write(json.dumps({"format": "vamos/1", "source": {"ids": [random.randrange(2, 58100) for _ in range(23)] + [0]}}) + "\n")
    enc_in = os.path.join(tmp, "encoder_input.json")
    with open(enc_in, "wb") as out:
        e = subprocess.Popen([os.path.join(BIN, "embed"), "--model", model], stdin=open(src, "rb"), stdout=subprocess.PIPE)
        subprocess.run([os.path.join(BIN, "posenc"), "--model", model], stdin=e.stdout, stdout=out, check=True)
        e.wait()
    trace = os.path.join(tmp, "trace.json")
    with open(trace, "wb") as out:
        subprocess.run([os.path.join(BIN, "encode"), "--model", model, "--trace"], stdin=open(enc_in, "rb"), stdout=out, check=True)
    values = sum(len(t["data"]) for t in orjson.loads(open(trace, "rb").read())["tensors"].values())
    size = os.path.getsize(trace)
    v_read = best([os.path.join(BIN, "tensor"), "stats", trace])
    p_read = best(python(PY_READ) + [trace])
    v_pass = best([os.path.join(BIN, "embed"), "--model", model], stdin=trace)
    p_pass = best(python(PY_PASS) + [trace])
    v_list = best([os.path.join(BIN, "tensor"), "list", trace])
    p_list = best(python("import sys, orjson; d = orjson.loads(open(sys.argv[1], 'rb').read()); [print(k, t['shape']) for k, t in d['tensors'].items()]") + [trace])
    label = f"opus trace ({size / 1e6:.1f} MB, {values / 1e3:.0f}k values)"
    rows.append((f"{label}, read (`tensor stats`)", v_read, p_read))
    rows.append((f"{label}, read + write (`embed` passing it through)", v_pass, p_pass))
    rows.append((f"{label}, `tensor list` vs orjson listing", v_list, p_list))
    enc_plain = best([os.path.join(BIN, "encode"), "--model", model], stdin=enc_in)
    enc_trace = best([os.path.join(BIN, "encode"), "--model", model, "--trace"], stdin=enc_in)
    # The trace's writing alone, as encode measures it (VAMOS_IO_TIMING): best of 3.
    writes = []
    for _ in range(3):
        r = subprocess.run([os.path.join(BIN, "encode"), "--model", model, "--trace"], stdin=open(enc_in, "rb"),
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=dict(os.environ, VAMOS_IO_TIMING="1"))
        writes.append(float(r.stderr.split("write ")[1].split(" s")[0]))
    d = orjson.loads(open(trace, "rb").read())
    tensors = {k: {"shape": t["shape"], "data": np.array(t["data"], dtype=np.float32)} for k, t in d["tensors"].items()}
    dumps = []
    for _ in range(3):
        t = time.perf_counter()
        orjson.dumps(tensors, option=orjson.OPT_SERIALIZE_NUMPY)
        dumps.append(time.perf_counter() - t)
    rows.append((f"writing the trace (`encode --trace`'s own write time, `VAMOS_IO_TIMING`) vs `orjson.dumps` of the same tensors, in-process",
                 min(writes), min(dumps)))


    # Memory: a 50 MB line of 25M values; the same line claiming shape [3, 2].
    n = 25_000_000
    big = os.path.join(tmp, "big.json")
    bad = os.path.join(tmp, "bad.json")
    body = ",".join(["1"] * n)
    with open(big, "w") as f:
        f.write('{"format":"vamos/1","stage":"embed","tensors":{"embeddings":{"shape":[%d,2],"data":[%s]}}}\n' % (n // 2, body))
    with open(bad, "w") as f:
        f.write('{"format":"vamos/1","stage":"embed","tensors":{"embeddings":{"shape":[3,2],"data":[%s]}}}\n' % body)
    del body
    line = os.path.getsize(big)
    rss_stats = measure_rss([os.path.join(BIN, "tensor"), "stats", big])
    t = time.perf_counter()
    rss_bad = measure_rss([os.path.join(BIN, "posenc"), "--model", os.path.join(ROOT, "Tests", "Fixtures", "models", "tiny")], stdin=bad)
    t_bad = time.perf_counter() - t

    out = []
    out.append(f"Tensor I/O, {time.strftime('%Y-%m-%d')}, commit {git_commit()}, {os.cpu_count()} cores; "
               f"orjson {orjson.__version__}, NumPy {np.__version__}, Python {sys.version.split()[0]}. "
               "Whole processes, best of 3. `Benchmarks/tensor_io.py`.\n")
    out.append("| case | Vamos s | orjson + NumPy s | Vamos faster by |")
    out.append("|---|---|---|---|")
    for name, v, p in rows:
        out.append(f"| {name} | {v:.3f} | {p:.3f} | {ratio(v, p)} |")
    out.append("")
    out.append(f"`encode` of that sentence takes {enc_plain:.2f} s, with `--trace` {enc_trace:.2f} s (the issue's first measurement: 0.56 s and 1.37 s).")
    out.append("")
    out.append(f"Memory: `tensor stats` on a {line / 1e6:.0f} MB line of 25M values: peak RSS {rss_stats / 1e6:.0f} MB "
               f"({rss_stats / line:.2f}× the line; target ≤ 4×). The same line claiming shape [3, 2]: `posenc` refuses it in "
               f"{t_bad:.2f} s with peak RSS {rss_bad / 1e6:.0f} MB (targets < 1 s, < 100 MB).")
    text = "\n".join(out) + "\n"
    print(text)
    with open(args.out, "w") as f:
        f.write(text)


PEAK_RSS = None


def measure_rss(cmd, stdin=None):
    """Peak RSS of one process, measured by Tests/Fixtures/tools/peak_rss.c (Linux carries the peak
    RSS across exec from the spawning process's memory; that small program's is fresh)."""
    global PEAK_RSS
    if PEAK_RSS is None:
        PEAK_RSS = os.path.join(tempfile.mkdtemp(prefix="vamos-peak-rss-"), "peak_rss")
        subprocess.run(["cc", "-O1", "-o", PEAK_RSS, os.path.join(ROOT, "Tests", "Fixtures", "tools", "peak_rss.c")], check=True)
    with open(stdin or os.devnull, "rb") as f:
        r = subprocess.run([PEAK_RSS, os.devnull, os.devnull] + cmd, stdin=f, capture_output=True, text=True, check=True)
    return int(r.stdout.split()[1])


def git_commit():
    try:
        return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


if __name__ == "__main__":
    main()
