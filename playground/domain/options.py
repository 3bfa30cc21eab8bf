"""Which platform and model accept which option, explained so a person can act on it.

A request is checked once, by `check_request`, for every platform it will go to; the
`RequestCheck` then travels with it: its errors stop the request before any I/O (the form and
the CLI show them), its notes go onto the result (the builders copy them, never re-check).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from playground.domain.catalog import MODELS, OUTPUT_MIME_TYPES, PERSON_GENERATION, ModelInfo
from playground.domain.imaging import format_name
from playground.domain.input_checks import check_inputs
from playground.domain.labels import PLATFORM_LABELS
from playground.domain.types import Finding, ImageRequest

#: What each platform's live model list offers now (clients/models.py); a platform missing
#: from the mapping was not checked, and the catalog's dated lifecycle decides instead.
Listed = Mapping[str, frozenset[str]]


@dataclass(frozen=True)
class RequestCheck:
    """One request and what checking it found, per platform it is meant for."""

    request: ImageRequest
    findings: dict[str, tuple[Finding, ...]] = field(default_factory=dict)
    listed: Listed | None = None
    allow_unlisted: bool = False

    def for_platform(self, platform: str) -> tuple[Finding, ...]:
        if platform not in self.findings:  # a platform the caller did not plan for
            self.findings[platform] = tuple(_findings(self.request, platform, self.listed,
                                                      self.allow_unlisted))
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


def check_request(req: ImageRequest, platforms: Iterable[str], *, listed: Listed | None = None,
                  allow_unlisted: bool = False) -> RequestCheck:
    """Check `req` for each platform it will be sent to; the result travels with the request.

    `listed` is the live model list per platform; `allow_unlisted` sends a model the platform
    does not list (or the catalog says is shut down) anyway, with a note.
    """
    findings = {p: tuple(_findings(req, p, listed, allow_unlisted)) for p in platforms}
    return RequestCheck(req, findings, listed, allow_unlisted)


def _note(field: str, message: str) -> Finding:
    return Finding("note", field, message)


def _error(field: str, message: str) -> Finding:
    return Finding("error", field, message)


def _findings(req: ImageRequest, platform: str, listed: Listed | None,
              allow_unlisted: bool) -> list[Finding]:
    """Everything worth telling the user about sending `req` to `platform`."""
    findings: list[Finding] = []
    if not req.prompt.strip():
        findings.append(_error("prompt", "The prompt is empty: type what the image should show."))
    where = PLATFORM_LABELS.get(platform, platform)
    offered = None if listed is None or platform not in listed else listed[platform]
    info = MODELS.get(req.model)
    if info is None:
        if offered is not None and req.model in offered:
            findings.append(_note("model", f"{req.model} is listed by {where} but its "
                                           "capabilities are unknown to Banana Split: it was sent "
                                           "with generic options and nothing was checked."))
            return findings
        known = ", ".join(m for m in MODELS if not MODELS[m].is_retired)
        findings.append(_error("model", f"Unknown model {req.model!r}. Pick one of: {known}."))
        return findings
    if info.is_retired:
        findings.append(_error("model", f"{info.id} is retired. {info.lifecycle_note}"))
        return findings
    findings += _check_offer(info, platform, where, offered, allow_unlisted)
    findings += _check_size_and_ratio(req, info)
    findings += _check_platform_options(req, info, platform)
    findings += _check_thinking(req, info)
    findings += check_inputs(req, info)
    return findings


def _check_offer(info: ModelInfo, platform: str, where: str, offered: frozenset[str] | None,
                 allow_unlisted: bool) -> list[Finding]:
    """The live list wins when it was fetched; else the catalog's dated lifecycle decides."""
    state = info.state_on(platform)
    if offered is not None:
        if info.id in offered:
            return [_note("model", f"{info.id} is {state} on {where}: "
                                   f"{info.offer(platform).describe()}.")] \
                if state in ("deprecated", "restricted") else []
        why = f"{info.id} is not offered by {where} now: its live model list does not include it."
    elif state in ("shut down", "not offered", "not yet"):
        why = (f"{info.id} is {state} on {where} ({info.offer(platform).describe()}; "
               f"{info.lifecycle_note})")
    else:
        return [_note("model", f"{info.id} is {state} on {where}: "
                               f"{info.offer(platform).describe()}.")] \
            if state in ("deprecated", "restricted") else []
    if allow_unlisted:
        return [_note("model", why + " Sent anyway, as asked.")]
    return [_error("model", why + " Pick another model, or send it anyway (--allow-unlisted).")]


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
        elif req.thinking_level not in info.thinking_levels:
            out.append(_error("thinking_level", f"{info.id} takes thinking level "
                                                 f"{' or '.join(info.thinking_levels)}."))
    if req.service_tier and req.service_tier != "standard" \
            and req.service_tier not in info.service_tiers:
        offered = ", ".join(info.service_tiers) or "none"
        out.append(_error("service_tier", f"{info.id} does not offer the {req.service_tier} "
                                           f"service tier (offered: {offered})."))
    return out
