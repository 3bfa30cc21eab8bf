"""Which platform and model accept which option, explained so a person can act on it.

A request is checked once, by `check_request`, for every platform it will go to; the
`RequestCheck` then travels with it: its errors stop the request before any I/O (the form and
the CLI show them), its notes go onto the result (the builders copy them, never re-check).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from playground.domain.catalog import (
    MODELS,
    OUTPUT_MIME_TYPES,
    PERSON_GENERATION,
    THINKING_LEVELS,
    ModelInfo,
)
from playground.domain.imaging import format_name
from playground.domain.types import Finding, ImageRequest


@dataclass(frozen=True)
class RequestCheck:
    """One request and what checking it found, per platform it is meant for."""

    request: ImageRequest
    findings: dict[str, tuple[Finding, ...]] = field(default_factory=dict)

    def for_platform(self, platform: str) -> tuple[Finding, ...]:
        if platform not in self.findings:  # a platform the caller did not plan for
            self.findings[platform] = tuple(_findings(self.request, platform))
        return self.findings[platform]

    def errors(self, platform: str) -> list[str]:
        return [f.message for f in self.for_platform(platform) if f.severity == "error"]

    @property
    def problems(self) -> list[str]:
        """Every error message, each once, in platform order: what the form shows."""
        messages: list[str] = []
        for platform in self.findings:
            for message in self.errors(platform):
                if message not in messages:
                    messages.append(message)
        return messages


def check_request(req: ImageRequest, platforms: Iterable[str]) -> RequestCheck:
    """Check `req` for each platform it will be sent to; the result travels with the request."""
    return RequestCheck(req, {p: tuple(_findings(req, p)) for p in platforms})


def _note(field: str, message: str) -> Finding:
    return Finding("note", field, message)


def _error(field: str, message: str) -> Finding:
    return Finding("error", field, message)


def _findings(req: ImageRequest, platform: str) -> list[Finding]:
    """Everything worth telling the user about sending `req` to `platform`."""
    findings: list[Finding] = []
    if not req.prompt.strip():
        findings.append(_error("prompt", "The prompt is empty: type what the image should show."))
    info = MODELS.get(req.model)
    if info is None:
        known = ", ".join(m for m in MODELS if not MODELS[m].is_retired)
        findings.append(_error("model", f"Unknown model {req.model!r}. Pick one of: {known}."))
        return findings
    if info.is_retired:
        findings.append(_error("model", f"{info.id} is retired. {info.lifecycle_note}"))
        return findings
    findings += _check_size_and_ratio(req, info)
    findings += _check_platform_options(req, info, platform)
    findings += _check_thinking(req, info)
    return findings


def _check_size_and_ratio(req: ImageRequest, info: ModelInfo) -> list[Finding]:
    out: list[Finding] = []
    if req.image_size is not None and req.image_size not in info.sizes:
        out.append(_error("image_size", f"{info.id} does not offer image size {req.image_size}; "
                                         f"choose one of {', '.join(info.sizes)}."))
    if req.aspect_ratio is not None and req.aspect_ratio not in info.ratios:
        out.append(_error("aspect_ratio", f"{info.id} does not offer aspect ratio "
                                           f"{req.aspect_ratio}; choose one of {', '.join(info.ratios)}."))
    return out


def _check_platform_options(req: ImageRequest, info: ModelInfo, platform: str) -> list[Finding]:
    out: list[Finding] = []
    default_format = format_name(info.default_mime.get(platform))
    if platform == "aistudio":
        if req.output_mime_type or req.compression_quality is not None:
            out.append(_note("output_mime_type",
                             "Output format and compression quality are Vertex-only options and "
                             f"were not sent to AI Studio; AI Studio returns {default_format} for "
                             f"{info.id}."))
        if req.person_generation:
            out.append(_note("person_generation",
                             "Person generation is a Vertex-only option and was not sent to AI Studio."))
        return out
    if req.output_mime_type and req.output_mime_type not in OUTPUT_MIME_TYPES:
        out.append(_error("output_mime_type", f"Output MIME type {req.output_mime_type} is not "
                                               f"supported; use {' or '.join(OUTPUT_MIME_TYPES)}."))
    if req.compression_quality is not None:
        if not 0 <= req.compression_quality <= 100:
            out.append(_error("compression_quality", "Compression quality must be 0–100."))
        elif req.output_mime_type != "image/jpeg":
            out.append(_note("compression_quality",
                             "Compression quality applies to JPEG only; it was not sent because "
                             "the output format is not image/jpeg."))
    if req.person_generation and req.person_generation not in PERSON_GENERATION:
        out.append(_error("person_generation", f"Person generation must be one of "
                                                f"{', '.join(PERSON_GENERATION)}."))
    return out


def _check_thinking(req: ImageRequest, info: ModelInfo) -> list[Finding]:
    out: list[Finding] = []
    if req.include_thoughts and info.thinking == "none":
        out.append(_note("include_thoughts", f"{info.id} does not think, so include-thoughts was "
                                              "not sent (Vertex answers 400 to it)."))
    if req.thinking_level:
        if info.thinking != "levels":
            out.append(_note("thinking_level", f"{info.id} has no thinking levels; the level was "
                                                "not sent."))
        elif req.thinking_level not in THINKING_LEVELS:
            out.append(_error("thinking_level", f"Thinking level must be one of "
                                                 f"{', '.join(THINKING_LEVELS)}."))
    return out
