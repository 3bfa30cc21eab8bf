"""Checks on `contents[]`: roles (docs/wire-notes.md "Request body"), parts and base64 (docs/wire-notes.md "Request body"), thought signatures (docs/wire-notes.md "Request body").

Works on a camelCase body (see schema.normalize) and returns what generation needs: the prompt
text, the newest instruction, every image part (inputs.py checks those) and the last one — the
source of an edit (edit.py) — and the number of text characters for the token estimate.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from playground.emulator import envelopes
from playground.emulator.inputs import (
    ImageLimits,
    InputImage,
    check_count,
    check_file_data,
    check_inline,
    describe_file_data,
    describe_inline,
)

#: Bypass values Google documents for a missing signature (docs/wire-notes.md "Request body").
#: Both are valid URL-safe base64, and the field is bytes: what counts is the bytes they decode
#: to, so the standard-alphabet spelling of the same bytes (`_` → `/`) passes too.
SIGNATURE_BYPASS = ("context_engineering_is_the_way_to_go", "skip_thought_signature_validator")
_BYPASS_BYTES = frozenset(value.replace("_", "/") for value in SIGNATURE_BYPASS)
_B64_CHARS = re.compile(rb"^[A-Za-z0-9+/\-_]*={0,2}$")


@dataclass
class Conversation:
    prompt_text: str = ""  # user text of every turn, for the scene hash
    newest_user_text: str = ""  # the text of the last user turn: the edit's instruction
    text_chars: int = 0  # all text (system, user and model turns), for the token estimate
    #: Every image part that is not a thought, user and model turns, in request order.
    images: list[InputImage] = field(default_factory=list)
    source: InputImage | None = None  # the last of `images`: what an edit starts from
    source_data: bytes = b""  # its decoded bytes (inlineData only)

    @property
    def image_parts(self) -> int:
        """Images billed as prompt IMAGE tokens."""
        return len(self.images)


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
                   checks_mime: bool, signature_ok: Callable[[str], bool] | None = None,
                   limits: ImageLimits | None = None,
                   seen: list[dict[str, Any]] | None = None) -> Conversation:
    """Validate roles and parts in place (AI Studio: a missing role becomes "user").

    `signature_ok`, when given, decides whether a replayed signature is genuine; others get
    AI Studio's 400 "Corrupted thought signature." (seen for Gemini 3 text models,
    https://github.com/google-gemini/gemini-cli/issues/13467). `limits` (generation only) caps
    user images; `seen` collects a request-log entry per image part as it is read.
    """
    if not contents:
        raise _empty_contents(platform, "")
    convo = Conversation()
    reader = _PartReader(convo, needs_signatures=needs_signatures, limits=limits, seen=seen,
                         checks_bytes=checks_mime and platform == "aistudio")
    for i, content in enumerate(contents):
        role = _check_role(content, platform)
        parts = content.get("parts") or []
        if not parts:
            raise _empty_contents(platform, f"[{i}]")
        if role == "user":
            convo.newest_user_text = ""
        for j, part in enumerate(parts):
            reader.read(part, role, (i, j))
            if role == "model" and signature_ok is not None:
                _check_signature(part, signature_ok)
    check_count(convo.images, limits)
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


@dataclass
class _PartReader:
    convo: Conversation
    needs_signatures: bool
    checks_bytes: bool
    limits: ImageLimits | None
    seen: list[dict[str, Any]] | None

    def read(self, part: dict[str, Any], role: str, where: tuple[int, int]) -> None:
        convo, i, j = self.convo, *where
        text = part.get("text")
        if isinstance(text, str):
            convo.text_chars += len(text)
            if role == "user":
                convo.prompt_text += text + "\n"
                convo.newest_user_text += text + "\n"
        thought = bool(part.get("thought"))
        data = b""
        image: InputImage | None = None
        blob = part.get("inlineData")
        if blob is not None:
            path = f"contents[{i}].parts[{j}].inline_data"
            data = decode_base64(blob.get("data", ""), f"{path}.data")
            image = describe_inline(blob, data, where, role, thought=thought)
        elif part.get("fileData") is not None:
            image = describe_file_data(part["fileData"], where, role, thought=thought)
        if image is None:
            return
        if self.seen is not None:
            self.seen.append(image.log_entry())
        if image.source == "fileData":
            check_file_data(image)
        else:
            check_inline(image, data, checks_bytes=self.checks_bytes, limits=self.limits)
        if thought:
            return
        if role == "model" and self.needs_signatures and not part.get("thoughtSignature"):
            # 1-based, as in Google's text for [user, model(image), user]: "content position 2,
            # part position 1" (docs/wire-notes.md "Request body").
            raise envelopes.missing_thought_signature(i + 1, j + 1)
        convo.images.append(image)
        convo.source, convo.source_data = image, data


def is_bypass(signature: object) -> bool:
    return isinstance(signature, str) and \
        signature.rstrip("=").replace("-", "+").replace("_", "/") in _BYPASS_BYTES


def _check_signature(part: dict[str, Any], signature_ok: Callable[[str], bool]) -> None:
    signature = part.get("thoughtSignature")
    if not signature or is_bypass(signature):
        return
    if not isinstance(signature, str) or not signature_ok(signature):
        raise envelopes.invalid_argument("Corrupted thought signature.")
