"""Image parts of a request — `inlineData` and `fileData` — and the checks Google makes on them
(docs/wire-notes.md "Request body", its input-image notes; docs/emulator.md "Input images").

* The declared type must be one of `INPUT_IMAGE_TYPES` → else 400 "Unsupported MIME type: X"
  (the text Gemini gave for `png`, https://github.com/charmbracelet/crush/issues/995).
* AI Studio reads the bytes: a type that contradicts them → 400 "Unhandled generated data mime
  type: image/jpeg" (JPEG bytes declared PNG to gemini-3.1-flash-image-preview, one source:
  https://github.com/open-webui/open-webui/pull/25127); bytes that are no image at all → 400
  "Unable to process input image. …" (a Gemini 2.5 Pro answer,
  https://github.com/google-gemini/gemini-cli/issues/5064). Vertex is not known to check.
* Per user image, at most `max_inline_image_bytes` decoded bytes (7 MB, docs/wire-notes.md
  "Request body"); per request, at most `ModelInfo.max_input_images` user images (inline and
  fileData). Google's texts for both are not known: they are `EmulatorConfig` strings
  (UNCONFIRMED, docs/emulator.md "Input images").
* `fileData` cannot be fetched offline: a `gs://` or `https://` URI stands for an image of
  unknown content, identified by the SHA-256 of the URI string.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from playground.domain.imaging import read_dimensions, sniff_format
from playground.emulator import envelopes

INPUT_IMAGE_TYPES = ("image/png", "image/jpeg", "image/webp", "image/heic", "image/heif")
FILE_URI_SCHEMES = ("gs://", "https://")
UNPROCESSABLE_IMAGE = ("Unable to process input image. Please retry or report in "
                       "https://developers.generativeai.google/guide/troubleshooting")


@dataclass(frozen=True)
class ImageLimits:
    """Per-request limits on user images (generation only; countTokens does not check them)."""

    model: str
    max_images: int
    max_inline_bytes: int  # decoded bytes per inline image; 0 = no limit
    too_many_message: str  # str.format fields: count, limit, model
    too_large_message: str  # str.format fields: path, size, limit, model


@dataclass(frozen=True)
class InputImage:
    """One image part as the emulator read it."""

    content: int  # 0-based positions in `contents[]` and its `parts[]`
    part: int
    role: str
    declared_mime: str
    digest: str  # SHA-256 of the decoded bytes; of the URI string for fileData
    size_bytes: int = 0
    dims: tuple[int, int] | None = None
    uri: str = ""  # fileData only
    thought: bool = False
    source: str = "inlineData"  # or "fileData"

    def log_entry(self) -> dict[str, Any]:
        """What the request log shows for this part (docs/emulator.md "Control API")."""
        entry: dict[str, Any] = {"content": self.content, "part": self.part, "role": self.role}
        if self.source == "fileData":
            entry |= {"source": "fileData", "mimeType": self.declared_mime, "fileUri": self.uri}
        else:
            entry |= {"source": "inlineData", "mimeType": self.declared_mime,
                      "bytes": self.size_bytes, "sha256": self.digest,
                      "dims": list(self.dims) if self.dims else None}
        if self.thought:
            entry["thought"] = True
        return entry


def describe_inline(blob: dict[str, Any], data: bytes, where: tuple[int, int], role: str, *,
                    thought: bool) -> InputImage:
    """What one decoded `inlineData` holds (no checks yet: the log shows refused parts too)."""
    return InputImage(where[0], where[1], role, _text(blob.get("mimeType")),
                      hashlib.sha256(data).hexdigest(), len(data), read_dimensions(data),
                      thought=thought)


def check_inline(image: InputImage, data: bytes, *, checks_bytes: bool,
                 limits: ImageLimits | None) -> None:
    _check_type(image.declared_mime)
    if limits is not None and image.role == "user" and limits.max_inline_bytes \
            and len(data) > limits.max_inline_bytes:
        path = f"contents[{image.content}].parts[{image.part}].inline_data"
        raise envelopes.invalid_argument(limits.too_large_message.format(
            path=path, size=f"{len(data):,}", limit=f"{limits.max_inline_bytes:,}",
            model=limits.model))
    if checks_bytes:
        check_bytes(image.declared_mime, data)


def describe_file_data(file_data: dict[str, Any], where: tuple[int, int], role: str, *,
                       thought: bool) -> InputImage:
    """A `fileData` part, identified by its URI (nothing is fetched)."""
    uri = _text(file_data.get("fileUri"))
    return InputImage(where[0], where[1], role, _text(file_data.get("mimeType")),
                      hashlib.sha256(uri.encode()).hexdigest(), uri=uri, thought=thought,
                      source="fileData")


def check_file_data(image: InputImage) -> None:
    _check_type(image.declared_mime)
    if not image.uri.startswith(FILE_URI_SCHEMES):
        # Our wording (UNCONFIRMED): the platforms' texts for a bad URI are not recorded.
        path = f"contents[{image.content}].parts[{image.part}].file_data.file_uri"
        text = f"Unsupported file URI: {image.uri!r}. Use a gs:// or https:// URI."
        raise envelopes.invalid_argument(text, [(path, text)])


def check_bytes(declared: str, data: bytes) -> None:
    """AI Studio's reading of the bytes against the declared type (HEIC counts as HEIF)."""
    sniffed = sniff_format(data)
    if sniffed == "application/octet-stream":
        raise envelopes.invalid_argument(UNPROCESSABLE_IMAGE)
    if sniffed != ("image/heif" if declared == "image/heic" else declared):
        raise envelopes.invalid_argument(f"Unhandled generated data mime type: {sniffed}")


def check_count(images: list[InputImage], limits: ImageLimits | None) -> None:
    count = sum(1 for image in images if image.role == "user")
    if limits is not None and count > limits.max_images:
        raise envelopes.invalid_argument(limits.too_many_message.format(
            count=count, limit=limits.max_images, model=limits.model))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _check_type(mime: str) -> None:
    if mime not in INPUT_IMAGE_TYPES:
        raise envelopes.invalid_argument(f"Unsupported MIME type: {mime or '(empty)'}")
