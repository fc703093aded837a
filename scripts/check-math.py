#!/usr/bin/env python3
"""Checks Sources/CKernels/vamos_math.c: accuracy against mpmath, and the same bits from every build.

Usage: python3 scripts/check-math.py [--quick] [--write-fixture] [--exhaustive-float] [--jobs N]

  1. Builds vamos_math.c (plus a small batch-call shim) as shared libraries, standalone:
       cc -O2 -ffp-contract=off, cc -O2 -mfma -ffp-contract=off, clang -O2 -ffp-contract=off,
     cc -O0 -ffp-contract=off, and two builds that rely on the file's own pragmas only (cc -O3 -march=native,
     clang -O2 -mfma, both without -ffp-contract=off). On x86-64 it also disassembles each
     build and requires that no fused multiply-add instruction appears.
  2. Evaluates every function on ~200k arguments per function (random over the function's
     domain, dense near 0, hard cases) with ctypes, and the exact values with mpmath at
     60 digits; prints the max error in ulps and the fraction correctly rounded.
  3. Checks the special values (NaN, infinities, zeros, overflow, underflow) bit by bit.
  4. Requires every build to give bit-identical results on all arguments.
  5. Checks Tests/Fixtures/math/vamos_math.csv against the library (--write-fixture rewrites it).
  6. With --exhaustive-float (a few more minutes): runs each float wrapper on every float whose
     result is not trivially 0, +-1, inf or x, flags those whose double result lies within 2 double
     ulps of a midpoint between two floats (elsewhere (float) of a double result within 1 ulp is
     the correctly rounded float), and checks the flagged ones with mpmath.

Bounds: double functions < 1 ulp; float wrappers <= 1 ulp. Exits 1 if any check fails.
Needs python3 with numpy and mpmath, a C compiler (cc, or $CC) and, if present, clang
($CLANG, /opt/swift/usr/bin/clang or clang on PATH). Runs in about a minute on 2 cores.
"""
import argparse, ctypes, multiprocessing, os, platform, shutil, struct, subprocess, sys, tempfile, time

import numpy as np
import mpmath
import mpmath.libmp as L

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "Sources/CKernels/vamos_math.c")
INC = os.path.join(ROOT, "Sources/CKernels/include")
FIXTURE = os.path.join(ROOT, "Tests/Fixtures/math/vamos_math.csv")

DPS = 60
PREC = int(DPS * 3.33) + 10  # bits for the exact values (60 digits and guard bits)

DFUNCS = ["exp", "expm1", "log", "tanh", "erf", "sin", "cos"]
FFUNCS = ["expf", "logf", "tanhf", "erff"]
F_OF = {"expf": "exp", "logf": "log", "tanhf": "tanh", "erff": "erf"}
DOUBLE_BOUND = 1.0   # strict: max error must be < 1 ulp
FLOAT_BOUND = 1.0    # max error must be <= 1 ulp

SCAN = r"""
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include "vamos_math.h"
static uint64_t bd(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static double asd(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }
static uint32_t bf(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static float asf(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
int main(int argc, char **argv)
{
    static double (*const fs[])(double) = { vamos_exp, vamos_log, vamos_tanh, vamos_erf };
    double (*f)(double) = fs[atoi(argv[1])];
    uint32_t ulo = bf((float)atof(argv[2])), uhi = bf((float)atof(argv[3]));
    int signs = atoi(argv[4]);
    unsigned long long n = 0;
    if (argc < 5) return 2;
    for (int s = 0; s < signs; s++)
        for (uint32_t u = ulo; u <= uhi; u++) {
            float x = asf(u | ((uint32_t)s << 31));
            double y = f((double)x), ay, m, d;
            float r = (float)y;
            uint32_t rb = bf(r), ob;
            n++;
            if (y != y || y - y != 0 || (double)r == y) continue;
            ob = (((double)r < y) == (r > 0)) ? rb + 1 : rb - 1;  /* the float on y's side of r */
            m = ((double)r + (double)asf(ob)) * 0.5;              /* their midpoint (exact) */
            ay = y < 0 ? -y : y;
            d = y > m ? y - m : m - y;
            if (d <= 2 * (asd(bd(ay) + 1) - ay)) printf("%08x\n", bf(x));
        }
    fprintf(stderr, "%llu\n", n);
    return 0;
}
"""

SHIM = r"""
#include <stddef.h>
#include "vamos_math.h"
typedef double (*vm_dfn)(double);
typedef float (*vm_ffn)(float);
static const vm_dfn vm_d[] = { vamos_exp, vamos_expm1, vamos_log, vamos_tanh, vamos_erf, vamos_sin, vamos_cos };
static const vm_ffn vm_f[] = { vamos_expf, vamos_logf, vamos_tanhf, vamos_erff };
void vm_batch_d(int f, const double *x, double *y, size_t n) { for (size_t i = 0; i < n; i++) y[i] = vm_d[f](x[i]); }
void vm_batch_f(int f, const float *x, float *y, size_t n) { for (size_t i = 0; i < n; i++) y[i] = vm_f[f](x[i]); }
"""

# ----------------------------------------------------------------------------------------------
# Builds


def find_clang():
    for c in [os.environ.get("CLANG"), "/opt/swift/usr/bin/clang", shutil.which("clang")]:
        if c and os.path.exists(c):
            return c
    return None


def cpu_has_fma():
    if platform.machine() not in ("x86_64", "AMD64"):
        return False
    try:
        flags = open("/proc/cpuinfo").read().split()
        return "fma" in flags
    except OSError:
        return False


class Build:
    def __init__(self, name, cmd, runnable=True):
        self.name, self.cmd, self.runnable = name, cmd, runnable
        self.lib = None
        self.fused = None

    def make(self, tmp, shim_path, idx):
        so = os.path.join(tmp, f"libvm{idx}.so")
        obj = os.path.join(tmp, f"vm{idx}.o")
        flags = self.cmd[1:]
        subprocess.run([self.cmd[0], *flags, "-std=c99", "-Wall", "-Wextra", "-fPIC", "-I", INC, "-c", SRC, "-o", obj],
                       check=True)
        subprocess.run([self.cmd[0], *flags, "-fPIC", "-shared", "-I", INC, shim_path, obj, "-o", so], check=True)
        if shutil.which("objdump") and platform.machine() in ("x86_64", "AMD64"):
            dis = subprocess.run(["objdump", "-d", obj], capture_output=True, text=True, check=True).stdout
            self.fused = sum(1 for line in dis.split("\n") if "\tvfm" in line or "\tvfnm" in line)
        if self.runnable:
            self.lib = ctypes.CDLL(so)
            self.lib.vm_batch_d.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t]
            self.lib.vm_batch_f.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t]

    def run(self, fname, x):
        if fname in DFUNCS:
            x = np.ascontiguousarray(x, dtype=np.float64)
            y = np.empty_like(x)
            self.lib.vm_batch_d(DFUNCS.index(fname), x.ctypes.data, y.ctypes.data, x.size)
        else:
            x = np.ascontiguousarray(x, dtype=np.float32)
            y = np.empty_like(x)
            self.lib.vm_batch_f(FFUNCS.index(fname), x.ctypes.data, y.ctypes.data, x.size)
        return y


def make_builds(tmp):
    cc = os.environ.get("CC", "cc")
    clang = find_clang()
    fma = cpu_has_fma()
    x86 = platform.machine() in ("x86_64", "AMD64")
    builds = [Build(f"{cc} -O2 -ffp-contract=off", [cc, "-O2", "-ffp-contract=off"])]
    if x86:
        builds.append(Build(f"{cc} -O2 -mfma -ffp-contract=off", [cc, "-O2", "-mfma", "-ffp-contract=off"], runnable=fma))
    if clang:
        builds.append(Build("clang -O2 -ffp-contract=off", [clang, "-O2", "-ffp-contract=off"]))
    builds.append(Build(f"{cc} -O0 -ffp-contract=off", [cc, "-O0", "-ffp-contract=off"]))
    builds.append(Build(f"{cc} -O3 -march=native (pragmas only)", [cc, "-O3", "-march=native"]))
    if clang and x86:
        builds.append(Build("clang -O2 -mfma (pragmas only)", [clang, "-O2", "-mfma"], runnable=fma))
    shim = os.path.join(tmp, "shim.c")
    with open(shim, "w") as f:
        f.write(SHIM)
    for i, b in enumerate(builds):
        b.make(tmp, shim, i)
    return builds, clang

# ----------------------------------------------------------------------------------------------
# Arguments


def bits_to_f64(u):
    return np.asarray(u, dtype=np.uint64).view(np.float64)


def bits_to_f32(u):
    return np.asarray(u, dtype=np.uint32).view(np.float32)


def near_pio2_multiples(rng, count, kmax):
    """Doubles nearest to k pi/2 (k random in [1, kmax]) and their neighbours: the hard cases of the reduction."""
    ks = rng.integers(1, kmax + 1, size=count)
    out = []
    with mpmath.workprec(300):
        pio2 = mpmath.pi / 2
        for k in ks:
            out.append(L.to_float((mpmath.mpf(int(k)) * pio2)._mpf_, rnd="n"))
    x = np.array(out)
    return np.concatenate([x, np.nextafter(x, np.inf), np.nextafter(x, -np.inf),
                           np.nextafter(np.nextafter(x, np.inf), np.inf)])


def make_inputs(rng, scale):
    """{function: float64 arguments} for the double functions and float32 arguments for the float ones."""
    n = lambda k: max(1, int(k * scale))
    u = rng.uniform
    dense = lambda lo, hi, k: (2.0 ** u(lo, hi, k)) * rng.choice([-1.0, 1.0], k)  # +-2^U(lo, hi)
    D, F = {}, {}
    D["exp"] = np.concatenate([u(-745.13, 709.78, n(150000)), dense(-60, 0, n(50000))])
    F["expf"] = np.concatenate([u(-103.97, 88.72, n(70000)), dense(-30, 2, n(30000))]).astype(np.float32)
    D["expm1"] = np.concatenate([u(-40, 709.78, n(80000)), dense(-60, 3, n(120000))])
    # log: every positive double, uniformly over bit patterns (all exponents incl. subnormals), and near 1
    D["log"] = np.concatenate([
        bits_to_f64(rng.integers(1, 0x7ff0000000000000, size=n(140000), dtype=np.uint64)),
        1.0 + u(-0.3, 0.5, n(30000)),
        1.0 + dense(-53, -8, n(30000))])
    F["logf"] = np.concatenate([
        bits_to_f32(rng.integers(1, 0x7f800000, size=n(70000), dtype=np.uint32)),
        (1.0 + u(-0.3, 0.5, n(30000))).astype(np.float32)])
    D["tanh"] = np.concatenate([u(-20, 20, n(80000)), dense(-30, 4.33, n(120000))])
    F["tanhf"] = np.concatenate([u(-20, 20, n(50000)), dense(-20, 4.33, n(50000))]).astype(np.float32)
    # erf: mpmath is slow for |x| > 6 (where erf rounds to +-1), so that part is sampled less
    D["erf"] = np.concatenate([u(-20, 20, n(30000)), u(-6, 6, n(70000)), dense(-30, 2.6, n(100000))])
    F["erff"] = np.concatenate([u(-20, 20, n(15000)), u(-6, 6, n(45000)), dense(-20, 2.6, n(40000))]).astype(np.float32)
    # sin/cos (same arguments): [0, 1.6e6], dense [0, 2 pi], hard cases near k pi/2, huge (Payne-Hanek)
    big = rng.integers(0x4140000000000000, 0x7ff0000000000000, size=n(16000), dtype=np.uint64)
    trig = np.concatenate([
        u(0, 1.6e6, n(80000)), u(0, 2 * np.pi, n(80000)), -u(0, 2 * np.pi, n(4000)),
        near_pio2_multiples(rng, n(4000), 2 ** 20), bits_to_f64(big) * rng.choice([-1.0, 1.0], big.size),
        np.array([6381956970095103.0 * 2.0 ** 797, 5.0e22, 1e300, 2.0 ** 1023, np.finfo(np.float64).max])])
    D["sin"] = trig
    D["cos"] = trig
    return D, F


def edge_cases():
    """(function, argument, expected result or None): None means 'check against mpmath like the rest'."""
    inf, nan = float("inf"), float("nan")
    dmin = 5e-324
    dmax = np.finfo(np.float64).max
    qnan = bits_to_f64(0x7ff8000000000000)
    snan = bits_to_f64(0x7ff4000000000123)          # signalling NaN with a payload
    snan_q = bits_to_f64(0x7ffc000000000123)        # ... quieted
    negnan = bits_to_f64(0xfff8000000000077)
    e = []
    for f in DFUNCS:
        e += [(f, qnan, qnan), (f, snan, snan_q), (f, negnan, negnan)]
    e += [("exp", inf, inf), ("exp", -inf, 0.0), ("exp", 0.0, 1.0), ("exp", -0.0, 1.0), ("exp", 1.0, float.fromhex("0x1.5bf0a8b145769p+1")),
          ("exp", 709.782712893384, None), ("exp", np.nextafter(709.782712893384, inf), inf), ("exp", 710.0, inf),
          ("exp", dmax, inf), ("exp", -dmax, 0.0), ("exp", -745.1332191019411, None), ("exp", -745.1332191019412, 0.0),
          ("exp", -746.0, 0.0), ("exp", -708.4, None), ("exp", -720.0, None), ("exp", -744.44, None), ("exp", 1e-300, 1.0),
          ("exp", dmin, 1.0), ("exp", 0.34657359027997264, None), ("exp", 1.0397207708399179, None), ("exp", 709.0, None)]
    e += [("expm1", inf, inf), ("expm1", -inf, -1.0), ("expm1", 0.0, 0.0), ("expm1", -0.0, -0.0), ("expm1", 1e-300, 1e-300),
          ("expm1", -dmin, -dmin), ("expm1", -50.0, None), ("expm1", -1000.0, -1.0), ("expm1", 710.0, inf),
          ("expm1", 709.78, None), ("expm1", 38.9, None), ("expm1", 1e-10, None)]
    e += [("log", 0.0, -inf), ("log", -0.0, -inf), ("log", -1.0, qnan), ("log", -dmin, qnan), ("log", -inf, qnan),
          ("log", inf, inf), ("log", 1.0, 0.0), ("log", dmin, None), ("log", 2.2250738585072014e-308, None),
          ("log", 2.225073858507201e-308, None), ("log", dmax, None), ("log", np.nextafter(1.0, 2), None),
          ("log", np.nextafter(1.0, 0), None), ("log", 2.0, None), ("log", 0.5, None)]
    e += [("tanh", inf, 1.0), ("tanh", -inf, -1.0), ("tanh", 0.0, 0.0), ("tanh", -0.0, -0.0), ("tanh", 22.0, 1.0),
          ("tanh", -30.0, -1.0), ("tanh", 1e-300, 1e-300), ("tanh", -dmin, -dmin), ("tanh", 2.0 ** -28, None),
          ("tanh", 0.17328679513998632, None), ("tanh", 19.0, None), ("tanh", 21.99, None), ("tanh", dmax, 1.0)]
    e += [("erf", inf, 1.0), ("erf", -inf, -1.0), ("erf", 0.0, 0.0), ("erf", -0.0, -0.0), ("erf", 6.0, 1.0),
          ("erf", -6.0, -1.0), ("erf", dmin, None), ("erf", -1e-310, None), ("erf", 1e-300, None), ("erf", 0.84375, None),
          ("erf", 1.25, None), ("erf", 2.857142857142857, None), ("erf", 5.99, None), ("erf", dmax, 1.0)]
    for f in ("sin", "cos"):
        e += [(f, inf, qnan), (f, -inf, qnan), (f, float.fromhex("0x1.921fb54442d18p+0"), None),
              (f, float.fromhex("0x1.921fb54442d18p+1"), None), (f, float.fromhex("0x1.2d97c7f3321d2p+2"), None),
              (f, float.fromhex("0x1.921fb54442d18p+2"), None), (f, 1647099.3291652855, None),
              (f, float.fromhex("0x1.921fb00000000p+20"), None), (f, float.fromhex("0x1.921fb54442d18p+20"), None),
              (f, np.nextafter(float.fromhex("0x1.921fb54442d18p+20"), inf), None), (f, 1e-300, None), (f, 0.7853981633974483, None),
              (f, -1e22, None), (f, 2.0 ** 1023, None), (f, dmax, None), (f, -dmax, None)]
    e += [("sin", 0.0, 0.0), ("sin", -0.0, -0.0), ("sin", -dmin, -dmin), ("cos", 0.0, 1.0), ("cos", -0.0, 1.0), ("cos", dmin, 1.0)]
    fmax = float(np.finfo(np.float32).max)
    fmin = float(bits_to_f32(1))
    fq = float(bits_to_f32(0x7fc00000))
    for f in FFUNCS:
        e += [(f, fq, "nan")]
    e += [("expf", inf, inf), ("expf", -inf, 0.0), ("expf", 0.0, 1.0), ("expf", 88.72283935546875, inf), ("expf", 88.7228240966797, None),
          ("expf", fmax, inf), ("expf", -104.0, 0.0), ("expf", -103.27892303466797, None), ("expf", -87.33654022216797, None),
          ("expf", -100.0, None), ("expf", fmin, 1.0), ("expf", 1.0, None), ("expf", -1.0, None)]
    e += [("logf", 0.0, -inf), ("logf", -0.0, -inf), ("logf", -1.0, "nan"), ("logf", inf, inf), ("logf", 1.0, 0.0),
          ("logf", fmin, None), ("logf", fmax, None), ("logf", 1.1754943508222875e-38, None), ("logf", 2.0, None), ("logf", 0.5, None)]
    e += [("tanhf", inf, 1.0), ("tanhf", -inf, -1.0), ("tanhf", -0.0, -0.0), ("tanhf", fmin, fmin), ("tanhf", 10.0, 1.0), ("tanhf", 9.0, None), ("tanhf", 0.5, None)]
    e += [("erff", inf, 1.0), ("erff", -inf, -1.0), ("erff", -0.0, -0.0), ("erff", fmin, None), ("erff", 4.0, 1.0), ("erff", 0.5, None)]
    return e

# ----------------------------------------------------------------------------------------------
# Exact values with mpmath


def exact_mpf(fname, t):
    """The exact value (an mpf tuple at PREC bits) of fname at the mpf tuple t."""
    if fname == "exp":
        return L.mpf_exp(t, PREC)
    if fname == "expm1":  # exp at extra precision, then subtract 1: |x| >= 2^-75 here keeps > PREC bits
        return L.mpf_sub(L.mpf_exp(t, PREC + 120), L.fone, PREC)
    if fname == "log":
        return L.mpf_log(t, PREC)
    if fname == "tanh":
        return L.mpf_tanh(t, PREC)
    if fname == "erf":
        return L.mpf_erf(t, PREC)
    if fname == "sin":
        return L.mpf_sin(t, PREC)
    if fname == "cos":
        return L.mpf_cos(t, PREC)
    raise ValueError(fname)


def scaled(v, p, emin, emax):
    """v as E, q, r with v = (q + r) 2^E, 2^E = ulp(v) in a p-bit format, q integral, |r| < 1; status 0 ok,
    1 exact zero, 2 overflows the format (|v| >= 2^(emax+1))."""
    sign, man, exp, bc = v
    if man == 0:
        return 0, 0.0, 0.0, 1
    lg = exp + bc - 1
    if lg > emax:
        return 0, 0.0, 0.0, 2
    E = max(lg, emin) - (p - 1)
    s = exp - E
    if s >= 0:
        q, r = man << s, 0.0
    else:
        q = man >> -s
        r = (man - (q << -s)) / (1 << -s)
    if sign:
        q, r = -q, -r
    return E, float(q), r, 0


def mp_worker(job):
    """(fname, float64 arguments) -> arrays E, q, r, status for the double and the float formats."""
    fname, xs = job
    n = len(xs)
    out = [np.zeros(n, np.int32), np.zeros(n), np.zeros(n), np.zeros(n, np.int8),
           np.zeros(n, np.int32), np.zeros(n), np.zeros(n), np.zeros(n, np.int8)]
    for i, x in enumerate(xs.tolist()):
        v = exact_mpf(fname, L.from_float(x))
        out[0][i], out[1][i], out[2][i], out[3][i] = scaled(v, 53, -1022, 1023)
        out[4][i], out[5][i], out[6][i], out[7][i] = scaled(v, 24, -126, 127)
    return fname, out


def exact_values(jobs_by_func, procs):
    """{fname: (double repr, float repr)} for each function's float64 argument array."""
    chunks = []
    for fname, xs in jobs_by_func.items():
        for start in range(0, len(xs), 4000):
            chunks.append((fname, xs[start:start + 4000]))
    parts = {f: [] for f in jobs_by_func}
    if procs > 1:
        with multiprocessing.Pool(procs) as pool:
            for fname, out in pool.imap(mp_worker, chunks, chunksize=1):
                parts[fname].append(out)
    else:
        for c in chunks:
            fname, out = mp_worker(c)
            parts[fname].append(out)
    res = {}
    for f, ps in parts.items():
        cat = [np.concatenate([p[k] for p in ps]) for k in range(8)]
        res[f] = (cat[0:4], cat[4:8])
    return res


def ulp_errors(y, rep):
    """Signed errors in ulps of the exact value of the computed y (float64 or float32 array)."""
    E, q, r, st = rep
    y = y.astype(np.float64)
    err = np.empty(y.size)
    ok = st == 0
    with np.errstate(invalid="ignore", over="ignore"):
        err[ok] = (np.ldexp(y[ok], -E[ok]) - q[ok]) - r[ok]
    z = st == 1
    err[z] = np.where(y[z] == 0, 0.0, np.inf)
    o = st == 2
    err[o] = np.where(np.isposinf(y[o]) & (q[o] >= 0), 0.0, np.inf)  # (sign of overflow never negative here)
    err[np.isnan(err)] = np.inf
    return err

# ----------------------------------------------------------------------------------------------


def hexbits(v, is_float):
    return "0x%08x" % int(np.float32(v).view(np.uint32)) if is_float else "0x%016x" % int(np.float64(v).view(np.uint64))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="a tenth of the random arguments")
    ap.add_argument("--write-fixture", action="store_true", help=f"rewrite {os.path.relpath(FIXTURE, ROOT)}")
    ap.add_argument("--exhaustive-float", action="store_true", help="scan every float argument of the float wrappers")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    t0 = time.time()
    failures = []

    tmp = tempfile.mkdtemp(prefix="check-math-")
    try:
        builds, clang = make_builds(tmp)
        ref = builds[0]
        print("builds:")
        for b in builds:
            extra = "" if b.runnable else "  (not run: this CPU has no FMA)"
            fused = "" if b.fused is None else f"  fused multiply-adds in code: {b.fused}"
            print(f"  {b.name}{fused}{extra}")
            if b.fused:
                failures.append(f"{b.name}: {b.fused} fma instructions in vamos_math.o")
        if not clang:
            print("  (no clang found: set CLANG=...)")

        rng = np.random.default_rng(20240611)
        D, F = make_inputs(rng, 0.1 if args.quick else 1.0)
        edges = edge_cases()
        # finite edge arguments whose result is checked against mpmath join the random ones
        for f, x, want in edges:
            if want is None:
                if f in DFUNCS:
                    D[f] = np.append(D[f], x)
                else:
                    F[f] = np.append(F[f], np.float32(x))
        # arguments for the mpmath jobs: a double function's own plus its float wrapper's (as doubles)
        mp_args = {f: D[f] for f in DFUNCS}
        for ff, f in F_OF.items():
            mp_args[f] = np.concatenate([D[f], F[ff].astype(np.float64)])
        mp_args.pop("cos")  # same arguments as sin: evaluated separately below
        cos_args = D["cos"]
        mp_args["cos"] = cos_args
        total = sum(len(v) for v in mp_args.values())
        print(f"\nexact values: {total} arguments with mpmath at {DPS} digits, {args.jobs} processes ...", flush=True)
        exact = exact_values(mp_args, args.jobs)
        print(f"  done in {time.time() - t0:.0f} s")

        # --- accuracy table
        rows = []
        worst = {}
        for f in DFUNCS:
            xs = mp_args[f]
            y = ref.run(f, xs)
            err = ulp_errors(y, exact[f][0])
            a = np.abs(err)
            i = int(np.argmax(a))
            worst[f] = (xs[i], y[i], err[i])
            rows.append((f, "double", len(xs), a.max(), xs[i], np.mean(a <= 0.5) * 100, DOUBLE_BOUND, a.max() < DOUBLE_BOUND))
        for ff, f in F_OF.items():
            xs32 = F[ff]
            y = ref.run(ff, xs32)
            rep = [r[len(D[f]):] for r in exact[f][1]]
            err = ulp_errors(y, rep)
            a = np.abs(err)
            i = int(np.argmax(a))
            rows.append((ff, "float", len(xs32), a.max(), float(xs32[i]), np.mean(a <= 0.5) * 100, FLOAT_BOUND, a.max() <= FLOAT_BOUND))
        print(f"\n{'function':<9} {'type':<7} {'args':>7} {'max err (ulp)':>14} {'at x':>24} {'correctly rounded':>18}  bound")
        for f, ty, n, mx, at, cr, bound, ok in rows:
            rel = "<" if ty == "double" else "<="
            print(f"{f:<9} {ty:<7} {n:>7} {mx:>14.9f} {at:>24.17g} {cr:>17.4f}%  {rel} {bound:g} ulp  {'ok' if ok else 'FAIL'}")
            if not ok:
                failures.append(f"{f}: max error {mx:.4f} ulp at x = {at!r}")

        # --- special values, bit for bit
        bad = 0
        for f, x, want in edges:
            if want is None:
                continue
            is_f = f in FFUNCS
            got = ref.run(f, np.array([x]))[0]
            if isinstance(want, str):  # "nan": any NaN
                ok = bool(np.isnan(got))
            else:
                ok = hexbits(got, is_f) == hexbits(want, is_f)
            if not ok:
                bad += 1
                failures.append(f"{f}({x!r}) = {got!r} ({hexbits(got, is_f)}), expected {want!r} ({hexbits(want, is_f) if not isinstance(want, str) else want})")
        print(f"\nspecial values: {sum(1 for e in edges if e[2] is not None)} checked bit for bit, {bad} wrong")

        # --- every build gives the same bits
        allargs = {f: np.concatenate([mp_args[f], [x for g, x, _ in edges if g == f]]) for f in DFUNCS}
        allargs.update({ff: np.concatenate([F[ff], np.array([x for g, x, _ in edges if g == ff], np.float32)]).astype(np.float32) for ff in FFUNCS})
        nargs = sum(len(v) for v in allargs.values())
        refout = {f: ref.run(f, xs) for f, xs in allargs.items()}
        print(f"\nbit identity over {nargs} arguments (all functions), against '{ref.name}':")
        for b in builds[1:]:
            if not b.runnable:
                print(f"  {b.name}: not run")
                continue
            diff = 0
            for f, xs in allargs.items():
                u = np.uint32 if f in FFUNCS else np.uint64
                diff += int(np.count_nonzero(b.run(f, xs).view(u) != refout[f].view(u)))
            print(f"  {b.name}: {'identical' if diff == 0 else f'{diff} DIFFERENT'}")
            if diff:
                failures.append(f"{b.name}: {diff} results differ from {ref.name}")

        # --- fixture
        if args.write_fixture:
            write_fixture(ref, D, F, edges, rng)
        check_fixture(builds, failures)
        if args.exhaustive_float:
            exhaustive_float(tmp, builds[0], args.jobs, failures)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"\n{time.time() - t0:.0f} s")
    if failures:
        print("\nFAILED:\n  " + "\n  ".join(failures))
        sys.exit(1)
    print("all checks passed")


# (wrapper, index in SCAN, smallest and largest |x| scanned, signs): outside these ranges the result
# is trivially correctly rounded: expf 1 (|x| < 2^-25), 0 or inf; logf covers every positive float;
# tanhf x (|x| < 1e-6: |tanh x - x| < x 2^-40) or +-1 (|x| > 9.2); erff +-1 (|x| > 4).
SCAN_RANGES = [("expf", 0, 2.98e-8, 104.0, 2), ("logf", 1, 1e-45, 3.4028234e38, 1),
               ("tanhf", 2, 1e-6, 9.2, 2), ("erff", 3, 1e-45, 4.0, 2)]


def exhaustive_float(tmp, ref, jobs, failures):
    src = os.path.join(tmp, "scan.c")
    exe = os.path.join(tmp, "scan")
    with open(src, "w") as fh:
        fh.write(SCAN)
    subprocess.run([ref.cmd[0], *ref.cmd[1:], "-I", INC, src, SRC, "-o", exe], check=True)
    print("\nexhaustive float scan (every float argument with a non-trivial result):", flush=True)
    running, done = [], []
    for ff, idx, lo, hi, signs in SCAN_RANGES:
        if len(running) >= jobs:
            f0, p0 = running.pop(0)
            done.append((f0, p0.communicate()))
        running.append((ff, subprocess.Popen([exe, str(idx), repr(lo), repr(hi), str(signs)], stdout=subprocess.PIPE,
                                             stderr=subprocess.PIPE, text=True)))
    done += [(f0, p0.communicate()) for f0, p0 in running]
    fmap = {"expf": L.mpf_exp, "logf": L.mpf_log, "tanhf": L.mpf_tanh, "erff": L.mpf_erf}
    for ff, (out, err) in done:
        flagged = [int(h, 16) for h in out.split()]
        xs = bits_to_f32(np.array(flagged, dtype=np.uint32)) if flagged else np.zeros(0, np.float32)
        ys = ref.run(ff, xs)
        notcr = 0
        for x, y in zip(xs.tolist(), ys.tolist()):
            v = fmap[ff](L.from_float(x), PREC)
            E, q, r, st = scaled(v, 24, -126, 127)
            e = (np.ldexp(y, -E) - q) - r
            if abs(e) > 0.5:
                notcr += 1
                if abs(e) > FLOAT_BOUND:
                    failures.append(f"{ff}({x!r}): error {abs(e)} ulp")
        total = int(err.split()[-1])
        print(f"  {ff:<6} {total:>11} floats, {len(flagged):>3} near a midpoint, {notcr} not correctly rounded "
              f"({100 - 100 * notcr / total:.7f}% correctly rounded)")


def write_fixture(ref, D, F, edges, rng):
    """A small table of arguments -> result bits: edge cases and a sample of the checked random arguments."""
    lines = ["# vamos_math: function,argument bits,result bits (IEEE-754 hex; 16 digits double, 8 float).",
             "# Written by scripts/check-math.py --write-fixture from vamos_math.c; every row is also one of the",
             "# arguments that script checks against mpmath (or a special value it checks bit for bit).",
             "function,argument,result"]
    for f in DFUNCS + FFUNCS:
        is_f = f in FFUNCS
        pool = F[f] if is_f else D[f]
        pick = pool[rng.choice(len(pool), size=48, replace=False)]
        special = [x for g, x, _ in edges if g == f]
        xs = np.concatenate([np.array(special, dtype=np.float32 if is_f else np.float64), pick.astype(np.float32 if is_f else np.float64)])
        ys = ref.run(f, xs)
        seen = set()
        for x, y in zip(xs, ys):
            hx = hexbits(x, is_f)
            if hx in seen:
                continue
            seen.add(hx)
            lines.append(f"{f},{hx},{hexbits(y, is_f)}")
    os.makedirs(os.path.dirname(FIXTURE), exist_ok=True)
    with open(FIXTURE, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    print(f"\nwrote {os.path.relpath(FIXTURE, ROOT)} ({len(lines) - 4} rows)")


def check_fixture(builds, failures):
    if not os.path.exists(FIXTURE):
        print(f"\nfixture {os.path.relpath(FIXTURE, ROOT)}: absent (--write-fixture writes it)")
        return
    rows = [l.strip().split(",") for l in open(FIXTURE) if l.strip() and not l.startswith("#") and not l.startswith("function,")]
    bad = 0
    for b in builds:
        if not b.runnable:
            continue
        for f, hx, hy in rows:
            is_f = f in FFUNCS
            x = bits_to_f32(int(hx, 16)) if is_f else bits_to_f64(int(hx, 16))
            y = b.run(f, np.array([x]))[0]
            if hexbits(y, is_f) != hy:
                bad += 1
                if bad <= 5:
                    failures.append(f"fixture: {b.name}: {f}({hx}) = {hexbits(y, is_f)}, fixture says {hy}")
    print(f"\nfixture {os.path.relpath(FIXTURE, ROOT)}: {len(rows)} rows x {sum(b.runnable for b in builds)} builds, {bad} mismatches")
    if bad:
        failures.append(f"fixture: {bad} mismatches")


if __name__ == "__main__":
    main()
