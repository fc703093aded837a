#!/usr/bin/env python3
"""Runs docs/FORMAT.md's own float32 block (parse_f32, format_f32) over every number of every
golden file, and over edge cases, against the C library's strtof (ctypes). Prints one summary
line; exits 1 with the first mismatches. Usage: check_format_doc.py REPO_ROOT"""
import ctypes, glob, json, math, os, re, struct, sys

root = sys.argv[1]
doc = open(os.path.join(root, 'docs/FORMAT.md'), encoding='utf-8').read()
blocks = re.findall(r"```python\n(# float32 text, read and written exactly.*?)```", doc, re.S)
if len(blocks) != 1:
    sys.exit('FORMAT.md: expected one float32 block, found %d' % len(blocks))
ns = {}
exec(blocks[0], ns)
parse_f32, format_f32 = ns['parse_f32'], ns['format_f32']

libc = ctypes.CDLL(None)
libc.strtof.restype = ctypes.c_float
libc.strtof.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
bits = lambda v: struct.unpack('<I', struct.pack('<f', v))[0] if math.isfinite(v) else (v > 0, 'inf')

texts = []
def collect(v):  # every number's text in a parsed document
    if isinstance(v, dict): [collect(x) for x in v.values()]
    elif isinstance(v, list): [collect(x) for x in v]
    elif isinstance(v, Num): texts.append(str(v))
class Num(str): pass

files = sorted(glob.glob(os.path.join(root, 'Tests/Golden/*/*.expected')))
for path in files:
    for line in open(path, encoding='utf-8'):
        line = line.strip()
        if line.startswith('{'):
            collect(json.loads(line, parse_float=Num, parse_int=lambda t: None))

bad = []
for t in texts:
    v = parse_f32(t)
    if bits(v) != bits(libc.strtof(t.encode(), None)):
        bad.append('parse_f32(%r) = %r, strtof gives %r' % (t, v, libc.strtof(t.encode(), None)))
    elif format_f32(v) != t:
        bad.append('format_f32(parse_f32(%r)) = %r: Vamos wrote the shortest text, the doc writes another' % (t, format_f32(v)))

edges = ['3.4028235e+38', '-3.4028235e+38', '3.40282356e+38', '3.40282357e+38', '1e39', '1e999', '-1e999',
         '340282356779733661637539395458142568448', '340282356779733661637539395458142568447', '1e-50', '-1e-50',
         '1.4e-45', '7e-46', '7.0064923216240862e-46', '1.17549435e-38', '7.038531e-26', '0.1', '-0.0', '16777216', '1e16']
for t in edges:
    try:
        v = parse_f32(t)
    except Exception as e:
        bad.append('parse_f32(%r) raised %r' % (t, e)); continue
    if bits(v) != bits(libc.strtof(t.encode(), None)):
        bad.append('parse_f32(%r) = %r, strtof gives %r' % (t, v, libc.strtof(t.encode(), None)))
    elif math.isfinite(v) and parse_f32(format_f32(v)) != v:
        bad.append('format_f32(%r) = %r does not read back' % (v, format_f32(v)))

if bad:
    print('\n'.join(bad[:10]))
    sys.exit(1)
print('checked %d numbers of %d golden files and %d edge cases: parse_f32 = strtof, format_f32 = the text Vamos wrote'
      % (len(texts), len(files), len(edges)))
