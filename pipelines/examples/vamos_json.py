"""Vamos documents in Python, standard library only: float32 text read and written exactly as the
Swift stages do (docs/FORMAT.md section 4, the block as printed there), and JSON that keeps every
number's text and writes like the Swift stages (compact, keys in order). Used by posenc.py and
embed.py beside it."""
import json, math, struct
from fractions import Fraction

_F32_MAX = 3.4028234663852886e+38           # the largest float32
_F32_INF_FROM = 2.0 ** 128 - 2.0 ** 103      # halfway from _F32_MAX to 2^128: from here a value rounds to inf

def parse_f32(text):
    """A JSON number's text -> the nearest float32 (as a Python float), rounded once, as strtof does.
    Never raises on a JSON number: beyond the float32 range it returns +-inf, below it +-0.0."""
    d = float(text)                                       # nearest double (inf only far past float32)
    if abs(d) > _F32_MAX:                                 # past the largest float32: FLT_MAX or inf?
        big = abs(d) > _F32_INF_FROM or (abs(d) == _F32_INF_FROM and abs(Fraction(text)) >= Fraction(_F32_INF_FROM))
        return math.copysign(math.inf if big else _F32_MAX, d)
    f = struct.unpack('<f', struct.pack('<f', d))[0]      # nearest float32 of the double
    if f == d:
        return f
    # Rounding twice can only go wrong when d lies exactly halfway between two float32s.
    b = struct.unpack('<I', struct.pack('<f', f))[0]
    g = struct.unpack('<f', struct.pack('<I', b + 1 if abs(d) > abs(f) else b - 1))[0]
    if 2 * Fraction(d) != Fraction(f) + Fraction(g):
        return f
    e = Fraction(text)
    df, dg = abs(e - Fraction(f)), abs(e - Fraction(g))
    return f if df < dg or (df == dg and b % 2 == 0) else g

def format_f32(v):
    """A float32 value (a Python float holding one) -> the text Vamos writes: Swift's Float.description,
    the shortest digits that read back (with parse_f32) as the same float32; exponent notation below
    1e-4 and above 2^24. Vamos never writes inf or NaN (a stage that would is an error)."""
    if v == 0:
        return '-0.0' if math.copysign(1, v) < 0 else '0.0'
    if not math.isfinite(v):
        raise ValueError('JSON has no inf or NaN')
    for p in range(1, 10):
        s = '%.*e' % (p - 1, v)
        if parse_f32(s) == v:
            break
    mantissa, exp = s.split('e')
    exp = int(exp)
    sign = '-' if mantissa.startswith('-') else ''
    digits = mantissa.lstrip('-').replace('.', '').rstrip('0') or '0'
    if exp < -4 or abs(v) > 2 ** 24:
        return '%s%s%se%s%02d' % (sign, digits[0], '.' + digits[1:] if len(digits) > 1 else '', '-' if exp < 0 else '+', abs(exp))
    if exp < 0:
        return sign + '0.' + '0' * (-exp - 1) + digits
    return sign + digits[:exp + 1].ljust(exp + 1, '0') + '.' + (digits[exp + 1:] or '0')


def f32(x):
    """A double rounded to the nearest float32 (one rounding; OverflowError past the float32 range)."""
    return struct.unpack('<f', struct.pack('<f', x))[0]


class Number(str):
    """A JSON number, kept as its text."""


class F32(float):
    """A float32 value to write in Swift's shortest form."""


def reject_constant(name):
    raise ValueError(f"'{name}' is not a JSON number (NaN and Infinity are not allowed)")


def load(line):
    return json.loads(line, parse_float=Number, parse_int=Number, parse_constant=reject_constant)


def dump(v):
    if isinstance(v, F32):
        return format_f32(v)
    if isinstance(v, Number):
        return str(v) if not v.lstrip('-').isdigit() else str(int(v))  # integers re-printed (-0 → 0)
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if v is None:
        return 'null'
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return '[' + ','.join(dump(x) for x in v) + ']'
    if isinstance(v, dict):
        return '{' + ','.join(json.dumps(k, ensure_ascii=False) + ':' + dump(x) for k, x in v.items()) + '}'
    raise TypeError(f'cannot write {type(v).__name__}')


# ---- the parts of a stage that are not its math -----------------------------------------------------

def stamp(doc, stage, model):
    """The output document's head, in the Swift stages' key order: format, stage, model, source,
    target, then every other field as read (tensors are the caller's, last)."""
    out = {'format': doc['format'], 'stage': stage, 'model': {'name': model.name, 'sha256': model.sha256}}
    for k in ('source', 'target'):
        if k in doc:
            out[k] = doc[k]
    for k, v in doc.items():
        if k not in out and k != 'tensors':
            out[k] = v
    return out


def arguments(argv, stage, usage, options=(), flags=()):
    """The command line of a Python stage: `--model DIR` (else $VAMOS_MODEL, else the bundled
    models/statquest) and the stage's own `--option VALUE` / `--option=VALUE` and `--flag`s.
    Returns a dict (`model` and each option or flag, by name without the dashes), or an exit status:
    0 after --help, 64 for an unknown argument (one line on stderr)."""
    import os, sys
    got = {o.lstrip('-'): None for o in ('--model',) + tuple(options)}
    got.update({f.lstrip('-'): False for f in flags})
    args = argv[1:]
    while args:
        a = args.pop(0)
        name, _, value = a.partition('=')
        if name in ('--model',) + tuple(options) and (value or args):
            got[name.lstrip('-')] = value or args.pop(0)
        elif a in flags:
            got[a.lstrip('-')] = True
        elif a in ('-h', '--help'):
            print(usage.strip())
            return 0
        else:
            print(f"{stage}: unknown argument '{a}' (see '{argv[0]} --help')", file=sys.stderr)
            return 64
    here = os.path.dirname(os.path.abspath(__file__))
    got['model'] = got['model'] or os.environ.get('VAMOS_MODEL') or os.path.join(here, '..', '..', 'models', 'statquest')
    return got


def serve(stage, model_dir, load_model, process):
    """Runs a stage over stdin: one document per line in, one compact line out, flushed; a bad
    line is one error line `stage: input line N: …` and status 1; a closed stdout ends quietly."""
    import sys
    try:
        model = load_model()
    except (OSError, ValueError, KeyError) as err:
        print(f'{stage}: model {model_dir}: {err}', file=sys.stderr)
        return 1
    for n, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            print(dump(process(load(line), model)), flush=True)
        except BrokenPipeError:
            return 0
        except (ValueError, KeyError, TypeError, OverflowError, AttributeError) as err:
            print(f'{stage}: input line {n}: {err}', file=sys.stderr)
            return 1
    return 0
