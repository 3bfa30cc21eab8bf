"""Choosing what to review: images in history as labelled choices, and the default pair."""

from __future__ import annotations

from dataclasses import dataclass

from playground.domain.imaging import format_name
from playground.domain.labels import human_bytes, image_ref, platform_label
from playground.domain.types import GenerationResult, ImageFacts
from playground.history.store import HistoryStore


@dataclass(frozen=True)
class ImageChoice:
    image_id: int
    result: GenerationResult
    facts: ImageFacts

    @property
    def ref(self) -> str:
        """GENERATION.POSITION: the image's one name on every page, in URLs and in packs."""
        return image_ref(self.result.id, self.facts)

    @property
    def label(self) -> str:
        r, f = self.result, self.facts
        draft = " · draft" if f.is_draft else ""
        prompt = r.request.prompt if len(r.request.prompt) <= 40 else r.request.prompt[:39] + "…"
        return (f"#{self.ref} · {platform_label(r.backend)} · {format_name(f.sniffed_mime)} "
                f"{human_bytes(f.size_bytes)} · {f.width}×{f.height}{draft} · “{prompt}”")


def image_choices(store: HistoryStore, limit: int = 300) -> list[ImageChoice]:
    """Every stored image (finals and drafts) of the newest generations."""
    out = []
    for result in store.list(limit=limit):
        for img in result.images:
            if img.id is not None:
                out.append(ImageChoice(img.id, result, img))
    return out


def default_pair(store: HistoryStore) -> tuple[int, int] | None:
    """The latest Both run (AI Studio as A, Vertex as B), else the two newest final images."""
    group: list[GenerationResult] = sorted(store.latest_group(), key=lambda r: r.backend)
    finals = [r.image for r in group if r.image is not None]
    if len(finals) == 2 and all(f.id for f in finals):
        return finals[0].id or 0, finals[1].id or 0
    recent = [r.image for r in store.list(status="ok", limit=2) if r.image is not None]
    if len(recent) == 2:
        return recent[1].id or 0, recent[0].id or 0
    return None


def default_image(store: HistoryStore) -> int | None:
    """The newest final image (the Compression Lab's default)."""
    for result in store.list(status="ok", limit=1):
        if result.image is not None:
            return result.image.id
    return None


def resolve(choices: list[ImageChoice], value: str | None) -> tuple[ImageChoice | None, bool]:
    """The choice a URL parameter names: a ref ("64.2"), or a legacy image id from links made
    before refs (the bool says so, for a notice)."""
    if not value:
        return None, False
    for c in choices:
        if c.ref == value.lstrip("#"):
            return c, False
    if value.isdigit():
        for c in choices:
            if c.image_id == int(value):
                return c, True
    return None, False
