"""Content-addressed image files: images/ab/abcdef….ext under the data folder.

The same bytes are stored once, whatever backend or run produced them. A file's name is derived
from its SHA-256 and its sniffed format, never taken from a database row, so a row cannot point
outside the folder. Writes are atomic (temp file + rename), so a crash never leaves half an
image behind.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from pathlib import Path

from playground.domain.errors import ImageMissingError
from playground.domain.imaging import THUMB_MAX_SIDE, make_preview

EXTENSIONS = {
    "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif",
    "image/heif": "heif", "image/avif": "avif",
}
_SHA256 = re.compile(r"[0-9a-f]{64}")


def extension_for(mime: str) -> str:
    return EXTENSIONS.get(mime, "bin")


def _checked(sha256: str) -> str:
    if not _SHA256.fullmatch(sha256):
        raise ImageMissingError(f"{sha256[:80]!r} is not an image's SHA-256.",
                                hint="The history row is damaged; pick another image.")
    return sha256


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class ImageFiles:
    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "images").mkdir(parents=True, exist_ok=True)
        (root / "previews").mkdir(parents=True, exist_ok=True)

    def relative_path(self, sha256: str, mime: str) -> str:
        sha = _checked(sha256)
        return f"images/{sha[:2]}/{sha}.{extension_for(mime)}"

    def path_for(self, sha256: str, mime: str) -> Path:
        return self.root / self.relative_path(sha256, mime)

    def put(self, data: bytes, sha256: str, mime: str) -> str:
        """Store bytes under their hash; return the path relative to the data folder."""
        rel = self.relative_path(sha256, mime)
        target = self.root / rel
        if target.exists() and target.stat().st_size == len(data):
            return rel
        _write_atomically(target, data)
        return rel

    def exists(self, sha256: str, mime: str) -> bool:
        return self.path_for(sha256, mime).is_file()

    def read(self, sha256: str, mime: str) -> bytes:
        """The original bytes; ImageMissingError if the file was deleted."""
        try:
            return self.path_for(sha256, mime).read_bytes()
        except FileNotFoundError:
            raise ImageMissingError(
                f"The original file of image {sha256[:12]}… is missing from the history folder.",
                hint="It was deleted on disk; pick another image or re-run the generation.",
            ) from None

    def remove(self, sha256: str, mime: str) -> None:
        self.path_for(sha256, mime).unlink(missing_ok=True)
        for cached in (self.root / "previews").glob(f"{_checked(sha256)}-*.jpg"):
            cached.unlink(missing_ok=True)

    def _cached(self, sha256: str, max_side: int) -> Path:
        return self.root / "previews" / f"{_checked(sha256)}-{max_side}.jpg"

    def _keep(self, cached: Path, data: bytes) -> bytes:
        tmp = cached.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, cached)
        return data

    def preview(self, sha256: str, mime: str, max_side: int) -> bytes:
        """A JPEG of at most max_side px, cached on disk and shared by every session."""
        cached = self._cached(sha256, max_side)
        if cached.is_file():
            return cached.read_bytes()
        return self._keep(cached, make_preview(self.read(sha256, mime), max_side=max_side))

    def preview_of_preview(self, sha256: str, from_side: int, max_side: int) -> bytes:
        """A smaller JPEG made from an already cached preview (cheap: no 4K decode)."""
        cached = self._cached(sha256, max_side)
        if cached.is_file():
            return cached.read_bytes()
        small = make_preview(self._cached(sha256, from_side).read_bytes(), max_side=max_side,
                             quality=92)
        return self._keep(cached, small)

    def thumbnail(self, sha256: str, mime: str) -> bytes:
        """A small cached JPEG for grids; never the 4K original."""
        return self.preview(sha256, mime, THUMB_MAX_SIDE)
