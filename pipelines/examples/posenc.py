#!/usr/bin/env python3
"""posenc in Python, standard library only — a drop-in replacement for the Swift stage.

    … | embed | python3 pipelines/examples/posenc.py --model DIR | encode | …

Reads Vamos documents (docs/FORMAT.md) on stdin, one per line; replaces tensor 'embeddings'
[T, d_model] by 'encoder_input' = embeddings + position values, for every positional scheme:
sinusoidal_halves (Marian), sinusoidal_interleaved (the paper), learned (read from
model.safetensors) and none. Writes the same bytes the Swift stage writes: numbers keep their
text, tensor values are float32 written as their shortest text the way Swift does, the model's
name and sha256 stamped. Options: --model DIR (else $VAMOS_MODEL, else models/statquest),
--keep (keep 'embeddings'), --trace (add 'positional_encoding'), --scheme NAME (use another
positional scheme than the model's config.json names: an experiment, see positional.sh).
"""
import hashlib, json, math, os, struct, sys
from fractions import Fraction

STAGE = 'posenc'


from vamos_json import F32, Number, f32, format_f32, parse_f32, arguments, serve, stamp  # beside this file


# ---- the model ------------------------------------------------------------------------------------

class Model:
    def __init__(self, directory, scheme=None):
        directory = directory.rstrip('/') or '/'
        config_bytes = open(os.path.join(directory, 'config.json'), 'rb').read()
        self.config = json.loads(config_bytes)
        self.path = os.path.join(directory, 'model.safetensors')
        with open(self.path, 'rb') as st:
            head = st.read(8)
            n = struct.unpack('<Q', head)[0]
            self.header_json = st.read(n)
        self.header = json.loads(self.header_json)
        self.data_start = 8 + n
        self.name = os.path.basename(directory)
        self.sha256 = hashlib.sha256(config_bytes + head + self.header_json).hexdigest()
        self.d_model = self.config.get('d_model', 1024)
        self.kind = scheme or self.config.get('positional_encoding', 'sinusoidal_halves')
        self.max_positions = self.config.get('max_position_embeddings', 1024)
        self.learned = self.weight('model.encoder.embed_positions.weight') if self.kind == 'learned' else None

    def weight(self, name):
        """A float32 tensor of model.safetensors, flat (only F32 in this sketch)."""
        e = self.header.get(name)
        if e is None or e['dtype'] != 'F32':
            raise ValueError(f'{self.path}: no F32 tensor {name!r}')
        begin, end = e['data_offsets']
        with open(self.path, 'rb') as st:
            st.seek(self.data_start + begin)
            raw = st.read(end - begin)
        return list(struct.unpack('<%df' % ((end - begin) // 4), raw))

    def positions(self, T):
        """[T * C] position values: computed in double, rounded to float32 (docs/MODEL.md)."""
        C, P = self.d_model, [0.0] * (T * self.d_model)
        if self.kind == 'learned':
            return self.learned[:T * C]
        for t in range(T):
            for j in range(C):
                a = t / math.pow(10000, (2 * (j // 2)) / C)
                if self.kind == 'sinusoidal_interleaved':
                    P[t * C + j] = f32(math.sin(a) if j % 2 == 0 else math.cos(a))
                elif self.kind == 'sinusoidal_halves':
                    h = (C + 1) // 2
                    if j % 2 == 0:
                        P[t * C + j // 2] = f32(math.sin(a))
                    else:
                        P[t * C + h + j // 2] = f32(math.cos(a))
                elif self.kind != 'none':
                    raise ValueError(f'positional_encoding {self.kind!r} is not known')
        return P


def run(doc, model, keep, trace):
    if not isinstance(doc, dict):
        raise ValueError('expected a JSON object (a Vamos document)')
    if doc.get('format') != 'vamos/1':
        raise ValueError('\'format\' must be "vamos/1"')
    tensors = doc.get('tensors', {})
    e = tensors.get('embeddings')
    if e is None:
        raise ValueError("no tensor 'embeddings'; pipe the document through embed first")
    shape = [int(d) for d in e['shape']]
    C = model.d_model
    if len(shape) != 2 or shape[1] != C:
        raise ValueError(f"tensor 'embeddings' has shape {shape}; model '{model.name}' expects [tokens, {C}] (d_model {C})")
    T = shape[0]
    if T > model.max_positions:
        raise ValueError(f'sequence of {T} positions is longer than the {model.max_positions} the model allows (max_position_embeddings)')
    if len(e['data']) != T * C:
        raise ValueError(f"tensor 'embeddings'.data: shape {shape} needs {T * C} values, found {len(e['data'])}")
    P = model.positions(T)
    x = [F32(f32(parse_f32(v) + p)) for v, p in zip(e['data'], P)]
    if doc.get('model', {}).get('sha256', model.sha256) != model.sha256 and not getattr(run, 'warned', False):
        run.warned = True
        other = doc['model'].get('name', '?')
        print(f"{STAGE}: warning: the document was made with model '{other}' (sha256 {doc['model']['sha256'][:12]}…), "
              f"this stage uses '{model.name}' (sha256 {model.sha256[:12]}…)", file=sys.stderr)
    # The Swift stages write format, stage, model, source, target, the other fields, then tensors.
    out = stamp(doc, STAGE, model)
    new = {}
    for name, t in tensors.items():
        if name == 'embeddings' and not keep:
            continue
        if name == 'embeddings':
            t = dict(t, data=[F32(parse_f32(v)) for v in t['data']])
        new[name] = t
    rows = ['token', 'd_model']
    if trace:
        new['positional_encoding'] = {'shape': [T, C], 'axes': rows, 'data': [F32(p) for p in P]}
    new['encoder_input'] = {'shape': [T, C], 'axes': rows, 'data': x}
    out['tensors'] = new
    return out


def main(argv):
    a = arguments(argv, STAGE, __doc__, options=('--scheme',), flags=('--keep', '--trace'))
    if isinstance(a, int):
        return a
    return serve(STAGE, a['model'], lambda: Model(a['model'], a['scheme']), lambda doc, model: run(doc, model, a['keep'], a['trace']))


if __name__ == '__main__':
    try:
        sys.exit(main(sys.argv))
    except BrokenPipeError:
        sys.exit(0)
