"""Checks on `contents[]`: roles (docs/wire-notes.md "Request body"), inline images and base64 (docs/wire-notes.md "Request body"), thought signatures (docs/wire-notes.md "Request body").

Works on a camelCase body (see schema.normalize) and returns what generation needs: the prompt
text, the input images and the number of text characters for the token estimate.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from playground.domain.imaging import read_dimensions, sniff_format
from playground.emulator import envelopes

INPUT_IMAGE_TYPES = ("image/png", "image/jpeg", "image/webp", "image/heic", "image/heif")
#: Bypass values Google documents for a missing signature (docs/wire-notes.md "Request body").
SIGNATURE_BYPASS = ("context_engineering_is_the_way_to_go", "skip_thought_signature_validator")
_B64_CHARS = re.compile(rb"^[A-Za-z0-9+/\-_]*={0,2}$")


@dataclass(frozen=True)
class InputImage:
    digest: str
    declared_mime: str
    size_bytes: int
    dims: tuple[int, int] | None


@dataclass
class Conversation:
    prompt_text: str = ""  # user text of every turn, for the scene hash
    text_chars: int = 0  # all text (system, user and model turns), for the token estimate
    images: list[InputImage] = field(default_factory=list)  # user-turn images only
    image_parts: int = 0  # user-turn image parts incl. fileData (token estimate)


def decode_base64(data: object, path: str) -> bytes:
    """Standard or URL-safe base64, padded or not (the SDK sends URL-safe, docs/wire-notes.md "Request body")."""
    if not isinstance(data, str):
        raise envelopes.bad_value(path, "TYPE_BYTES", data, note=": expected a base64 string.")
    raw = data.strip().encode("ascii", "replace")
    if not _B64_CHARS.match(raw):
        raise envelopes.bad_base64(path, _preview(data))
    unpadded = raw.rstrip(b"=").replace(b"+", b"-").replace(b"/", b"_")
    try:
        return base64.urlsafe_b64decode(unpadded + b"=" * (-len(unpadded) % 4))
    except (binascii.Error, ValueError):
        raise envelopes.bad_base64(path, _preview(data)) from None


def _preview(data: str) -> str:
    return data if len(data) <= 24 else data[:24] + "…"


def check_contents(contents: list[dict[str, Any]], *, platform: str, needs_signatures: bool,
                   checks_mime: bool,
                   signature_ok: Callable[[str], bool] | None = None) -> Conversation:
    """Validate roles and parts in place (AI Studio: a missing role becomes "user").

    `signature_ok`, when given, decides whether a replayed signature is genuine; others get
    AI Studio's 400 "Corrupted thought signature." (seen for Gemini 3 text models,
    https://github.com/google-gemini/gemini-cli/issues/13467).
    """
    if not contents:
        raise _empty_contents(platform, "")
    convo = Conversation()
    for i, content in enumerate(contents):
        role = _check_role(content, platform)
        parts = content.get("parts") or []
        if not parts:
            raise _empty_contents(platform, f"[{i}]")
        for j, part in enumerate(parts):
            _check_part(part, role, (i, j), convo, needs_signatures=needs_signatures,
                        checks_mime=checks_mime and platform == "aistudio")
            if role == "model" and signature_ok is not None:
                _check_signature(part, signature_ok)
    return convo


def add_system_text(system: dict[str, Any] | None, convo: Conversation) -> None:
    for part in (system or {}).get("parts") or []:
        convo.text_chars += len(str(part.get("text") or ""))


def _check_role(content: dict[str, Any], platform: str) -> str:
    role = content.get("role")
    if platform == "vertex":
        if role not in ("user", "model"):
            raise envelopes.vertex_role_error()
        return str(role)
    if not role:
        content["role"] = "user"  # AI Studio: role is optional (docs/wire-notes.md "Request body")
        return "user"
    if role not in ("user", "model"):
        raise envelopes.aistudio_role_error(str(role))
    return str(role)


def _empty_contents(platform: str, index: str) -> envelopes.WireError:
    if platform == "vertex":
        return envelopes.invalid_argument(
            "Unable to submit request because it must include at least one parts field, which "
            "describes the prompt input. Learn more: "
            "https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/gemini")
    if not index:
        return envelopes.invalid_argument(
            "* GenerateContentRequest.contents: contents is not specified\n")
    return envelopes.invalid_argument(
        f"* GenerateContentRequest.contents{index}.parts: contents.parts must not be empty.\n")


def _check_part(part: dict[str, Any], role: str, where: tuple[int, int], convo: Conversation, *,
                needs_signatures: bool, checks_mime: bool) -> None:
    i, j = where
    text = part.get("text")
    if isinstance(text, str):
        convo.text_chars += len(text)
        if role == "user":
            convo.prompt_text += text + "\n"
    blob = part.get("inlineData")
    if blob is not None:
        path = f"contents[{i}].parts[{j}].inline_data"
        data = decode_base64(blob.get("data", ""), f"{path}.data")
        mime = str(blob.get("mimeType") or "")
        if mime not in INPUT_IMAGE_TYPES:
            raise envelopes.invalid_argument(f"Unsupported MIME type: {mime or '(empty)'}")
        if role == "model":
            _check_model_image(part, data, mime, where, needs_signatures, checks_mime)
        elif not part.get("thought"):
            convo.images.append(InputImage(hashlib.sha256(data).hexdigest(), mime, len(data),
                                           read_dimensions(data)))
            convo.image_parts += 1
    if part.get("fileData") is not None and role == "user":
        convo.image_parts += 1


def _check_signature(part: dict[str, Any], signature_ok: Callable[[str], bool]) -> None:
    signature = part.get("thoughtSignature")
    if not signature or signature in SIGNATURE_BYPASS:
        return
    if not isinstance(signature, str) or not signature_ok(signature):
        raise envelopes.invalid_argument("Corrupted thought signature.")


def _check_model_image(part: dict[str, Any], data: bytes, mime: str, where: tuple[int, int],
                       needs_signatures: bool, checks_mime: bool) -> None:
    """A replayed model image: AI Studio wants its signature and honest labels (docs/wire-notes.md "Request body")."""
    if part.get("thought"):
        return
    if needs_signatures and not part.get("thoughtSignature"):
        raise envelopes.missing_thought_signature(where[0] + 1, where[1] + 1)
    sniffed = sniff_format(data)
    if checks_mime and sniffed.startswith("image/") and sniffed != mime:
        raise envelopes.invalid_argument(f"Unhandled generated data mime type: {sniffed}")
