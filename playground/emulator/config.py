"""Every knob of the emulator in one frozen dataclass.

Behaviour the reference marks UNCONFIRMED is a field here, so a test or a demo can pick either
reading; docs/emulator.md has the table. Defaults are the most faithful reading we have.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import Any

from playground.domain.errors import ConfigError
from playground.emulator.lineup import parse_day, parse_entries

LATENCY_PROFILES = ("instant", "measured", "article")
METADATA_MODES = ("none", "c2pa")
IMAGEN_MODES = ("retired", "serve")
NARRATION_MODES = ("auto", "always", "never")
SIGNATURE_CHECKS = ("presence", "issued")


@dataclass(frozen=True)
class EmulatorConfig:
    # --- auth (docs/wire-notes.md "Hosts", "Errors") ---
    api_keys: tuple[str, ...] = ()  # accepted AI Studio keys; empty = any non-empty key
    vertex_api_keys: tuple[str, ...] = ()  # accepted Vertex express keys; same rule
    token_ttl_s: float = 3600.0
    accept_unknown_tokens: bool = False  # accept any Bearer token the emulator did not issue
    #: (client_email, public key PEM) pairs; a JWT grant from a listed account must verify.
    service_account_keys: tuple[tuple[str, str], ...] = ()
    require_known_service_accounts: bool = False  # reject grants from unregistered accounts
    express_get_rejects_keys: bool = True  # F-fresque: GET …/publishers/google/models/M?key= → 401
    expired_token_reason: str = "ACCESS_TOKEN_EXPIRED"  # docs/wire-notes.md "Errors" UNCONFIRMED
    invalid_token_reason: str = "ACCESS_TOKEN_TYPE_UNSUPPORTED"  # UNCONFIRMED
    project_number: str = "123456789012"
    #: (requested id, the quota's model name) in AI Studio 429 texts. Captured: the first two
    #: (https://github.com/continuedev/continue/issues/11439,
    #: https://github.com/google-gemini/gemini-cli/issues/8437); the image ids by analogy.
    quota_model_names: tuple[tuple[str, str], ...] = (
        ("gemini-3-flash-preview", "gemini-3-flash"),
        ("gemini-2.5-flash-image-preview", "gemini-2.5-flash-preview-image"),
        ("gemini-3-pro-image-preview", "gemini-3-pro-image"),
        ("gemini-3.1-flash-image-preview", "gemini-3.1-flash-image"),
    )

    # --- validation (docs/wire-notes.md "Request body", "Dimensions", "Errors", "Unconfirmed") ---
    lite_ratios: int = 14  # docs/wire-notes.md "Dimensions" UNCONFIRMED: Vertex lists 14 ratios, AI Studio 10
    aistudio_v1_rejects_modalities: bool = False  # docs/wire-notes.md "Unconfirmed": /v1/ rejected responseModalities (Feb 2026)
    generic_invalid_argument: bool = False  # bad size/ratio → "Request contains an invalid argument."
    aistudio_checks_thought_signatures: bool = True  # docs/wire-notes.md "Request body"
    aistudio_checks_input_mime: bool = True  # docs/wire-notes.md "Request body": declared PNG with JPEG bytes → 400
    #: Decoded bytes per user inline image (7 MB, docs/wire-notes.md "Request body"; as MiB);
    #: 0 = no limit. The texts of this and the count limit are UNCONFIRMED (inputs.py).
    max_inline_image_bytes: int = 7 * 1024 * 1024
    inline_image_too_large_message: str = (
        "The inline image at '{path}' is {size} bytes; models/{model} accepts at most {limit} "
        "bytes (7 MB) per inline image.")
    too_many_images_message: str = (
        "Too many input images: {count} were provided, but models/{model} accepts at most "
        "{limit}.")

    # --- images (docs/wire-notes.md "Responses", "Dimensions", "Formats and metadata") ---
    seed: int = 0  # RNG for latency and fault sampling
    metadata: str = "c2pa"  # "none" | "c2pa"
    png_cabx: bool = False  # also put a caBX C2PA stub in PNGs (UNCONFIRMED, docs/wire-notes.md "Formats and metadata")
    c2pa_jumbf_bytes: int = 5980  # the JUMBF box of a captured Pro JPEG (docs/emulator.md "Images")
    aistudio_jpeg_quality: int = 95
    default_jpeg_quality: int = 75  # JPEG requested without compressionQuality (D-outputoptions)
    png_compress_level: int = 1  # 1 = run-length deflate (fastest); 2–9 = zlib levels
    render_cache_bytes: int = 600 * 1024 * 1024
    #: A text part before the image when TEXT and IMAGE are requested: "auto" = only models
    #: that do not sign their parts (2.5 Flash; none in captured Gemini 3 answers).
    narration: str = "auto"
    #: thoughtSignature length (base64 characters) of image parts per catalog latency_family
    #: (docs/emulator.md "Thought signatures"): flash = the 597,616 of a captured 1K 3.1 Flash
    #: answer (vercel/ai google-image-gemini-3.1-flash-image.json); pro = 1,450,544, derived
    #: from a relayed Pro signature's length prefix; lite = flash's (UNCONFIRMED). Others small.
    signature_chars: tuple[tuple[str, int], ...] = (
        ("flash", 597_616), ("pro", 1_450_544), ("lite", 597_616))
    #: AI Studio replays: "issued" = only signatures this emulator issued (and the bypass
    #: values) pass, others → 400 "Corrupted thought signature."; "presence" = any non-empty one.
    signature_check: str = "issued"
    pro_draft_images: int = 2  # thought images with includeThoughts (D-imggen-zh)
    flash_draft_images: int = 1  # 3.1 Flash / Lite: UNCONFIRMED
    imagen: str = "retired"  # "retired" → 404; "serve" → docs/wire-notes.md "Imagen" predictions[]

    # --- models and lifecycle (docs/emulator.md "Models and lifecycle") ---
    today: str | None = None  # the day the catalog's lifecycle is read on; None = the real date
    extra_models: tuple[str, ...] = ()  # listed and served (generic 1K image); "id" / "vertex:id"
    hidden_models: tuple[str, ...] = ()  # catalog ids left out of the lists (still served)

    # --- wire details ---
    sse_line_end: str = "\r\n"  # events are "data: {json}" + 2 × this (live: CRLF CRLF)
    aistudio_turn_token: bool = True  # top-level turnToken on AI Studio answers (first event)
    #: The top-level request field Vertex takes a service tier from; "" = none (UNCONFIRMED how
    #: Vertex takes one: the field is then an unknown name, as any other).
    vertex_service_tier_field: str = ""
    pretty_json: bool = True  # Google's REST front-end pretty-prints non-streamed bodies

    # --- latency (docs/wire-notes.md "Latency") ---
    latency_profile: str = "instant"  # "instant" | "measured" | "article"
    time_scale: float = 1.0  # multiplies every profile delay (not explicit /_emulator/latency)
    bandwidth_bytes_per_s: float = 40e6  # body-transfer time of the profiles
    article_vertex_timeout_rate: float = 0.055  # article profile: Vertex 504 probability
    request_log_size: int = 200
    worker_threads: int = 4  # parse/render/encode threads (see EmulatorState.workers)

    def __post_init__(self) -> None:
        _check_choice("latency_profile", self.latency_profile, LATENCY_PROFILES)
        _check_choice("metadata", self.metadata, METADATA_MODES)
        _check_choice("imagen", self.imagen, IMAGEN_MODES)
        _check_choice("lite_ratios", self.lite_ratios, (10, 14))
        if isinstance(self.narration, bool):  # the old on/off switch
            object.__setattr__(self, "narration", "always" if self.narration else "never")
        _check_choice("narration", self.narration, NARRATION_MODES)
        _check_choice("signature_check", self.signature_check, SIGNATURE_CHECKS)
        _check_choice("sse_line_end", self.sse_line_end, ("\r\n", "\n"))
        if self.time_scale < 0:
            raise ConfigError(f"time_scale must be ≥ 0, got {self.time_scale}.")
        if self.token_ttl_s <= 0:
            raise ConfigError(f"token_ttl_s must be > 0, got {self.token_ttl_s}.")
        if self.worker_threads < 1:
            raise ConfigError(f"worker_threads must be ≥ 1, got {self.worker_threads}.")
        if not 1 <= self.png_compress_level <= 9:
            raise ConfigError(f"png_compress_level must be 1–9, got {self.png_compress_level}.")
        for name in ("api_keys", "vertex_api_keys", "service_account_keys",
                     "quota_model_names", "signature_chars"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        self._check_lineup()
        self._check_messages()

    def _check_messages(self) -> None:
        samples = {"inline_image_too_large_message": {"path": "p", "size": 1, "limit": 1,
                                                      "model": "m"},
                   "too_many_images_message": {"count": 1, "limit": 1, "model": "m"}}
        for name, sample in samples.items():
            try:
                getattr(self, name).format(**sample)
            except (KeyError, IndexError, ValueError, AttributeError) as exc:
                raise ConfigError(f"{name} may use only the fields {', '.join(sample)}: "
                                  f"{exc!r}.") from None
        if self.max_inline_image_bytes < 0:
            raise ConfigError("max_inline_image_bytes must be ≥ 0 (0 = no limit).")

    def _check_lineup(self) -> None:
        try:
            object.__setattr__(self, "today", parse_day(self.today))
            for name in ("extra_models", "hidden_models"):
                object.__setattr__(self, name, parse_entries(getattr(self, name), name))
        except ValueError as exc:
            raise ConfigError(str(exc)) from None

    @classmethod
    def from_env(cls, **overrides: Any) -> EmulatorConfig:
        """Defaults, then PLAYGROUND_EMULATOR_{PROFILE,TIME_SCALE,SEED,TODAY,SIGNATURE_CHARS},
        then `overrides`.

        Overrides whose value is None are ignored, so a CLI can pass its optional flags straight in.
        """
        values: dict[str, Any] = {}
        env: dict[str, tuple[str, Callable[[str], Any]]] = {
            "latency_profile": ("PLAYGROUND_EMULATOR_PROFILE", str),
            "time_scale": ("PLAYGROUND_EMULATOR_TIME_SCALE", float),
            "seed": ("PLAYGROUND_EMULATOR_SEED", int),
            "today": ("PLAYGROUND_EMULATOR_TODAY", str),
            "signature_chars": ("PLAYGROUND_EMULATOR_SIGNATURE_CHARS", _family_sizes),
        }
        for field_name, (var, parse) in env.items():
            raw = os.environ.get(var, "").strip()
            if raw:
                try:
                    values[field_name] = parse(raw)
                except ValueError:
                    kind = getattr(parse, "__name__", "value")
                    raise ConfigError(f"{var}={raw!r} is not a valid {kind}.") from None
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise ConfigError(f"Unknown emulator setting(s): {', '.join(unknown)}.")
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def with_(self, **changes: Any) -> EmulatorConfig:
        return replace(self, **changes)


def _family_sizes(text: str) -> tuple[tuple[str, int], ...]:
    """"flash=600,pro=1200" → (("flash", 600), ("pro", 1200)); ValueError otherwise."""
    pairs = []
    for item in filter(None, (i.strip() for i in text.split(","))):
        family, _, size = item.partition("=")
        if not family.strip() or not size.strip().isdigit():
            raise ValueError(item)
        pairs.append((family.strip(), int(size)))
    return tuple(pairs)


def _check_choice(name: str, value: object, allowed: tuple[object, ...]) -> None:
    if value not in allowed:
        choices = ", ".join(str(a) for a in allowed)
        raise ConfigError(f"{name} must be one of {choices}; got {value!r}.")
