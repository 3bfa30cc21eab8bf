"""Image bytes for one request: synthesise, mark as emulated, encode, cache.

Encoding follows docs/wire-notes.md "Formats and metadata" per platform (the caller picks MIME and quality). PNGs are written here
rather than by Pillow: an "Up" filter in numpy plus run-length deflate (level 1, Z_RLE — the
grain's row pairs make every other filtered row a zero run) is much faster than Pillow's adaptive
filter on a 17-megapixel frame; the deflate is split across two threads where the cores are real,
and the metadata chunks sit where Google's do. The cache is an LRU bounded by bytes and keyed
by everything that changes the bytes; concurrent requests for the same cold image share one render.
"""

from __future__ import annotations

import hashlib
import io
import struct
import threading
import zlib
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
from PIL import Image

from playground.emulator import metadata
from playground.emulator.edit import EditSource, render_edit
from playground.emulator.scene import render_scene, stamp_mark

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JUMBF_BYTES = metadata.OBSERVED_JUMBF_BYTES
_DEFLATE_WORKERS = 2


@dataclass(frozen=True)
class ImageJob:
    """Everything that decides the bytes of one image."""

    model: str
    scene_seed: int
    width: int
    height: int
    mime: str
    quality: int | None = None
    metadata: str = "c2pa"  # "none" | "c2pa"
    png_cabx: bool = False
    png_level: int = 1
    jumbf_bytes: int = _JUMBF_BYTES
    variant: int = 0  # 0 = final image; k > 0 = draft k (a thought image)
    edit: EditSource | None = None  # derive the image from this source (edit.py)

    @property
    def key(self) -> ImageJob:
        """What the cache keeps: the job without the source's bytes (equal to the job)."""
        return replace(self, edit=self.edit.without_data()) if self.edit else self

    @property
    def mark(self) -> str:
        draft = f" · draft {self.variant}" if self.variant else ""
        return f"EMULATED · {self.model}{draft}"


def scene_seed_for(model: str, prompt: str, seed: int | None, inputs: tuple[str, ...] = ()) -> int:
    """The scene depends on model, prompt, seed and input images — never on the platform."""
    text = "\x1f".join((model, prompt.strip(), str(seed), *inputs))
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def warm_up() -> None:
    """Pay the one-off costs (grain tile, font, Pillow's codecs) before the first request, so the
    first requests' injected delays are not eaten by them."""
    for mime in ("image/png", "image/jpeg", "image/webp"):
        render_image(ImageJob("warm-up", 0, 64, 64, mime, 75 if mime != "image/png" else None))


def render_image(job: ImageJob) -> bytes:
    if job.edit is not None:
        img = render_edit(job.width, job.height, job.edit, variant=job.variant)
    else:
        img = render_scene(job.width, job.height, job.scene_seed, variant=job.variant)
    stamp_mark(img, job.mark)
    if job.mime == "image/png":
        chunks = metadata.png_metadata_chunks(job.model, with_cabx=job.png_cabx,
                                              jumbf_bytes=job.jumbf_bytes) \
            if job.metadata == "c2pa" else []
        return encode_png(img, level=job.png_level, chunks=chunks)
    if job.mime == "image/jpeg":
        return encode_jpeg(img, job.quality or 75, model=job.model,
                           with_c2pa=job.metadata == "c2pa", jumbf_bytes=job.jumbf_bytes)
    out = io.BytesIO()
    Image.fromarray(img).save(out, "WEBP", quality=job.quality or 75, method=0)
    return out.getvalue()


def encode_jpeg(img: np.ndarray, quality: int, *, model: str, with_c2pa: bool,
                jumbf_bytes: int = metadata.OBSERVED_JUMBF_BYTES) -> bytes:
    out = io.BytesIO()
    options = {"dpi": (300, 300)} if with_c2pa else {}
    Image.fromarray(img).save(out, "JPEG", quality=quality, **options)
    data = out.getvalue()
    if with_c2pa:
        segment = metadata.app11_segment(metadata.jumbf_stub(model, jumbf_bytes))
        data = metadata.insert_after_app0(data, segment)
    return data


def encode_png(img: np.ndarray, *, level: int = 1, chunks: list[bytes] | None = None) -> bytes:
    """8-bit RGB PNG, every row "Up"-filtered (the first has no row above: filter 0)."""
    height, width, _ = img.shape
    rows = img.reshape(height, width * 3)
    filtered = np.empty((height, width * 3 + 1), dtype=np.uint8)
    filtered[:, 0] = 2
    filtered[0, 0] = 0
    filtered[0, 1:] = rows[0]
    np.subtract(rows[1:], rows[:-1], out=filtered[1:, 1:])
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"".join((
        PNG_MAGIC, metadata.png_chunk(b"IHDR", ihdr), *(chunks or []),
        metadata.png_chunk(b"IDAT", _zlib_stream(filtered.data.cast("B"), level)),
        metadata.png_chunk(b"IEND", b""),
    ))


@lru_cache(maxsize=1)
def _deflate_pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(_DEFLATE_WORKERS, thread_name_prefix="emulator-deflate")


def _zlib_stream(data: memoryview, level: int) -> bytes:
    """A zlib stream made of independently deflated slices (pigz-style), one per worker.

    Each non-final slice ends with a sync flush (byte-aligned, not BFINAL), so the raw deflate
    pieces concatenate into one valid stream; Adler-32 is over the whole input.
    """
    strategy = zlib.Z_RLE if level <= 1 else zlib.Z_DEFAULT_STRATEGY
    count = _DEFLATE_WORKERS if len(data) > 4_000_000 else 1
    step = -(-len(data) // count)

    def deflate(index: int) -> bytes:
        compressor = zlib.compressobj(level, zlib.DEFLATED, -15, 8, strategy)
        flush = zlib.Z_FINISH if index == count - 1 else zlib.Z_SYNC_FLUSH
        piece = data[index * step:(index + 1) * step]
        return compressor.compress(piece) + compressor.flush(flush)

    pieces = [deflate(0)] if count == 1 else list(_deflate_pool().map(deflate, range(count)))
    header = bytes((0x78, 0x01))
    return header + b"".join(pieces) + struct.pack(">I", zlib.adler32(data))


class RenderCache:
    """LRU of encoded images bounded by total bytes; thread-safe; one render per cold key."""

    def __init__(self, budget_bytes: int) -> None:
        self.budget_bytes = budget_bytes
        self._entries: OrderedDict[ImageJob, bytes] = OrderedDict()
        self._inflight: dict[ImageJob, Future[bytes]] = {}
        self._lock = threading.Lock()
        self.size_bytes = 0
        self.hits = 0
        self.misses = 0

    def get(self, job: ImageJob) -> bytes:
        with self._lock:
            data = self._entries.get(job)
            if data is not None:
                self._entries.move_to_end(job)
                self.hits += 1
                return data
            future = self._inflight.get(job)
            is_owner = future is None
            if future is None:
                future = self._inflight[job.key] = Future()
                self.misses += 1
        if not is_owner:
            return future.result()
        try:
            data = render_image(job)
        except BaseException as exc:
            future.set_exception(exc)
            raise
        finally:
            with self._lock:
                self._inflight.pop(job, None)
        self._store(job.key, data)
        future.set_result(data)
        return data

    def _store(self, job: ImageJob, data: bytes) -> None:
        if len(data) > self.budget_bytes:
            return
        with self._lock:
            if job in self._entries:
                return
            self._entries[job] = data
            self.size_bytes += len(data)
            while self.size_bytes > self.budget_bytes:
                _, old = self._entries.popitem(last=False)
                self.size_bytes -= len(old)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.size_bytes = 0

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {"entries": len(self._entries), "bytes": self.size_bytes,
                    "budget_bytes": self.budget_bytes, "hits": self.hits, "misses": self.misses}
