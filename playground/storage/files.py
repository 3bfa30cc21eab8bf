"""Content-addressed image files: images/ab/abcdef….ext under the data folder.

The same bytes are stored once, whatever backend or run produced them; writes are atomic
(temp file + rename), so a crash never leaves half an image behind.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

from playground.imaging import THUMB_MAX_SIDE, make_preview

EXTENSIONS = {
    "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif",
    "image/heif": "heif", "image/avif": "avif",
}


def extension_for(mime: str) -> str:
    return EXTENSIONS.get(mime, "bin")


class ImageFiles:
    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "images").mkdir(parents=True, exist_ok=True)
        (root / "previews").mkdir(parents=True, exist_ok=True)

    def relative_path(self, sha256: str, mime: str) -> str:
        return f"images/{sha256[:2]}/{sha256}.{extension_for(mime)}"

    def put(self, data: bytes, sha256: str, mime: str) -> str:
        """Store bytes under their hash; return the path relative to the data folder."""
        rel = self.relative_path(sha256, mime)
        target = self.root / rel
        if target.exists() and target.stat().st_size == len(data):
            return rel
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return rel

    def path(self, rel: str) -> Path:
        return self.root / rel

    def read(self, rel: str) -> bytes:
        """The original bytes. Raises FileNotFoundError with the path if it was deleted."""
        return (self.root / rel).read_bytes()

    def remove(self, rel: str, sha256: str) -> None:
        (self.root / rel).unlink(missing_ok=True)
        for cached in (self.root / "previews").glob(f"{sha256}-*.jpg"):
            cached.unlink(missing_ok=True)

    def preview(self, rel: str, sha256: str, max_side: int) -> bytes:
        """A JPEG of at most max_side px, cached on disk and shared by every session."""
        cached = self.root / "previews" / f"{sha256}-{max_side}.jpg"
        if cached.is_file():
            return cached.read_bytes()
        small = make_preview(self.read(rel), max_side=max_side)
        tmp = cached.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_bytes(small)
        os.replace(tmp, cached)
        return small

    def preview_of_preview(self, sha256: str, from_side: int, max_side: int) -> bytes:
        """A smaller JPEG made from an already cached preview (cheap: no 4K decode)."""
        cached = self.root / "previews" / f"{sha256}-{max_side}.jpg"
        if cached.is_file():
            return cached.read_bytes()
        small = make_preview((self.root / "previews" / f"{sha256}-{from_side}.jpg").read_bytes(),
                             max_side=max_side, quality=92)
        tmp = cached.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_bytes(small)
        os.replace(tmp, cached)
        return small

    def thumbnail(self, rel: str, sha256: str) -> bytes:
        """A small cached JPEG for grids; never the 4K original (issue 4 §3)."""
        return self.preview(rel, sha256, THUMB_MAX_SIDE)
