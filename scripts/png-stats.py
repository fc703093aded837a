#!/usr/bin/env python3
"""Decodes a PNG with the standard library only (zlib) and checks it is not blank.

Usage: png-stats.py FILE [--min-colors N] [--min-ink FRACTION] [--min-blue FRACTION]
Prints: size, distinct colors, the fraction of non-white pixels ("ink") and of heatmap-blue pixels;
exits 1 when any is below its minimum. 8-bit RGB, RGBA, grayscale and gray+alpha, non-interlaced.
"""
import struct, sys, zlib

def decode(path):
    data = open(path, 'rb').read()
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise ValueError(f'{path}: not a PNG file')
    pos, idat, header = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR': header = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT': idat.append(body)
        elif kind == b'IEND': break
        pos += 12 + n
    width, height, depth, ctype, _, _, interlace = header
    if depth != 8 or interlace != 0 or ctype not in (0, 2, 4, 6):
        raise ValueError(f'{path}: unsupported PNG (bit depth {depth}, color type {ctype}, interlace {interlace})')
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
    raw = zlib.decompress(b''.join(idat))
    stride = width * bpp
    rows, prev, off = [], bytearray(stride), 0
    for _ in range(height):
        f, line = raw[off], bytearray(raw[off + 1:off + 1 + stride])
        off += 1 + stride
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    def pixels():
        for line in rows:
            for x in range(width):
                px = line[x * bpp:(x + 1) * bpp]
                if ctype in (0, 4): yield (px[0], px[0], px[0])
                else: yield (px[0], px[1], px[2])
    return width, height, pixels()

def main(argv):
    path, opts = argv[1], dict(zip(argv[2::2], argv[3::2]))
    width, height, pixels = decode(path)
    colors, ink, blue, total = set(), 0, 0, 0
    for r, g, b in pixels:
        total += 1
        colors.add((r, g, b))
        if (r, g, b) != (255, 255, 255): ink += 1
        if b > r + 60 and b > 90: blue += 1
    ok = (len(colors) >= int(opts.get('--min-colors', 16)) and ink / total >= float(opts.get('--min-ink', 0.01))
          and blue / total >= float(opts.get('--min-blue', 0)))
    print(f'{path}: {width}x{height}, {len(colors)} distinct colors, {100 * ink / total:.1f}% non-white, {100 * blue / total:.2f}% heatmap blue')
    return 0 if ok else 1

if __name__ == '__main__':
    sys.exit(main(sys.argv))
