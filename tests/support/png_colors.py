#!/usr/bin/env python3
"""Counts the pixels of a PNG near given colours, for the browser tests' screenshots.

    png_colors.py FILE.png TOLERANCE [#rrggbb ...]

Prints `total N` (width times height), `background #rrggbb` (the colour of the top-left
pixel), `background_pixels N` (pixels within TOLERANCE of it), then one `#rrggbb N` line per
colour asked for: the pixels whose red, green and blue each differ from it by at most
TOLERANCE (0-255). Alpha is ignored. Exit code 2 for a file it cannot read.

Python 3's standard library only (zlib, struct). Reads 8-bit greyscale, grey+alpha, RGB and
RGBA, and 8-bit palette images, non-interlaced, with all five filter types: what Chromium's
--screenshot writes (8-bit RGBA, non-interlaced) and a little more.
"""
import struct
import sys
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # colour type: samples per pixel


class PngError(Exception):
    pass


def read_chunks(data):
    if data[:8] != SIGNATURE:
        raise PngError("not a PNG (bad signature)")
    pos = 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if len(body) != length:
            raise PngError("truncated chunk " + kind.decode("latin-1"))
        yield kind, body
        pos += 12 + length
        if kind == b"IEND":
            return
    raise PngError("no IEND chunk")


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def unfilter(raw, width, height, bpp):
    """The image's rows with their filters undone, as one bytearray per row."""
    stride = width * bpp
    rows = []
    previous = bytearray(stride)
    pos = 0
    for _ in range(height):
        if pos + 1 + stride > len(raw):
            raise PngError("image data shorter than its size")
        kind = raw[pos]
        row = bytearray(raw[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        if kind == 0:
            pass
        elif kind == 1:  # Sub
            for i in range(bpp, stride):
                row[i] = (row[i] + row[i - bpp]) & 0xFF
        elif kind == 2:  # Up
            for i in range(stride):
                row[i] = (row[i] + previous[i]) & 0xFF
        elif kind == 3:  # Average
            for i in range(stride):
                left = row[i - bpp] if i >= bpp else 0
                row[i] = (row[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:  # Paeth
            for i in range(stride):
                left = row[i - bpp] if i >= bpp else 0
                up_left = previous[i - bpp] if i >= bpp else 0
                row[i] = (row[i] + paeth(left, previous[i], up_left)) & 0xFF
        else:
            raise PngError("unknown filter type %d" % kind)
        rows.append(row)
        previous = row
    return rows


def decode(path):
    """(width, height, rows of (r, g, b) tuples)."""
    with open(path, "rb") as f:
        data = f.read()
    header = None
    palette = None
    idat = []
    for kind, body in read_chunks(data):
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            palette = [tuple(body[i:i + 3]) for i in range(0, len(body) - 2, 3)]
        elif kind == b"IDAT":
            idat.append(body)
    if header is None:
        raise PngError("no IHDR chunk")
    width, height, depth, colour, _compression, _filter, interlace = header
    if depth != 8:
        raise PngError("bit depth %d (only 8 is read)" % depth)
    if colour not in CHANNELS:
        raise PngError("colour type %d" % colour)
    if interlace != 0:
        raise PngError("interlaced (not read)")
    if colour == 3 and palette is None:
        raise PngError("palette image without PLTE")
    bpp = CHANNELS[colour]
    rows = unfilter(zlib.decompress(b"".join(idat)), width, height, bpp)
    pixels = []
    for row in rows:
        if colour == 6:
            pixels.append([tuple(row[i:i + 3]) for i in range(0, len(row), 4)])
        elif colour == 2:
            pixels.append([tuple(row[i:i + 3]) for i in range(0, len(row), 3)])
        elif colour == 3:
            pixels.append([palette[v] if v < len(palette) else (0, 0, 0) for v in row])
        else:  # grey, grey+alpha
            pixels.append([(v, v, v) for v in row[::bpp]])
    return width, height, pixels


def parse_colour(text):
    text = text.lstrip("#")
    if len(text) != 6:
        raise ValueError("colour '%s' is not #rrggbb" % text)
    return tuple(int(text[i:i + 2], 16) for i in (0, 2, 4))


def main(argv):
    if len(argv) < 3:
        sys.stderr.write("usage: png_colors.py FILE.png TOLERANCE [#rrggbb ...]\n")
        return 2
    path, tolerance = argv[1], int(argv[2])
    try:
        wanted = [parse_colour(c) for c in argv[3:]]
        width, height, pixels = decode(path)
    except (OSError, PngError, ValueError, zlib.error) as e:
        sys.stderr.write("png_colors.py: %s: %s\n" % (path, e))
        return 2
    # Count each distinct colour once, then match the few distinct ones against the targets.
    histogram = {}
    for row in pixels:
        for p in row:
            histogram[p] = histogram.get(p, 0) + 1

    def near(count_for):
        return sum(n for p, n in histogram.items()
                   if all(abs(p[i] - count_for[i]) <= tolerance for i in range(3)))

    background = pixels[0][0] if width and height else (255, 255, 255)
    print("total %d" % (width * height))
    print("background #%02x%02x%02x" % background)
    print("background_pixels %d" % near(background))
    for colour in wanted:
        print("#%02x%02x%02x %d" % (colour + (near(colour),)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
