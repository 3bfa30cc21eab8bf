"""How facts are worded for people: platform names, byte counts, the stats card's rows.

Shared by the web app, the CLI table, review packs and benchmark reports, so every surface says
the same thing the same way.
"""

from __future__ import annotations

from playground.domain.imaging import format_name
from playground.domain.types import GenerationResult, ImageFacts, Usage

PLATFORM_LABELS: dict[str, str] = {"aistudio": "AI Studio", "vertex": "Vertex AI"}


def platform_label(platform: str) -> str:
    return PLATFORM_LABELS.get(platform, platform)


def human_bytes(n: int | None) -> str:
    """Decimal units (1 MB = 1,000,000 bytes), as the article being checked uses."""
    if n is None:
        return "—"
    for unit, size in (("GB", 1_000_000_000), ("MB", 1_000_000), ("kB", 1_000)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} bytes"


def image_ref(generation_id: int | None, img: ImageFacts) -> str:
    """The one name of an image everywhere (pages, URLs, packs, CLI): GENERATION.POSITION,
    1-based, e.g. "64.2" for the second image (often the final after a draft) of #64."""
    return f"{generation_id}.{(img.position or 0) + 1}"


def seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} s"


def stats_rows(result: GenerationResult) -> list[tuple[str, str]]:
    """The stats card, as (label, value) rows: shared by the web app and the CLI table."""
    img = result.image
    rows = [("Status", result.status + (f" (HTTP {result.http_status})" if result.http_status else ""))]
    answered = (result.model_version or "").removeprefix("models/").split("@")[0]
    if answered and answered != result.model:
        rows.append(("Model", f"{result.model} asked · {answered} answered ⚠"))
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
        ("TTFB", seconds(result.timing.ttfb_s)),
        ("Total latency", seconds(result.timing.total_s)),
        ("Attempts", str(len(result.attempts))),
        ("Finish reason", result.finish_reason or "—"),
    ]
    req = result.request
    if req.history or req.parent_id:
        rows.append(("Turn", f"{req.turn_index + 1} (continues #{req.parent_id})"
                             if req.parent_id else str(req.turn_index + 1)))
    if req.inputs:
        rows.append(("Input images", f"{len(req.inputs)} · "
                                     f"{human_bytes(sum(i.size_bytes for i in req.inputs))}"))
    if result.usage:
        u = result.usage
        images_in = (f" ({count(u.prompt_image_tokens)} for images)"
                     if u.prompt_image_tokens is not None else "")
        rows.append(("Tokens", f"{count(u.prompt_tokens)} in{images_in} · "
                               f"{count(u.candidates_tokens)} out "
                               f"({count(u.image_output_tokens)} image) · "
                               f"{count(u.thoughts_tokens)} thinking"
                               + (f" · {tier_of(u)} tier" if tier_of(u) else "")))
    rows.append(("Est. cost", cost_text(result)))
    return rows


def count(n: int | None) -> str:
    """A token counter: "not reported" is not zero."""
    return "—" if n is None else str(n)


def tier_of(usage: Usage) -> str | None:
    return usage.service_tier or usage.traffic_type


def cost_text(result: GenerationResult) -> str:
    if result.cost_usd is not None:
        return f"${result.cost_usd:.4f}"
    return "unknown (no usage counters)" if result.status != "error" or result.usage else "—"
