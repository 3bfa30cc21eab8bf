"""Neutral types shared by every layer: the request, the result, image facts, usage. No I/O."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

from playground.domain.catalog import DEFAULT_MODEL, PlatformName
from playground.domain.errors import ErrorInfo
from playground.domain.turns import InputImage, SignatureMode, Turn, TurnPart

#: ok / blocked / no_image / error are answers (or failures) of a request. pending: the row was
#: written before the request was sent (HistoryStore.begin); interrupted: its process died
#: before the answer was saved (it may have been billed); cancelled: stopped by the user.
ResultStatus = Literal["ok", "blocked", "no_image", "error", "pending", "interrupted",
                       "cancelled"]


@dataclass(frozen=True)
class Finding:
    """What checking a request against one platform found: an error stops it, a note travels."""

    severity: Literal["error", "note"]
    field: str
    message: str


@dataclass(frozen=True)
class Usage:
    """Token counts from usageMetadata, in snake_case (clients/wire.py reads the wire names).

    None means the server did not send that counter: unknown, not zero (Google omits
    candidatesTokenCount on image-less answers and thoughtsTokenCount on 3.1 Flash successes).
    """

    prompt_tokens: int | None = None
    candidates_tokens: int | None = None
    thoughts_tokens: int | None = None
    total_tokens: int | None = None
    image_output_tokens: int | None = None  # the IMAGE entry of candidatesTokensDetails
    traffic_type: str | None = None  # Vertex only: ON_DEMAND, ON_DEMAND_FLEX, …
    service_tier: str | None = None  # AI Studio only: "standard", "flex", "priority"
    prompt_image_tokens: int | None = None  # the IMAGE entry of promptTokensDetails


@dataclass(frozen=True)
class ImageRequest:
    """What the user asked for, platform-neutral. None means "leave it to the model default"."""

    prompt: str
    model: str = DEFAULT_MODEL
    aspect_ratio: str | None = None
    image_size: str | None = None
    output_mime_type: str | None = None  # Vertex only
    compression_quality: int | None = None  # Vertex only, JPEG only
    person_generation: str | None = None  # Vertex only
    include_thoughts: bool = False
    thinking_level: str | None = None
    seed: int | None = None
    service_tier: str | None = None  # None = standard; "flex" / "priority" where offered
    #: Images sent with the prompt, in order; the bytes travel in `data`.
    inputs: tuple[InputImage, ...] = ()
    #: The earlier turns replayed before this prompt; empty for a new conversation.
    history: tuple[Turn, ...] = field(default=(), repr=False)
    signatures: SignatureMode = "replay"
    parent_id: int | None = None  # the generation this one continues
    #: Set when Banana Split re-encoded or resized the request's images (with consent), e.g.
    #: for "Regenerate at 4K from this": the path it took, shown on the result.
    derived_from: str | None = None
    #: A stored request's turn index, from the history's column (its replayed turns are not
    #: kept in the request); None for a live request, which counts its history.
    stored_turn: int | None = field(default=None, repr=False, compare=False)

    @property
    def turn_index(self) -> int:
        """0 for a first prompt, 1 for the first continuation, …"""
        if self.stored_turn is not None:
            return self.stored_turn
        return sum(1 for t in self.history if t.role == "user")

    def to_dict(self) -> dict[str, Any]:
        """What history stores: facts, never bytes or signatures (the thread is rebuilt from
        the parent chain; docs/decisions.md "Conversations")."""
        data = {f.name: getattr(self, f.name) for f in fields(self)
                if f.name not in ("inputs", "history", "stored_turn")}
        data["inputs"] = [i.to_dict() for i in self.inputs]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImageRequest:
        names = {f.name for f in fields(cls)} - {"history"}
        values = {k: v for k, v in data.items() if k in names}
        values["inputs"] = tuple(InputImage.from_dict(i) for i in values.get("inputs") or ())
        return cls(**values)

    def with_(self, **changes: Any) -> ImageRequest:
        return replace(self, **changes)


@dataclass
class Segment:
    """A metadata block inside an image file (JPEG APPn segment or PNG ancillary chunk)."""

    kind: str  # e.g. "APP11", "APP1", "zTXt", "iTXt", "caBX"
    label: str  # what it holds: "C2PA/JUMBF", "EXIF", "XMP", "Raw profile type exif", …
    size_bytes: int


@dataclass
class ImageFacts:
    """Facts read from the bytes of one returned image (never from labels)."""

    size_bytes: int
    sha256: str
    declared_mime: str
    sniffed_mime: str
    width: int | None
    height: int | None
    is_draft: bool = False
    segments: list[Segment] = field(default_factory=list)
    requested_width: int | None = None
    requested_height: int | None = None
    id: int | None = None  # history row id, once stored (internal: people see `ref`)
    position: int | None = None  # 0-based place among the generation's images, once stored
    #: The bytes themselves while a fresh result travels to the store; None when read back
    #: from history (ask the store: `store.original(image)`).
    data: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def metadata_bytes(self) -> int:
        return sum(s.size_bytes for s in self.segments)

    @property
    def is_mislabelled(self) -> bool:
        return self.sniffed_mime != self.declared_mime

    @property
    def size_mismatch(self) -> bool:
        """True when the pixel size differs from what the catalog says was requested."""
        if self.requested_width is None or self.width is None:
            return False
        return (self.width, self.height) != (self.requested_width, self.requested_height)

    @property
    def bytes_per_pixel(self) -> float | None:
        if not self.width or not self.height:
            return None
        return self.size_bytes / (self.width * self.height)


@dataclass
class Timing:
    """Seconds on a monotonic clock from the moment the request was sent."""

    ttfb_s: float | None = None  # response headers arrived
    total_s: float | None = None  # last body byte arrived


@dataclass
class Attempt:
    number: int
    started_at: float  # wall clock (epoch seconds), for display only
    http_status: int | None
    ttfb_s: float | None
    total_s: float | None
    request_bytes: int = 0
    response_bytes: int = 0
    error_class: str | None = None  # "429", "503", "504", "timeout", "connection", ...
    error_message: str | None = None
    retry_delay_s: float | None = None  # wait before the next attempt
    retry_advice_s: float | None = None  # what the server advised, when the wait was capped


@dataclass
class GenerationResult:
    backend: PlatformName
    request: ImageRequest
    status: ResultStatus
    model: str
    http_status: int | None = None
    timing: Timing = field(default_factory=Timing)
    attempts: list[Attempt] = field(default_factory=list)
    request_bytes: int = 0
    response_bytes: int = 0
    images: list[ImageFacts] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    thought_texts: list[str] = field(default_factory=list)
    thought_signatures: int = 0
    finish_reason: str | None = None
    finish_message: str | None = None
    block_reason: str | None = None
    block_message: str | None = None
    usage: Usage | None = None
    model_version: str | None = None
    response_id: str | None = None
    cost_usd: float | None = None
    notes: list[str] = field(default_factory=list)
    error: ErrorInfo | None = None
    explanation: str | None = None  # plain words for blocked / no_image
    request_json: dict[str, Any] | None = None  # redacted body as sent
    request_url: str | None = None  # redacted URL as sent
    created_at: float = 0.0
    id: int | None = None
    group_id: str | None = None  # shared by the results of one fan-out ("Both") run
    variant: int | None = None  # 1-based among the variants of one run, when there were several
    #: The model turn as returned, in order (thought parts included, signatures byte for byte):
    #: what a continuation replays. Image parts point at `images` by position.
    answer: list[TurnPart] = field(default_factory=list, repr=False)

    @property
    def parent_id(self) -> int | None:
        return self.request.parent_id

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def final_images(self) -> list[ImageFacts]:
        return [i for i in self.images if not i.is_draft]

    @property
    def draft_images(self) -> list[ImageFacts]:
        return [i for i in self.images if i.is_draft]

    @property
    def image(self) -> ImageFacts | None:
        finals = self.final_images
        return finals[-1] if finals else None
