#!/usr/bin/env python3
"""embed in Python, standard library only — written from docs/FORMAT.md alone (sections 2–5c), a
drop-in replacement for the Swift stage:

    … | tokenize | python3 pipelines/examples/embed.py --model DIR | posenc | …

Reads Vamos documents on stdin, one per line; looks each of source.ids up in the model's source
embedding (section 5c: which tensor, F32/F16/BF16 rows read from model.safetensors), multiplies by
float32(√d_model) when config.json sets scale_embedding, and writes tensor 'embeddings' [T, d_model]
— the same bytes the Swift stage writes (EmbedDocTests checks it on every fixture). Options:
--model DIR (else $VAMOS_MODEL, else models/statquest).
"""
import hashlib, json, math, os, struct, sys

from vamos_json import F32, f32, parse_f32, arguments, serve, stamp  # beside this file

STAGE = 'embed'


class Model:
    def __init__(self, directory):
        directory = directory.rstrip('/') or '/'
        config_bytes = open(os.path.join(directory, 'config.json'), 'rb').read()
        c = json.loads(config_bytes)
        self.path = os.path.join(directory, 'model.safetensors')
        with open(self.path, 'rb') as st:
            head = st.read(8)
            n = struct.unpack('<Q', head)[0]
            header_json = st.read(n)
        self.header = json.loads(header_json)
        self.data_start = 8 + n
        last = os.path.basename(directory)
        self.name = os.path.basename(os.path.realpath(directory)) if last in ('.', '..') else last
        self.sha256 = hashlib.sha256(config_bytes + head + header_json).hexdigest()
        self.d_model = c.get('d_model', 1024)
        self.vocab_size = c['vocab_size']
        self.scale = f32(math.sqrt(self.d_model)) if c.get('scale_embedding', False) else None
        names = (['model.shared.weight', 'model.encoder.embed_tokens.weight', 'model.decoder.embed_tokens.weight']
                 if c.get('share_encoder_decoder_embeddings', True) else ['model.encoder.embed_tokens.weight'])
        self.embedding = next((x for x in names if x in self.header), None)
        if self.embedding is None:
            raise ValueError(f'{self.path}: no tensor {names[0]!r}')

    def row(self, i):
        """Row i of the embedding as float32 values (F32, F16 and BF16 widened exactly)."""
        e = self.header[self.embedding]
        size = {'F32': 4, 'F16': 2, 'BF16': 2}[e['dtype']]
        begin = e['data_offsets'][0] + i * self.d_model * size
        with open(self.path, 'rb') as st:
            st.seek(self.data_start + begin)
            raw = st.read(self.d_model * size)
        if e['dtype'] == 'F32':
            values = struct.unpack('<%df' % self.d_model, raw)
        elif e['dtype'] == 'F16':
            values = struct.unpack('<%de' % self.d_model, raw)
        else:  # bfloat16: the high half of a float32
            values = [struct.unpack('<f', b'\0\0' + raw[2 * k:2 * k + 2])[0] for k in range(self.d_model)]
        for j, v in enumerate(values):
            if not math.isfinite(v):
                raise ValueError(f"{self.path}: tensor '{self.embedding}' holds a non-finite value at index {i * self.d_model + j}")
        return values


def run(doc, model, warned):
    if not isinstance(doc, dict):
        raise ValueError('expected a JSON object (a Vamos document)')
    if doc.get('format') != 'vamos/1':
        raise ValueError('\'format\' must be "vamos/1"')
    ids = [int(i) for i in doc.get('source', {}).get('ids', [])]
    if not ids:
        raise ValueError("'source.ids' is empty; a sentence needs at least one token (tokenize appends <EOS>)")
    other = doc.get('model', {}).get('sha256')
    if other is not None and other != model.sha256 and other not in warned:
        warned.add(other)
        print(f"{STAGE}: warning: the document was made with model '{doc['model'].get('name', '?')}' (sha256 {other[:12]}…), "
              f"this stage uses '{model.name}' (sha256 {model.sha256[:12]}…)", file=sys.stderr)
    data = []
    for t, i in enumerate(ids):
        if not 0 <= i < model.vocab_size:
            raise ValueError(f"'source.ids[{t}]' is {i}, outside the vocabulary (0..<{model.vocab_size})")
        data += [F32(v if model.scale is None else f32(v * model.scale)) for v in model.row(i)]
    out = stamp(doc, STAGE, model)
    tensors = {}
    for name, t in doc.get('tensors', {}).items():   # every tensor re-written in its canonical form
        canon = {'shape': t['shape']}
        if t.get('axes') is not None:
            canon['axes'] = t['axes']
        canon['data'] = [F32(parse_f32(v)) for v in t['data']]
        canon.update((k, v) for k, v in t.items() if k not in ('shape', 'axes', 'data'))
        tensors[name] = canon
    tensors['embeddings'] = {'shape': [len(ids), model.d_model], 'axes': ['token', 'd_model'], 'data': data}  # in place if present
    out['tensors'] = tensors
    return out


def main(argv):
    a = arguments(argv, STAGE, __doc__)
    if isinstance(a, int):
        return a
    warned = set()
    return serve(STAGE, a['model'], lambda: Model(a['model']), lambda doc, model: run(doc, model, warned))


if __name__ == '__main__':
    sys.exit(main(sys.argv))
