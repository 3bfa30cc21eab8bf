"""Images sent with a prompt, and the turns of a conversation replayed to the model.

An input image is described from its bytes (the format is sniffed, the pixels decoded), like an
answer's image. A conversation is the earlier turns, user and model, as the platform saw them:
a model turn keeps the parts it returned in order, with each `thoughtSignature` byte for byte,
so a continuation replays them exactly (docs/wire-notes.md "Conversations").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

from playground.domain.errors import ImageDataError

#: How a continuation sends the model turns' signatures: as returned (`replay`), without them
#: (`strip`, AI Studio answers 400), or the documented migration value where one is missing
#: (`bypass`, for conversations recorded without signatures).
SignatureMode = Literal["replay", "strip", "bypass"]
SIGNATURE_MODES: tuple[str, ...] = ("replay", "strip", "bypass")
#: The value Google's Gemini 3 docs give for a turn that has no signature of its own
#: (docs/wire-notes.md "Conversations").
BYPASS_SIGNATURE = "context_engineering_is_the_way_to_go"

#: What both platforms take as inline image input (docs/wire-notes.md "Conversations").
INPUT_MIME_TYPES = ("image/png", "image/jpeg", "image/webp", "image/heic", "image/heif")
#: Where an input came from: a file, standard input, a stored image, or the current result.
InputSource = Literal["upload", "stdin", "history", "result"]


@dataclass(frozen=True)
class InputImage:
    """One image sent with the prompt: facts from its bytes, and the bytes while it travels."""

    sha256: str
    mime: str  # sniffed from the bytes; what the request declares
    size_bytes: int
    width: int | None
    height: int | None
    name: str = ""  # the file name as given: untrusted text, shown as text
    source: InputSource = "upload"
    source_ref: str | None = None  # the history ref (GENERATION.POSITION) it was picked from
    note: str | None = None  # set when Banana Split changed it (with the user's consent)
    data: bytes | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Facts only: the bytes live in the store, named by their SHA-256."""
        return {"sha256": self.sha256, "mime": self.mime, "size_bytes": self.size_bytes,
                "width": self.width, "height": self.height, "name": self.name,
                "source": self.source, "source_ref": self.source_ref, "note": self.note}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> InputImage:
        names = {"sha256", "mime", "size_bytes", "width", "height", "name", "source",
                 "source_ref", "note"}
        return cls(**{k: v for k, v in data.items() if k in names})

    def with_data(self, data: bytes) -> InputImage:
        return InputImage(**self.to_dict(), data=data)


def describe_input(data: bytes, *, name: str = "", source: InputSource = "upload",
                   source_ref: str | None = None, note: str | None = None) -> InputImage:
    """An input image from its bytes; ImageDataError in plain words when they are not one."""
    from playground.domain.imaging import format_name, image_problem, read_dimensions, sniff_format

    shown = f" {name!r}" if name else ""
    if not data:
        raise ImageDataError(f"The file{shown} is empty: pick an image file.")
    mime = sniff_format(data)
    if mime == "application/octet-stream":
        raise ImageDataError(f"The file{shown} is not an image (its first bytes match no image "
                             "format): pick a PNG, JPEG, WebP or HEIC file.")
    problem = image_problem(data) if mime != "image/heif" else None
    if problem:
        raise ImageDataError(f"The file{shown} holds {problem}: it is damaged or cut short; "
                             f"export it again as {format_name(mime)}.")
    dims = read_dimensions(data)
    return InputImage(sha256=hashlib.sha256(data).hexdigest(), mime=mime, size_bytes=len(data),
                      width=dims[0] if dims else None, height=dims[1] if dims else None,
                      name=name, source=source, source_ref=source_ref, note=note, data=data)


@dataclass(frozen=True)
class TurnPart:
    """One part of a turn as the platform saw it: text, or an image, maybe a thought.

    `signature` is the thoughtSignature exactly as it arrived (base64 text, often 0.6–1.5 M
    characters); `image_index` points at the answer's image (its position among the result's
    images) for a model image part.
    """

    text: str | None = None
    image: InputImage | None = None
    image_index: int | None = None
    is_thought: bool = False
    signature: str | None = field(default=None, repr=False)

    @property
    def is_image(self) -> bool:
        return self.image is not None or self.image_index is not None

    def summary(self) -> dict[str, Any]:
        """What the part is, without its bytes or its signature (sizes only)."""
        out: dict[str, Any] = {"kind": "image" if self.is_image else "text"}
        if self.text is not None:
            out["text"] = self.text
        if self.image is not None:
            out["image"] = self.image.to_dict()
        if self.image_index is not None:
            out["image_index"] = self.image_index
        if self.is_thought:
            out["thought"] = True
        if self.signature is not None:
            out["signature_chars"] = len(self.signature)
        return out


@dataclass(frozen=True)
class Turn:
    """One earlier turn: the user's words and images, or the model's answer parts."""

    role: Literal["user", "model"]
    parts: tuple[TurnPart, ...]
    generation_id: int | None = None  # the stored generation this turn came from

    @property
    def signature_chars(self) -> int:
        return sum(len(p.signature or "") for p in self.parts)


def user_turn(prompt: str, inputs: tuple[InputImage, ...], generation_id: int | None = None) -> Turn:
    """The user's turn as sent: the text first, then the images in the order the user chose."""
    parts = (TurnPart(text=prompt), *(TurnPart(image=i) for i in inputs))
    return Turn("user", parts, generation_id)


def replayed(parts: tuple[TurnPart, ...]) -> tuple[TurnPart, ...]:
    """The model parts a continuation sends back: every part the platform returned, in order,
    except thoughts (thought text and draft images carry no signature and the model does not
    read them back; docs/decisions.md "Conversations")."""
    return tuple(p for p in parts if not p.is_thought)
