"""manifest.json and manifest.csv: one row per image, plus (JSON only) every generation.

Column names are snake_case with units (`size_bytes`, `ttfb_s`). Request parameters are read
from the ImageRequest dataclass, so a new parameter appears in the manifest without a change
here. CSV cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) get
a leading apostrophe (OWASP's advice); manifest.json keeps every text exactly.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any

from playground.domain.imaging import format_name
from playground.domain.turns import InputImage
from playground.domain.types import GenerationResult, ImageFacts, ImageRequest
from playground.export.selection import PackImage, Selection
from playground.history.files import extension_for
from playground.history.reviews import Review

MANIFEST_FORMAT = "banana-split-review-pack"
MANIFEST_VERSION = 1
REQUEST_PARAMS = tuple(f.name for f in fields(ImageRequest)
                       if f.name not in ("prompt", "model", "inputs", "history", "stored_turn"))
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def iso_time(epoch_s: float | None) -> str | None:
    if not epoch_s:
        return None
    return datetime.fromtimestamp(epoch_s, tz=UTC).isoformat(timespec="seconds")


def input_pack_path(img: InputImage) -> str:
    """Where an input image sits in the pack: once per file, named by its content."""
    return f"inputs/{img.sha256[:16]}{extension_for(img.mime)}"


def image_row(item: PackImage, reviews: Sequence[Review], *, file_status: str,
              pair: tuple[str, str] | None) -> dict[str, Any]:
    """Every fact of one image and its generation, flat, in reading order."""
    r, f = item.result, item.facts
    usage = r.usage
    row: dict[str, Any] = {
        "image_id": item.image_id, "generation_id": item.generation_id, "group_id": r.group_id,
        "pair_id": pair[0] if pair else None, "pair_side": pair[1] if pair else None,
        "created_at": iso_time(r.created_at), "status": r.status, "http_status": r.http_status,
        "backend": r.backend, "model": r.model, "prompt": r.request.prompt,
    }
    row |= {f"request_{name}": getattr(r.request, name) for name in REQUEST_PARAMS}
    row |= {"turn_index": r.request.turn_index,
            "inputs": [i.to_dict() | {"file": input_pack_path(i)} for i in r.request.inputs]}
    row |= {
        "is_draft": f.is_draft, "declared_mime": f.declared_mime, "sniffed_mime": f.sniffed_mime,
        "declared_format": format_name(f.declared_mime), "real_format": format_name(f.sniffed_mime),
        "is_mislabelled": f.is_mislabelled, "size_bytes": f.size_bytes,
        "width": f.width, "height": f.height,
        "requested_width": f.requested_width, "requested_height": f.requested_height,
        "bytes_per_pixel": None if f.bytes_per_pixel is None else round(f.bytes_per_pixel, 6),
        "metadata_bytes": f.metadata_bytes,
        "metadata_labels": sorted({s.label for s in f.segments}),
        "ttfb_s": r.timing.ttfb_s, "total_s": r.timing.total_s, "attempts": len(r.attempts),
        "finish_reason": r.finish_reason, "finish_message": r.finish_message,
        "model_version": r.model_version,
        "prompt_tokens": usage.prompt_tokens if usage else None,
        "candidates_tokens": usage.candidates_tokens if usage else None,
        "thoughts_tokens": usage.thoughts_tokens if usage else None,
        "image_output_tokens": usage.image_output_tokens if usage else None,
        "total_tokens": usage.total_tokens if usage else None,
        "cost_usd": r.cost_usd, "sha256": f.sha256,
        "path": item.pack_path if file_status != "missing" else None,
        "file_status": file_status,
        "review_count": len(reviews), "rating_mean": rating_mean(reviews),
        "reviews": [review_json(v) for v in reviews],
    }
    return row


def rating_mean(reviews: Sequence[Review]) -> float | None:
    ratings = [v.rating for v in reviews if v.rating is not None]
    return round(sum(ratings) / len(ratings), 2) if ratings else None


def review_json(review: Review) -> dict[str, Any]:
    return {"reviewer": review.reviewer, "rating": review.rating, "tags": list(review.tags),
            "comment": review.comment, "updated_at": iso_time(review.updated_at)}


def review_text(review: dict[str, Any]) -> str:
    """'Ana: 4/5 [text rendering, colour] “the sign is misspelt”' — one review, readable."""
    who = review["reviewer"] or "anonymous"
    parts = [f"{who}:"]
    if review["rating"] is not None:
        parts.append(f"{review['rating']}/5")
    if review["tags"]:
        parts.append("[" + ", ".join(review["tags"]) + "]")
    if review["comment"]:
        parts.append(f"“{review['comment']}”")
    return " ".join(parts)


def generation_entry(result: GenerationResult, image_ids: Sequence[int]) -> dict[str, Any]:
    """A generation, with or without images: its outcome in words and the redacted wire body.

    The request URL is left out (it names the Cloud project and adds nothing to a review), and
    so is the raw error body (the message and hint say it in words)."""
    err = result.error
    return {
        "generation_id": result.id, "group_id": result.group_id,
        "created_at": iso_time(result.created_at), "backend": result.backend,
        "model": result.model, "status": result.status, "http_status": result.http_status,
        "prompt": result.request.prompt, "request": result.request.to_dict(),
        "finish_reason": result.finish_reason, "finish_message": result.finish_message,
        "block_reason": result.block_reason, "block_message": result.block_message,
        "model_version": result.model_version, "explanation": result.explanation,
        "error": None if err is None else {
            "kind": err.kind, "message": err.message, "hint": err.hint,
            "http_status": err.http_status, "status": err.status, "reason": err.reason},
        "notes": list(result.notes), "texts": list(result.texts),
        "image_ids": list(image_ids), "request_json": result.request_json,
    }


def manifest_document(selection: Selection, rows: list[dict[str, Any]], *,
                      created_at: float, missing: Sequence[str]) -> dict[str, Any]:
    by_generation: dict[int, list[int]] = {r.id or 0: [] for r in selection.results}
    for item in selection.images:
        by_generation[item.generation_id].append(item.image_id)
    return {
        "format": MANIFEST_FORMAT, "version": MANIFEST_VERSION,
        "created_at": iso_time(created_at),
        "selection": {"kind": selection.kind, "requested": list(selection.requested)},
        "counts": {"images": len(rows), "generations": len(selection.results),
                   "pairs": len(selection.pairs),
                   "generations_without_image": len(selection.failed_results),
                   "missing_files": len(missing)},
        "pairs": [{"pair_id": p.pair_id, "kind": p.kind, "group_id": p.group_id,
                   "a_image_id": p.a.image_id, "b_image_id": p.b.image_id}
                  for p in selection.pairs],
        "missing": list(missing),
        "images": rows,
        "generations": [generation_entry(r, by_generation[r.id or 0]) for r in selection.results],
    }


def to_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def csv_columns() -> list[str]:
    """The header, also when no image was selected (a pack of failed generations only)."""
    blank = GenerationResult(backend="aistudio", request=ImageRequest(prompt=""), status="ok",
                             model="")
    item = PackImage(blank, ImageFacts(0, "", "", "", None, None), "")
    return list(image_row(item, [], file_status="ok", pair=None))


def to_csv(rows: list[dict[str, Any]]) -> str:
    """The same rows, flattened: lists joined with "; ", reviews in words, formulas defused."""
    out = io.StringIO()
    columns = list(rows[0]) if rows else csv_columns()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_cell(k, v) for k, v in row.items()})
    return out.getvalue()


def csv_cell(column: str, value: Any) -> Any:
    if value is None:
        return ""
    if column == "reviews":
        value = " | ".join(review_text(v) for v in value)
    elif column == "inputs":
        value = "; ".join(f"{i['name'] or 'image'} ({i['mime']}, {i['size_bytes']} bytes, sha256 "
                          f"{i['sha256']})" for i in value)
    elif isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    elif isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
