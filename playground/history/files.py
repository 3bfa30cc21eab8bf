"""Content-addressed image files: images/ab/abcdef….ext under the data folder.

The same bytes are stored once, whatever backend or run produced them. A file's name is derived
from its SHA-256 and its sniffed format, never taken from a database row, so a row cannot point
outside the folder; and every path is resolved and checked to lie inside the data folder before
it is read, written or deleted, so a symlink cannot lead out either (refused with
UnsafePathError and logged). Writes are atomic (temp file + rename), so a crash never leaves
half an image behind.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
import threading
from pathlib import Path

from playground.domain.errors import ImageMissingError, UnsafePathError
from playground.domain.imaging import THUMB_MAX_SIDE, make_preview

log = logging.getLogger("playground.history")

SIGNATURE_MIME = "text/x-thought-signature"
EXTENSIONS = {
    "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif",
    "image/heif": "heif", "image/avif": "avif",
    SIGNATURE_MIME: "sig",  # a thoughtSignature's base64 text, stored like an image
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
        self.real_root = root.resolve()
        (root / "images").mkdir(parents=True, exist_ok=True)
        (root / "previews").mkdir(parents=True, exist_ok=True)

    def relative_path(self, sha256: str, mime: str) -> str:
        sha = _checked(sha256)
        return f"images/{sha[:2]}/{sha}.{extension_for(mime)}"

    def path_for(self, sha256: str, mime: str) -> Path:
        """Where the file lives, for people; reads and writes go through `inside`."""
        return self.root / self.relative_path(sha256, mime)

    def inside(self, path: Path) -> Path:
        """`path` resolved, if it lies inside the data folder; else UnsafePathError (logged)."""
        try:
            resolved = path.resolve()
        except (OSError, RuntimeError):  # a symlink loop
            resolved = None
        if resolved is None or not resolved.is_relative_to(self.real_root):
            log.warning("refused %s: it resolves to %s, outside the history folder %s",
                        path, resolved, self.real_root)
            raise UnsafePathError(
                f"Refused to use {path}: it leads outside the history folder "
                f"{self.real_root} (to {resolved}).",
                hint="A symlink or a tampered history row points elsewhere; the image is "
                     "treated as missing. Check the history folder.")
        return resolved

    def _file(self, sha256: str, mime: str) -> Path:
        return self.inside(self.path_for(sha256, mime))

    def put(self, data: bytes, sha256: str, mime: str) -> str:
        """Store bytes under their hash; return the path relative to the data folder.

        OSError (disk full, read-only, …) propagates: the store turns it into words."""
        rel = self.relative_path(sha256, mime)
        target = self.inside(self.root / rel)
        if target.is_file() and target.stat().st_size == len(data):
            return rel
        _write_atomically(target, data)
        return rel

    def exists(self, sha256: str, mime: str) -> bool:
        try:
            return self._file(sha256, mime).is_file()
        except ImageMissingError:
            return False

    def read(self, sha256: str, mime: str) -> bytes:
        """The original bytes; ImageMissingError if the file was deleted or cannot be read."""
        path = self._file(sha256, mime)
        try:
            if path.exists() and not path.is_file():  # a pipe would block, a folder fails
                raise FileNotFoundError(path)
            return path.read_bytes()
        except FileNotFoundError:
            raise ImageMissingError(
                f"The original file of image {sha256[:12]}… is missing from the history folder.",
                hint="It was deleted on disk; pick another image or re-run the generation.",
            ) from None
        except OSError as exc:
            raise ImageMissingError(
                f"The original file of image {sha256[:12]}… cannot be read: "
                f"{exc.strerror or exc}.",
                hint=f"Check {path} and the disk holding the history folder.") from None

    def remove(self, sha256: str, mime: str) -> None:
        """Delete the file and its cached previews; a damaged or unsafe name deletes nothing."""
        try:
            self._file(sha256, mime).unlink(missing_ok=True)
            previews = self.inside(self.root / "previews")
            for cached in previews.glob(f"{_checked(sha256)}-*.jpg"):
                self.inside(cached).unlink(missing_ok=True)
        except (ImageMissingError, OSError) as exc:  # the row is gone either way
            log.warning("kept the files of image %r: %s", sha256[:80], exc)

    def _cached(self, sha256: str, max_side: int) -> Path:
        return self.inside(self.root / "previews" / f"{_checked(sha256)}-{max_side}.jpg")

    def _keep(self, cached: Path, data: bytes) -> bytes:
        """Cache a preview; a cache that cannot be written (disk full, read-only) is skipped."""
        tmp = cached.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, cached)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            log.warning("preview %s not cached: %s", cached.name, exc.strerror or exc)
        return data

    def preview(self, sha256: str, mime: str, max_side: int) -> bytes:
        """A JPEG of at most max_side px, cached on disk and shared by every session."""
        cached = self._cached(sha256, max_side)
        if cached.is_file():
            with contextlib.suppress(OSError):  # unreadable cache: made again below
                return cached.read_bytes()
        return self._keep(cached, make_preview(self.read(sha256, mime), max_side=max_side))

    def preview_of_preview(self, sha256: str, source: bytes, max_side: int) -> bytes:
        """A smaller JPEG made from a display preview's bytes (cheap: no 4K decode)."""
        cached = self._cached(sha256, max_side)
        if cached.is_file():
            with contextlib.suppress(OSError):
                return cached.read_bytes()
        return self._keep(cached, make_preview(source, max_side=max_side, quality=92))

    def thumbnail(self, sha256: str, mime: str) -> bytes:
        """A small cached JPEG for grids; never the 4K original."""
        return self.preview(sha256, mime, THUMB_MAX_SIDE)
