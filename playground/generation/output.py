"""Results as JSON lines and as a readable table (the `generate --json` schema, README).

`paths` maps an image's SHA-256 to where the user can find the file: the history's copy
(`HistoryStore.locations`) or, after `--out`, the exported copy.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from playground.domain.labels import platform_label, stats_rows
from playground.domain.turns import InputImage
from playground.domain.types import GenerationResult, ImageFacts


def image_json(img: ImageFacts, path: str | None = None) -> dict[str, Any]:
    return {
        "path": path, "bytes": img.size_bytes, "sha256": img.sha256,
        "width": img.width, "height": img.height, "declared_mime": img.declared_mime,
        "sniffed_mime": img.sniffed_mime, "draft": img.is_draft,
        "requested_width": img.requested_width, "requested_height": img.requested_height,
        "metadata_bytes": img.metadata_bytes,
        "segments": [asdict(s) for s in img.segments],
    }


def input_json(img: InputImage) -> dict[str, Any]:
    return {"sha256": img.sha256, "bytes": img.size_bytes, "mime": img.mime,
            "width": img.width, "height": img.height, "name": img.name, "source": img.source,
            "source_ref": img.source_ref, "note": img.note}


def result_json(result: GenerationResult, paths: dict[str, str] | None = None) -> dict[str, Any]:
    """One line of `generate --json`."""
    paths = paths or {}
    err = result.error
    return {
        "backend": result.backend,
        "model": result.model,
        "ok": result.ok,
        "status": result.status,
        "http_status": result.http_status,
        "attempts": len(result.attempts),
        "timing": {"ttfb_s": _round(result.timing.ttfb_s), "total_s": _round(result.timing.total_s)},
        "request_bytes": result.request_bytes,
        "response_bytes": result.response_bytes,
        "images": [image_json(i, paths.get(i.sha256)) for i in result.images],
        "finish_reason": result.finish_reason,
        "finish_message": result.finish_message,
        "block_reason": result.block_reason,
        "block_message": result.block_message,
        "usage": asdict(result.usage) if result.usage else None,
        "cost_usd": result.cost_usd,
        "notes": list(result.notes),
        "error": None if err is None else {
            "http_status": err.http_status, "status": err.status, "message": err.message,
            "hint": err.hint, "reason": err.reason, "kind": err.kind,
        },
        "explanation": result.explanation,
        "history_id": result.id,
        "group_id": result.group_id,
        "variant": result.variant,
        "parent_id": result.parent_id,
        "turn_index": result.request.turn_index,
        "signatures": result.request.signatures if result.request.history else None,
        "inputs": [input_json(i) for i in result.request.inputs],
        "derived_from": result.request.derived_from,
        "model_version": result.model_version,
        "response_id": result.response_id,
        "attempt_log": [asdict(a) for a in result.attempts],
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _text_rows(result: GenerationResult, paths: dict[str, str]) -> list[tuple[str, str]]:
    rows = stats_rows(result)
    if result.image is not None:
        rows.append(("File", paths.get(result.image.sha256) or "—"))
    if result.error:
        rows += [("Error", result.error.message), ("Hint", result.error.hint)]
    if result.explanation:
        rows.append(("Why", result.explanation))
    rows += [("Note", n) for n in result.notes]
    return rows


def format_table(results: list[GenerationResult], paths: dict[str, str] | None = None) -> str:
    blocks = []
    for r in results:
        lines = [f"== {platform_label(r.backend)} · {r.model}"]
        lines += [f"  {k:<14} {v}" for k, v in _text_rows(r, paths or {})]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
