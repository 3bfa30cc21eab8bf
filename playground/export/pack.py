"""Build a review pack: a zip of the original images, manifest.json/.csv, metrics.json and a
self-contained index.html (layout and decisions in docs/export.md).

Images are read one pair at a time and stored in the zip uncompressed (they are PNG/JPEG
already), so memory stays at about two originals whatever the selection. A file deleted from
the history folder does not stop the export: it is listed as missing and the summary says so.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import secrets as random_tokens
import stat
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from playground.analysis.reencode import LikeForLike
from playground.domain.errors import (
    ExportTargetError,
    ImageDataError,
    ImageMissingError,
    StorageError,
    UnsafePathError,
)
from playground.domain.imaging import make_preview
from playground.domain.labels import human_bytes, platform_label
from playground.domain.redaction import redact_text
from playground.export import comparison, html, manifest
from playground.export.selection import PackImage, PackPair, Selection, select
from playground.history.reviews import reviews_for
from playground.history.store import HistoryStore

PREVIEW_MAX_SIDE = 800  # px; an 800 px JPEG is ~60–200 kB, so a page of pairs stays light
TEXT_FILES = ("manifest.json", "manifest.csv", "metrics.json", "index.html")

#: progress(done, total, what is being done now) — called on the calling thread.
ProgressCallback = Callable[[int, int, str], None]


@dataclass(frozen=True)
class PackSummary:
    """What was written, for the CLI line and the page's success message."""

    path: Path | None  # None when written to a stream
    size_bytes: int | None  # None for a non-seekable stream
    files: tuple[str, ...]  # names inside the zip
    images: int  # manifest rows
    image_files: int  # image files in the zip (equal bytes in one generation share a file)
    generations: int
    pairs: int
    generations_without_image: int
    missing: tuple[str, ...] = ()  # one sentence per missing or changed image file
    warnings: tuple[str, ...] = field(default_factory=tuple)  # e.g. a pair without metrics

    @property
    def is_complete(self) -> bool:
        return not self.missing

    def text(self) -> str:
        where = f"Wrote {self.path}" if self.path else "Wrote the review pack"
        size = f" ({human_bytes(self.size_bytes)})" if self.size_bytes is not None else ""
        lines = [f"{where}{size}: {len(self.files)} files — {self.images} image(s) in "
                 f"{self.image_files} file(s), {self.pairs} pair(s), {self.generations} "
                 "generation(s); open index.html to review."]
        if self.generations_without_image:
            lines.append(f"{self.generations_without_image} generation(s) have no image; their "
                         "errors are listed in index.html and manifest.json.")
        lines += self.warnings
        lines += self.missing
        return "\n".join(lines)


def build_review_pack(store: HistoryStore, *, generation_ids: Sequence[int] | None = None,
                      image_ids: Sequence[int] | None = None, last: int | None = None,
                      out: Path | BinaryIO, like_for_like: bool = False,
                      progress: ProgressCallback | None = None,
                      secrets: Iterable[str] = (),
                      computed: Mapping[tuple[str, str], LikeForLike] | None = None,
                      overwrite: bool = True) -> PackSummary:
    """Write a review pack of one selection (exactly one of generation_ids, image_ids, last).

    `out` is a path or a binary stream. A path is written atomically (a temp file in the same
    folder, then a rename) and must be a regular file name in an existing folder
    (`check_target`; an existing file is replaced only with `overwrite`). `secrets` are
    values to scrub from every text file, e.g. `scrub.pack_secrets(settings)`; credential
    shapes are scrubbed regardless. Raises ExportSelectionError (a PlaygroundError with a hint)
    for a bad selection, before anything is written.
    """
    if isinstance(out, (str, os.PathLike)):
        check_target(Path(out), overwrite=overwrite)
    selection = select(store, generation_ids=generation_ids, image_ids=image_ids, last=last)
    writer = _PackWriter(store, selection, like_for_like=like_for_like, progress=progress,
                         secrets=list(secrets), computed=computed or {})
    if isinstance(out, (str, os.PathLike)):
        return _write_to_path(writer, Path(out), overwrite=overwrite)
    start = _tell(out)
    summary = writer.write(out)
    end = _tell(out)
    size = end - start if start is not None and end is not None else None
    return _with(summary, path=None, size_bytes=size)


def pack_bytes(store: HistoryStore, *, generation_ids: Sequence[int] | None = None,
               image_ids: Sequence[int] | None = None, last: int | None = None,
               like_for_like: bool = False, secrets: Iterable[str] = (),
               computed: Mapping[tuple[str, str], LikeForLike] | None = None) -> bytes:
    """The pack as bytes, e.g. for `st.download_button(data=lambda: pack_bytes(...))`."""
    buffer = io.BytesIO()
    build_review_pack(store, generation_ids=generation_ids, image_ids=image_ids, last=last,
                      out=buffer, like_for_like=like_for_like, secrets=secrets,
                      computed=computed)
    return buffer.getvalue()


def pack_filename(now: float | None = None) -> str:
    stamp = datetime.fromtimestamp(now or time.time()).strftime("%Y%m%d-%H%M%S")
    return f"banana-split-review-{stamp}.zip"


def _tell(stream: BinaryIO) -> int | None:
    try:
        return stream.tell()
    except (OSError, AttributeError, ValueError):
        return None


def _with(summary: PackSummary, **changes: Any) -> PackSummary:
    return replace(summary, **changes)


SYSTEM_FOLDERS = (Path("/proc"), Path("/sys"), Path("/dev"))


def check_target(path: Path, *, overwrite: bool) -> None:
    """Refuse, in one sentence, a pack path that is not a regular file name in an existing
    folder: a folder, a device node (/dev/full), a pipe, a system folder, a missing folder,
    or an existing file unless `overwrite`. Replacing a device by rename would destroy it."""
    if path.is_dir():
        raise ExportTargetError(f"{path} is a folder; give a file name such as "
                                f"{path / 'review-pack.zip'}.")
    if os.path.lexists(path):
        mode = path.stat().st_mode if path.exists() else 0
        if not stat.S_ISREG(mode):
            raise ExportTargetError(f"{path} exists and is not a regular file (a device, a pipe "
                                    "or a broken link), so no pack is written there.",
                                    hint="Give a new .zip file name.")
        if not overwrite:
            raise ExportTargetError(f"{path} already exists.",
                                    hint="Pass --force to replace it, or pick another name.")
    where = path.parent.resolve()
    if any(where == top or where.is_relative_to(top) for top in SYSTEM_FOLDERS):
        raise ExportTargetError(f"{path} is in {where}, a system folder, not a place for a "
                                "review pack.", hint="Pick --out in one of your folders.")
    if not where.is_dir():
        raise ExportTargetError(f"The folder {path.parent} does not exist.",
                                hint="Create it first, or pick --out in an existing folder.")
    if not os.access(where, os.W_OK):
        raise ExportTargetError(f"The folder {path.parent} is not writable.",
                                hint="Pick --out in a folder you may write in.")


def _write_to_path(writer: _PackWriter, path: Path, *, overwrite: bool) -> PackSummary:
    """Into a temp file in the same folder, then into place: a rename (`overwrite`), or a hard
    link that fails if the name was taken meanwhile; checked again right before."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            summary = writer.write(fh)
        check_target(path, overwrite=overwrite)
        if overwrite:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise ExportTargetError(f"{path} already exists.", hint="Pass --force to "
                                        "replace it, or pick another name.") from None
            except OSError:  # no hard links on this file system (FAT, some shares)
                os.replace(tmp, path)
            Path(tmp).unlink(missing_ok=True)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return _with(summary, path=path, size_bytes=path.stat().st_size)


class _PackWriter:
    """One export: reads each original once, writes it, previews it, measures its pair."""

    def __init__(self, store: HistoryStore, selection: Selection, *, like_for_like: bool,
                 progress: ProgressCallback | None, secrets: list[str],
                 computed: Mapping[tuple[str, str], LikeForLike]) -> None:
        self.store, self.selection, self.computed = store, selection, computed
        self.like_for_like, self.secrets = like_for_like, secrets
        self.progress = progress
        self.created_at = time.time()
        self.nonce = random_tokens.token_hex(8)
        self.status: dict[str, str] = {}  # pack path → "ok" | "missing" | "changed"
        self.previews: dict[int, str] = {}  # image_id → token
        self.preview_data: dict[str, str] = {}  # token → data URI
        self.preview_problems: dict[int, str] = {}
        self.taken: set[int] = set()  # image ids already read
        self.refused: set[int] = set()  # image ids whose path leads outside the data folder
        self.missing: list[str] = []
        self.warnings: list[str] = []
        self.done = 0
        self.total = len({i.pack_path for i in selection.images}) + len(selection.pairs) + 1

    def write(self, stream: BinaryIO) -> PackSummary:
        sel = self.selection
        self._tick("Starting")
        with zipfile.ZipFile(stream, "w", allowZip64=True) as zf:
            entries = [self._pair(zf, p) for p in sel.pairs]
            for item in sel.images:
                if item.image_id not in self.taken:
                    self._take(zf, item)
            self._inputs(zf)
            self._write_texts(zf, entries)
            names = tuple(zf.namelist())
        self._tick("Done")
        return PackSummary(
            path=None, size_bytes=None, files=names, images=len(sel.images),
            image_files=sum(1 for s in self.status.values() if s != "missing"),
            generations=len(sel.results), pairs=len(sel.pairs),
            generations_without_image=len(sel.failed_results), missing=tuple(self.missing),
            warnings=tuple(self.warnings))

    def _tick(self, what: str) -> None:
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total, what)

    def _pair(self, zf: zipfile.ZipFile, pair: PackPair) -> dict[str, Any]:
        data_a, data_b = self._take(zf, pair.a), self._take(zf, pair.b)
        self._tick(f"Comparing pair {pair.number}")
        key = (pair.a.facts.sha256, pair.b.facts.sha256)
        entry = comparison.pair_entry(pair, data_a, data_b, like_for_like=self.like_for_like,
                                      computed=self.computed.get(key))
        self.done += 1
        if entry["error"]:
            self.warnings.append(f"Pair {pair.number}: {entry['error']}")
        return entry

    def _take(self, zf: zipfile.ZipFile, item: PackImage) -> bytes | None:
        """Read the original, put it in the zip (once per file) and make its preview."""
        self.taken.add(item.image_id)
        data = self._read(item)
        path = item.pack_path
        if path not in self.status:
            self._tick(f"Adding image #{item.image_id}")
            self.status[path] = self._check(item, data)
            if data is not None:
                zf.writestr(self._info(path), data, compress_type=zipfile.ZIP_STORED)
            self.done += 1
        if data is None:
            self.preview_problems[item.image_id] = "file missing"
        else:
            self._preview(item, data)
        return data

    def _inputs(self, zf: zipfile.ZipFile) -> None:
        """The images the user sent with each generation, once per file (inputs/)."""
        written: set[str] = set()
        for result in self.selection.results:
            for img in result.request.inputs:
                path = manifest.input_pack_path(img)
                if path in written:
                    continue
                written.add(path)
                try:
                    data = self.store.input_bytes(img)
                except (OSError, ImageMissingError, StorageError, UnsafePathError):
                    self.missing.append(f"Input image {img.sha256[:16]} of generation "
                                        f"#{result.id} is missing from the history folder; "
                                        "the manifest lists it without the file.")
                    continue
                zf.writestr(self._info(path), data, compress_type=zipfile.ZIP_STORED)

    def _read(self, item: PackImage) -> bytes | None:
        try:
            return self.store.original(item.facts)
        except UnsafePathError:  # logged by the store; listed as missing
            self.refused.add(item.image_id)
            return None
        except (OSError, ImageMissingError, StorageError):  # deleted or unreadable: missing
            return None

    def _check(self, item: PackImage, data: bytes | None) -> str:
        who = (f"Image #{item.image_id} ({platform_label(item.result.backend)}, generation "
               f"#{item.generation_id}{', draft' if item.is_draft else ''})")
        if data is None and item.image_id in self.refused:
            self.missing.append(f"{who} is missing: its file's path leads outside the history "
                                "folder, so it was refused; the pack lists it without the file.")
            return "missing"
        if data is None:
            self.missing.append(f"{who} is missing: its file was deleted from the history "
                                "folder, so the pack lists it without the file.")
            return "missing"
        if hashlib.sha256(data).hexdigest() != item.facts.sha256:
            self.missing.append(f"{who} changed on disk: its bytes no longer match the recorded "
                                "SHA-256; the pack holds the file as found.")
            return "changed"
        return "ok"

    def _preview(self, item: PackImage, data: bytes) -> None:
        token = f"@@preview-{self.nonce}-{item.facts.sha256[:16]}@@"
        if token not in self.preview_data:
            try:
                jpeg = make_preview(data, PREVIEW_MAX_SIDE)
            except ImageDataError as exc:
                self.preview_problems[item.image_id] = str(exc)
                return
            self.preview_data[token] = ("data:image/jpeg;base64,"
                                        + base64.b64encode(jpeg).decode("ascii"))
        self.previews[item.image_id] = token

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=time.localtime(self.created_at)[:6])
        info.external_attr = 0o644 << 16
        return info

    def _write_texts(self, zf: zipfile.ZipFile, entries: list[dict[str, Any]]) -> None:
        self._tick("Writing manifest and index.html")
        sel = self.selection
        reviews = reviews_for(self.store, [i.image_id for i in sel.images])
        rows = [manifest.image_row(i, reviews.get(i.image_id, []),
                                   file_status=self.status[i.pack_path],
                                   pair=self._pair_ref(i.image_id)) for i in sel.images]
        doc = manifest.manifest_document(sel, rows, created_at=self.created_at,
                                         missing=self.missing)
        metrics_doc = {"format": manifest.MANIFEST_FORMAT + "-metrics",
                       "version": manifest.MANIFEST_VERSION,
                       "created_at": manifest.iso_time(self.created_at),
                       "like_for_like": self.like_for_like, "pairs": entries}
        page = html.PageInput(sel, {r["image_id"]: r for r in rows},
                              {e["pair_id"]: e for e in entries}, self.previews,
                              self.preview_problems, manifest.iso_time(self.created_at) or "",
                              self.missing)
        texts = {"manifest.json": manifest.to_json(doc), "manifest.csv": manifest.to_csv(rows),
                 "metrics.json": manifest.to_json(metrics_doc),
                 "index.html": self._fill_previews(redact_text(html.render_page(page),
                                                              self.secrets))}
        for name in TEXT_FILES:
            text = texts[name] if name == "index.html" else redact_text(texts[name], self.secrets)
            zf.writestr(self._info(name), text.encode("utf-8"),
                             compress_type=zipfile.ZIP_DEFLATED)
        self.done += 1

    def _fill_previews(self, page: str) -> str:
        """Put the data URIs in after the scrub (base64 must never be rewritten)."""
        for token, uri in self.preview_data.items():
            page = page.replace(token, uri)
        return page

    def _pair_ref(self, image_id: int) -> tuple[str, str] | None:
        hit = self.selection.pair_of(image_id)
        return (hit[0].pair_id, hit[1]) if hit else None
