"""Shared pieces of the 2D-model adapters: the pred2d/ writer, PNG id maps, COCO RLE, frame matching.

The target format (ARCHITECTURE.md, design section 3), one pair of files per frame NNNNNN of the video:
    pred2d/masks/NNNNNN.png        uint16 instance id per pixel, 0 = none, the size of intrinsics.json
    pred2d/instances/NNNNNN.json   [{"id": 1, "label": "office chair", "score": 0.83}, ...]
Only numpy is needed. PNG and RLE coding are implemented here so that no image library is required.
"""

import json
import os
import re
import struct
import sys
import tempfile
import zlib

import numpy as np


class AdapterError(Exception):
    """A bad input file: the message names the file and says what was expected."""


# MARK: - Video folder facts


def video_size(video):
    """(width, height) from VIDEO/intrinsics.json."""
    path = os.path.join(video, "intrinsics.json")
    try:
        with open(path) as f:
            k = json.load(f)
        return int(k["width"]), int(k["height"])
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise AdapterError(f"{path}: cannot read the image size (width, height): {e}")


def video_frames(video):
    """{file stem: frame index} of VIDEO/color (stems are six digits, numbered from 0)."""
    folder = os.path.join(video, "color")
    try:
        names = sorted(os.listdir(folder))
    except OSError as e:
        raise AdapterError(f"{folder}: cannot list the color frames: {e}")
    frames = {}
    for name in names:
        stem, ext = os.path.splitext(name)
        if ext.lower() in (".jpg", ".jpeg", ".png") and stem.isdigit():
            frames[stem] = int(stem)
    return frames


class FrameMatcher:
    """Maps an image file name (any folder, any extension) to a frame index of the video.

    A name whose stem is a stem of VIDEO/color (000012.jpg, color/000012.png) is that frame; otherwise the last
    run of digits in the stem is the frame number (frame-12.jpg, img_000012.color.jpg).
    """

    def __init__(self, video):
        self.frames = video_frames(video)
        self.count = len(self.frames)
        self.video = video

    def frame(self, file_name, source):
        base = os.path.basename(str(file_name).replace("\\", "/"))
        stem = base.split(".")[0] if base else ""
        if stem in self.frames:
            return self.frames[stem]
        digits = re.findall(r"\d+", os.path.splitext(base)[0])
        if not digits:
            raise AdapterError(f"{source}: cannot tell which frame '{file_name}' is: expected a name with the "
                               f"frame number, like 000012.jpg (the video has {self.count} frames)")
        index = int(digits[-1])
        if self.count and index >= self.count:
            raise AdapterError(f"{source}: '{file_name}' is frame {index}, but {self.video}/color has only "
                               f"{self.count} frames (0..{self.count - 1})")
        return index


# MARK: - Writing pred2d


def atomic_write(path, data):
    """Writes bytes to a temporary file in the same folder and renames it into place."""
    folder = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def write_frame(out, frame, mask, instances):
    """Writes one frame: mask uint16 [h, w] and instances [{"id", "label", "score"}] with ids that are in 1...65535."""
    for name in ("masks", "instances"):
        os.makedirs(os.path.join(out, name), exist_ok=True)
    stem = f"{frame:06d}"
    atomic_write(os.path.join(out, "masks", stem + ".png"), png_encode(mask.astype(np.uint16)))
    rows = [{"id": int(i["id"]), "label": str(i["label"]), "score": float(i["score"])} for i in instances]
    atomic_write(os.path.join(out, "instances", stem + ".json"), (json.dumps(rows, indent=1) + "\n").encode())


def warn_stale(out, written, tool):
    """Warns about frames in `out` that this run did not write (left over from an earlier conversion)."""
    try:
        stems = {os.path.splitext(n)[0] for n in os.listdir(os.path.join(out, "masks")) if n.endswith(".png")}
    except OSError:
        return
    stale = sorted(stems - {f"{f:06d}" for f in written})
    if stale:
        print(f"{tool}: warning: {len(stale)} frames in {out} (e.g. {stale[0]}) were not in this input and are left "
              "as they were; convert into an empty folder to avoid mixing runs", file=sys.stderr)


def check_size(array_hw, size_wh, source):
    h, w = array_hw
    if (w, h) != tuple(size_wh):
        raise AdapterError(f"{source}: mask is {w}x{h} (width x height), but intrinsics.json says "
                           f"{size_wh[0]}x{size_wh[1]}; the 2D model must run on the video's color frames as they are")


# MARK: - PNG


def png_encode(image):
    """8-bit or 16-bit greyscale PNG bytes of a [h, w] uint8/uint16 array (filter 0, big-endian samples)."""
    image = np.ascontiguousarray(image)
    if image.ndim != 2 or image.dtype not in (np.uint8, np.uint16):
        raise ValueError(f"png_encode wants a [h, w] uint8 or uint16 array, got {image.dtype} {image.shape}")
    h, w = image.shape
    depth = 8 if image.dtype == np.uint8 else 16
    samples = image.astype(">u2") if depth == 16 else image
    rows = np.zeros((h, 1 + samples.nbytes // max(h, 1)), dtype=np.uint8)
    rows[:, 1:] = np.frombuffer(samples.tobytes(), dtype=np.uint8).reshape(h, -1)

    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", w, h, depth, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows.tobytes(), 6))
            + chunk(b"IEND", b""))


def png_read_ids(path):
    """A PNG id map as an int64 [h, w] array.

    Greyscale 8/16-bit: the sample is the id. Palette: the palette index is the id. 8-bit RGB(A): id = R + 256 G +
    65536 B (the COCO panoptic convention). Greyscale+alpha ignores alpha.
    """
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise AdapterError(f"{path}: cannot read: {e}")
    if _pillow_enabled() and data[:8] == b"\x89PNG\r\n\x1a\n":
        return _pillow_read_ids(path)
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise AdapterError(f"{path}: not a PNG file")
    pos, idat, header = 8, [], None
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        payload = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", payload)
        elif kind == b"IDAT":
            idat.append(payload)
        elif kind == b"IEND":
            break
        pos += 12 + length
    if header is None:
        raise AdapterError(f"{path}: PNG without IHDR")
    w, h, depth, colour, _, _, interlace = header
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(colour)
    if channels is None or interlace != 0 or depth not in (8, 16) or (colour == 3 and depth != 8):
        raise AdapterError(f"{path}: unsupported PNG (colour type {colour}, bit depth {depth}, interlace {interlace}); "
                           "expected a non-interlaced 8/16-bit greyscale, palette or RGB id map")
    try:
        raw = zlib.decompress(b"".join(idat))
    except zlib.error as e:
        raise AdapterError(f"{path}: corrupt image data: {e}")
    bpp = channels * depth // 8
    stride = w * bpp
    if len(raw) < h * (stride + 1):
        raise AdapterError(f"{path}: image data is {len(raw)} bytes, expected {h * (stride + 1)}")
    pixels = _unfilter(np.frombuffer(raw, dtype=np.uint8)[:h * (stride + 1)].reshape(h, stride + 1), bpp, path)
    samples = pixels.view(">u2").astype(np.int64) if depth == 16 else pixels.astype(np.int64)
    samples = samples.reshape(h, w, channels)
    if colour in (0, 3, 4):
        return samples[:, :, 0]
    return samples[:, :, 0] + 256 * samples[:, :, 1] + 65536 * samples[:, :, 2]


def _pillow_enabled():
    """Pillow decodes in C (our numpy decoder needs a Python byte loop for Average/Paeth rows, which OpenCV and
    Pillow write by default). OVSEG3R_ADAPTERS_NO_PILLOW=1 forces the numpy decoder (the tests use it)."""
    if os.environ.get("OVSEG3R_ADAPTERS_NO_PILLOW") == "1":
        return False
    try:
        import PIL.Image  # noqa: F401
    except ImportError:
        return False
    return True


def _pillow_read_ids(path):
    """The same id convention as png_read_ids, decoded by Pillow."""
    from PIL import Image
    try:
        with Image.open(path) as image:
            image.load()
            mode = image.mode
            if mode in ("RGB", "RGBA"):
                rgb = np.asarray(image.convert("RGB"), dtype=np.int64)
                return rgb[:, :, 0] + 256 * rgb[:, :, 1] + 65536 * rgb[:, :, 2]
            if mode == "LA":
                return np.asarray(image, dtype=np.int64)[:, :, 0]
            if mode in ("L", "P", "I", "I;16", "I;16B"):
                return np.asarray(image).astype(np.int64)
    except (OSError, ValueError) as e:
        raise AdapterError(f"{path}: cannot decode PNG: {e}")
    raise AdapterError(f"{path}: unsupported PNG mode {mode}; expected an 8/16-bit greyscale, palette or RGB id map")


def _unfilter(rows, bpp, path):
    """Undoes the per-row PNG filters (None, Sub, Up, Average, Paeth) of a [h, 1 + stride] byte array."""
    h, stride = rows.shape[0], rows.shape[1] - 1
    out = np.zeros((h, stride), dtype=np.uint8)
    prior = np.zeros(stride, dtype=np.int64)
    for y in range(h):
        kind, line = rows[y, 0], rows[y, 1:].astype(np.int64)
        if kind == 0:
            cur = line
        elif kind == 1:
            cur = line.copy()
            for j in range(bpp):
                cur[j::bpp] = np.cumsum(line[j::bpp]) % 256
        elif kind == 2:
            cur = (line + prior) % 256
        elif kind in (3, 4):
            cur = _unfilter_sequential(line.tolist(), prior.tolist(), bpp, kind)
        else:
            raise AdapterError(f"{path}: row {y} has unknown PNG filter type {kind}")
        out[y] = cur
        prior = np.asarray(cur, dtype=np.int64)
    return out


def _unfilter_sequential(line, prior, bpp, kind):
    """Average (3) and Paeth (4) depend on the byte to the left, so they are undone byte by byte (a tight loop:
    this is the slow path, about 1 s for a 640x480 16-bit Paeth-filtered image)."""
    n = len(line)
    cur = bytearray(n)
    for i in range(min(bpp, n)):  # no left neighbour: Average adds b // 2, Paeth adds b
        cur[i] = (line[i] + (prior[i] // 2 if kind == 3 else prior[i])) & 255
    if kind == 3:
        for i in range(bpp, n):
            cur[i] = (line[i] + ((cur[i - bpp] + prior[i]) >> 1)) & 255
    else:
        for i in range(bpp, n):
            a, b, c = cur[i - bpp], prior[i], prior[i - bpp]
            pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
            cur[i] = (line[i] + (a if pa <= pb and pa <= pc else (b if pb <= pc else c))) & 255
    return np.frombuffer(bytes(cur), dtype=np.uint8).astype(np.int64)


# MARK: - COCO run-length encoding


def rle_decode(segmentation, source):
    """A COCO RLE {"size": [h, w], "counts": str | [int]} as a bool [h, w] mask.

    Counts alternate runs of 0 and 1 starting with 0, over the pixels in column-major (Fortran) order. The
    compressed string form stores each count (from the third on, as a difference to the count two back) in
    6-bit groups offset by 48: 5 value bits, low group first, and bit 0x20 meaning "more groups follow".
    """
    try:
        h, w = (int(v) for v in segmentation["size"])
        counts = segmentation["counts"]
    except (KeyError, TypeError, ValueError):
        raise AdapterError(f"{source}: segmentation is not RLE {{'size': [h, w], 'counts': ...}}; polygon "
                           "segmentations are not supported, export masks as RLE")
    if isinstance(counts, (bytes, str)):
        counts = rle_counts_from_string(counts.decode() if isinstance(counts, bytes) else counts, source)
    counts = np.asarray(counts, dtype=np.int64)
    if counts.size and (counts < 0).any():
        raise AdapterError(f"{source}: RLE has a negative run length")
    if int(counts.sum()) != h * w:
        raise AdapterError(f"{source}: RLE runs cover {int(counts.sum())} pixels, but size {h}x{w} has {h * w}")
    flat = np.repeat((np.arange(counts.size) % 2).astype(bool), counts)
    return flat.reshape(w, h).T


def rle_counts_from_string(text, source):
    counts, pos = [], 0
    while pos < len(text):
        value, shift, more = 0, 0, True
        while more:
            if pos >= len(text):
                raise AdapterError(f"{source}: RLE string ends inside a count")
            group = ord(text[pos]) - 48
            if not 0 <= group < 64:
                raise AdapterError(f"{source}: RLE string has a character {text[pos]!r} outside '0'..'o'")
            value |= (group & 0x1F) << shift
            more = bool(group & 0x20)
            pos += 1
            shift += 5
            if not more and group & 0x10:
                value -= 1 << shift
        if len(counts) > 2:
            value += counts[-2]
        counts.append(value)
    return counts


def rle_encode(mask, compressed=True):
    """The COCO RLE of a bool [h, w] mask (inverse of rle_decode)."""
    h, w = mask.shape
    flat = np.asarray(mask, dtype=bool).T.reshape(-1)
    changes = np.flatnonzero(flat[1:] != flat[:-1]) + 1
    edges = np.concatenate([[0], changes, [flat.size]])
    counts = np.diff(edges).tolist()
    if flat.size and flat[0]:
        counts = [0] + counts
    if not compressed:
        return {"size": [h, w], "counts": [int(c) for c in counts]}
    out = []
    for i, count in enumerate(counts):
        value = count - counts[i - 2] if i > 2 else count
        more = True
        while more:
            group = value & 0x1F
            value >>= 5
            more = not ((value == 0 and not group & 0x10) or (value == -1 and group & 0x10))
            out.append(chr((group | (0x20 if more else 0)) + 48))
    return {"size": [h, w], "counts": "".join(out)}


# MARK: - Painting instances into one id map


def paint(masks, size_wh):
    """One uint16 id map from (id, score, bool mask) triples: where masks overlap the higher score wins, as with
    the usual non-overlapping panoptic merge of instance predictions."""
    w, h = size_wh
    ids = np.zeros((h, w), dtype=np.uint16)
    for ident, _, mask in sorted(masks, key=lambda m: m[1]):
        ids[mask] = ident
    return ids
