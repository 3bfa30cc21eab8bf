"""Stored images by identity: the original bytes, cached previews and thumbnails.

Mixed into HistoryStore; everything goes through `self.files` (content-addressed by SHA-256 and
the sniffed format), so no caller above history/ ever holds a path.
"""

from __future__ import annotations

from playground.domain.imaging import PREVIEW_MAX_SIDE
from playground.domain.types import GenerationResult, ImageFacts
from playground.history.files import ImageFiles


class StoredImages:
    files: ImageFiles

    def original(self, img: ImageFacts) -> bytes:
        """The original bytes, exactly as the platform returned them.

        Raises ImageMissingError (with what to do) when the file is gone from the data folder,
        cannot be read, or its path leads outside it (UnsafePathError)."""
        return self.files.read(img.sha256, img.sniffed_mime)

    def has_original(self, img: ImageFacts) -> bool:
        return self.files.exists(img.sha256, img.sniffed_mime)

    def preview(self, img: ImageFacts, max_side: int = PREVIEW_MAX_SIDE) -> bytes:
        """A cached display-size JPEG (≤ max_side px) made from the original."""
        return self.files.preview(img.sha256, img.sniffed_mime, max_side)

    def reduced_preview(self, img: ImageFacts, max_side: int) -> bytes:
        """A smaller JPEG made from the cached display preview (cheap: no 4K decode)."""
        return self.files.preview_of_preview(img.sha256, self.preview(img), max_side)

    def thumbnail(self, img: ImageFacts) -> bytes:
        """A cached small JPEG of a stored image (History grid); never the original."""
        return self.files.thumbnail(img.sha256, img.sniffed_mime)

    def locations(self, result: GenerationResult) -> dict[str, str]:
        """sha256 → where each of the result's files lives, for people (CLI output), not reads."""
        return {img.sha256: str(self.files.path_for(img.sha256, img.sniffed_mime))
                for img in result.images}
