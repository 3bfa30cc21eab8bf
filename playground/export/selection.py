"""What goes into a review pack: the chosen generations or images, their file names, the pairs.

Selection rules (docs/export.md):
- by generation ids: every image of each generation (finals and drafts); generations without an
  image are listed too, so their errors travel with the pack;
- by image ids: exactly those images (the Compare page's two, which may be drafts);
- the last N generations, newest first (as the History page shows them).
Pairs: exactly two image ids given → that pair, A then B, as given; otherwise the final images of
one "Both" run (same group_id), AI Studio as A and Vertex as B, as the Compare page's default.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from playground.domain.catalog import PLATFORMS
from playground.domain.errors import ExportSelectionError
from playground.domain.types import GenerationResult, ImageFacts
from playground.history.files import extension_for
from playground.history.store import HistoryStore

IMAGES_FOLDER = "images"
_HEX = re.compile(r"[0-9a-f]{10}")


@dataclass(frozen=True)
class PackImage:
    """One image row of the pack: the generation, the stored facts and its name in the zip."""

    result: GenerationResult
    facts: ImageFacts
    pack_path: str  # inside the zip; several rows share one file when their bytes are equal

    @property
    def image_id(self) -> int:
        return self.facts.id or 0

    @property
    def generation_id(self) -> int:
        return self.result.id or 0

    @property
    def is_draft(self) -> bool:
        return self.facts.is_draft


@dataclass(frozen=True)
class PackPair:
    number: int  # 1-based, "pair-1"
    kind: str  # "both-run" (same group_id) or "selected" (two image ids given)
    a: PackImage
    b: PackImage

    @property
    def pair_id(self) -> str:
        return f"pair-{self.number}"

    @property
    def group_id(self) -> str | None:
        groups = {self.a.result.group_id, self.b.result.group_id}
        return self.a.result.group_id if len(groups) == 1 else None


@dataclass(frozen=True)
class Selection:
    kind: str  # "generations" | "images" | "last"
    requested: tuple[int, ...]  # the ids asked for, or (N,) for "last"
    results: tuple[GenerationResult, ...]  # every generation touched, in selection order
    images: tuple[PackImage, ...]
    pairs: tuple[PackPair, ...] = field(default_factory=tuple)

    @property
    def failed_results(self) -> tuple[GenerationResult, ...]:
        """Generations in the pack that have no image at all (blocked, no_image, error)."""
        return tuple(r for r in self.results if not r.images)

    def pair_of(self, image_id: int) -> tuple[PackPair, str] | None:
        for pair in self.pairs:
            if pair.a.image_id == image_id:
                return pair, "A"
            if pair.b.image_id == image_id:
                return pair, "B"
        return None


def select(store: HistoryStore, *, generation_ids: Sequence[int] | None = None,
           image_ids: Sequence[int] | None = None, last: int | None = None) -> Selection:
    """Resolve one way of choosing into images, file names and pairs; ExportSelectionError if
    the choice is empty, ambiguous or names ids that history does not hold."""
    chosen = [name for name, value in (("generation ids", generation_ids),
                                       ("image ids", image_ids), ("last", last))
              if value is not None]
    if len(chosen) != 1:
        raise ExportSelectionError(
            "Choose what to export in exactly one way" + (f" (got {' and '.join(chosen)})."
                                                          if chosen else "."),
            hint="Pass generation ids (--ids 1,2), image ids (--images 7,8) or --last N.")
    if generation_ids is not None:
        return _by_generations(store, _unique(generation_ids, "generation"))
    if image_ids is not None:
        return _by_images(store, _unique(image_ids, "image"))
    assert last is not None
    return _by_last(store, last)


def _unique(ids: Sequence[int], what: str) -> list[int]:
    out = list(dict.fromkeys(int(i) for i in ids))
    if not out:
        raise ExportSelectionError(
            f"No {what} ids were given, so there is nothing to export.",
            hint="List at least one id, e.g. --ids 12 or --images 7,8 (see the History page).")
    return out


def _unknown(what: str, missing: list[int], store: HistoryStore) -> ExportSelectionError:
    ids = ", ".join(str(i) for i in missing)
    plural = "s" if len(missing) > 1 else ""
    return ExportSelectionError(
        f"History has no {what}{plural} with id{plural} {ids} (history folder: {store.data_dir}).",
        hint=f"Check the {what} ids on the History page, or export the newest runs with --last N.")


def _by_generations(store: HistoryStore, ids: list[int]) -> Selection:
    results = {i: store.get(i) for i in ids}
    missing = [i for i, r in results.items() if r is None]
    if missing:
        raise _unknown("generation", missing, store)
    ordered = [r for r in results.values() if r is not None]
    return _assemble("generations", tuple(ids), ordered, _all_images(ordered), explicit=False)


def _by_images(store: HistoryStore, ids: list[int]) -> Selection:
    found = {i: store.find_image(i) for i in ids}
    missing = [i for i, hit in found.items() if hit is None]
    if missing:
        raise _unknown("image", missing, store)
    chosen = [hit for hit in found.values() if hit is not None]
    results: dict[int, GenerationResult] = {}
    for result, _ in chosen:
        results.setdefault(result.id or 0, result)
    rows = [(results[r.id or 0], f) for r, f in chosen]
    return _assemble("images", tuple(ids), list(results.values()), rows,
                     explicit=len(rows) == 2)


def _by_last(store: HistoryStore, last: int) -> Selection:
    if last <= 0:
        raise ExportSelectionError(
            f"--last must be a positive number of generations (got {last}).",
            hint="Use --last 2 for the newest Both run, or --last 10 for the ten newest.")
    results = store.list(limit=last)
    if not results:
        raise ExportSelectionError(
            f"History is empty (folder {store.data_dir}), so there is nothing to export.",
            hint="Generate some images first, e.g. `python -m playground generate --demo "
                 "--prompt 'a red fox'`, or point PLAYGROUND_DATA_DIR at your history.")
    return _assemble("last", (last,), results, _all_images(results), explicit=False)


def _all_images(results: list[GenerationResult]) -> list[tuple[GenerationResult, ImageFacts]]:
    return [(r, f) for r in results for f in r.images]


def _assemble(kind: str, requested: tuple[int, ...], results: list[GenerationResult],
              rows: list[tuple[GenerationResult, ImageFacts]], *, explicit: bool) -> Selection:
    images = tuple(PackImage(r, f, path) for (r, f), path in zip(rows, pack_paths(rows),
                                                                  strict=True))
    if explicit:
        pairs: tuple[PackPair, ...] = (PackPair(1, "selected", images[0], images[1]),)
    else:
        pairs = group_pairs(images)
    return Selection(kind, requested, tuple(results), images, pairs)


def pack_paths(rows: list[tuple[GenerationResult, ImageFacts]]) -> list[str]:
    """`images/<gen-id>-<backend>[-draft]-<sha10>.<ext>` per row. Equal bytes in one generation
    share a file (a final is often identical to the last draft); "-draft" only when no final of
    that generation uses the bytes."""
    finals = {(r.id, f.sha256) for r, f in rows if not f.is_draft}
    paths = []
    for r, f in rows:
        draft = "" if (r.id, f.sha256) in finals else "-draft"
        ext = extension_for(f.sniffed_mime)
        paths.append(f"{IMAGES_FOLDER}/{int(r.id or 0)}-{_safe_backend(r.backend)}{draft}-"
                     f"{_safe_hash(f.sha256)}.{ext}")
    return paths


def _safe_backend(name: str) -> str:
    """A row's backend as a file-name part: a known platform, else "unknown" (a tampered row
    must not put "../" or "/" into a name inside the zip)."""
    return name if name in PLATFORMS else "unknown"


def _safe_hash(sha256: str) -> str:
    short = str(sha256)[:10]
    return short if _HEX.fullmatch(short) else "not-a-hash"


def group_pairs(images: tuple[PackImage, ...]) -> tuple[PackPair, ...]:
    """The final images of each Both run, A = AI Studio, B = Vertex, in order of appearance."""
    groups: dict[str, list[PackImage]] = {}
    for item in images:
        final = item.result.image
        gid = item.result.group_id
        if gid and final is not None and final.id == item.facts.id:
            groups.setdefault(gid, []).append(item)
    pairs: list[PackPair] = []
    for members in groups.values():
        if len(members) < 2:
            continue
        a, b = sorted(members, key=_platform_order)[:2]
        pairs.append(PackPair(len(pairs) + 1, "both-run", a, b))
    return tuple(pairs)


def _platform_order(item: PackImage) -> tuple[int, int]:
    backend = item.result.backend
    rank = PLATFORMS.index(backend) if backend in PLATFORMS else len(PLATFORMS)
    return rank, item.generation_id
