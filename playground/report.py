"""Results as JSON lines and as a readable table (the `generate --json` schema, README)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from playground.capabilities import platform_label
from playground.imaging import format_name
from playground.models import GenerationResult, ImageFacts


def image_json(img: ImageFacts, path: str | None = None) -> dict[str, Any]:
    return {
        "path": path or img.path, "bytes": img.size_bytes, "sha256": img.sha256,
        "width": img.width, "height": img.height, "declared_mime": img.declared_mime,
        "sniffed_mime": img.sniffed_mime, "draft": img.is_draft,
        "requested_width": img.requested_width, "requested_height": img.requested_height,
        "metadata_bytes": img.metadata_bytes,
        "segments": [asdict(s) for s in img.segments],
    }


def result_json(result: GenerationResult, paths: dict[str, str] | None = None) -> dict[str, Any]:
    """One line of `generate --json`. `paths` maps sha256 → exported file path (--out)."""
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
        "model_version": result.model_version,
        "response_id": result.response_id,
        "attempt_log": [asdict(a) for a in result.attempts],
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def human_bytes(n: int | None) -> str:
    """Decimal units (1 MB = 1,000,000 bytes), as the article being checked uses."""
    if n is None:
        return "—"
    for unit, size in (("GB", 1_000_000_000), ("MB", 1_000_000), ("kB", 1_000)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} bytes"


def _seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} s"


def stats_rows(result: GenerationResult) -> list[tuple[str, str]]:
    """The stats card, as (label, value) rows: shared by the web app and the CLI table."""
    img = result.image
    rows = [("Status", result.status + (f" (HTTP {result.http_status})" if result.http_status else ""))]
    if img is not None:
        declared, real = format_name(img.declared_mime), format_name(img.sniffed_mime)
        bpp = img.bytes_per_pixel
        rows += [
            ("Format (real)", real if real == declared else f"{real} — declared {declared} ⚠"),
            ("File size", f"{human_bytes(img.size_bytes)} ({img.size_bytes:,} B)"),
            ("Pixels", f"{img.width}×{img.height}" + (
                f" ⚠ requested {img.requested_width}×{img.requested_height}"
                if img.size_mismatch else "")),
            ("Bytes / pixel", "—" if bpp is None else f"{bpp:.3f}"),
            ("Metadata", human_bytes(img.metadata_bytes) + (
                " (" + ", ".join(sorted({s.label for s in img.segments})) + ")" if img.segments else "")),
        ]
    rows += [
        ("TTFB", _seconds(result.timing.ttfb_s)),
        ("Total latency", _seconds(result.timing.total_s)),
        ("Attempts", str(len(result.attempts))),
        ("Finish reason", result.finish_reason or "—"),
    ]
    if result.usage:
        u = result.usage
        rows.append(("Tokens", f"{u.prompt_tokens} in · {u.candidates_tokens} out "
                               f"({u.image_output_tokens} image) · {u.thoughts_tokens} thinking"))
    rows.append(("Est. cost", "—" if result.cost_usd is None else f"${result.cost_usd:.4f}"))
    return rows


def _text_rows(result: GenerationResult) -> list[tuple[str, str]]:
    rows = stats_rows(result)
    if result.image is not None:
        rows.append(("File", result.image.path or "—"))
    if result.error:
        rows += [("Error", result.error.message), ("Hint", result.error.hint)]
    if result.explanation:
        rows.append(("Why", result.explanation))
    rows += [("Note", n) for n in result.notes]
    return rows


def format_table(results: list[GenerationResult]) -> str:
    blocks = []
    for r in results:
        lines = [f"== {platform_label(r.backend)} · {r.model}"]
        lines += [f"  {k:<14} {v}" for k, v in _text_rows(r)]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
