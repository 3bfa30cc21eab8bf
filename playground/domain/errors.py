"""One error tree for everything Banana Split raises on purpose.

`str(exc)` reads well to a person; `.hint` says what to do. The page edge and the CLI catch
`PlaygroundError` and show both; anything else is a bug and is logged.

    PlaygroundError
    ├─ ConfigError              missing or invalid configuration, raised before any I/O
    │  └─ BenchInputError       a benchmark that cannot start as asked (prompts, budget, …)
    ├─ UnsupportedOptionError   an option the chosen platform or model does not accept
    │  └─ UnknownModelError     a model id the catalog does not know
    ├─ TransportError           connect/read failures and timeouts (wraps httpx)
    ├─ ResponseShapeError       a 2xx (or error) body that is not what the API promises
    ├─ ApiError                 Google's error envelope: http_status, status, reason, hint
    ├─ ImageDataError           bytes that are not a readable image, or a missing file
    │  ├─ ImageMissingError     a stored image whose file is gone from the data folder
    │  │  └─ UnsafePathError    a stored file whose path leads outside the data folder (refused)
    │  └─ AnalysisInputError    an image the analysis cannot use (empty, too large, …)
    ├─ InUseError               a generation others continue, deleted alone
    ├─ StorageError             the history folder or database cannot be used as asked (disk
    │  │                        full, read-only, locked, a file where a folder should be, …)
    │  ├─ DamagedHistoryError   history.sqlite3 fails PRAGMA quick_check: never written to
    │  └─ ImageWriteError       a result recorded without its image file (the write failed)
    ├─ ReviewError              a review note that cannot be saved as given
    ├─ BudgetError              a request refused before it is sent: a team's spend cap or
    │                           rate limit would be passed (team mode)
    ├─ StudyError               a blind-review study that cannot be made, voted or read as asked
    ├─ ExportSelectionError     a review-pack selection that matches nothing
    └─ ExportTargetError        a path a review pack cannot be written to (a folder, a device…)

A blocked or image-less answer is a result with a status, not an exception. Reading Google's
envelopes into `ApiError` (and the hint for each case) is the clients' job:
`playground/clients/google_errors.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class ErrorInfo:
    """A failure, flattened for storage and display. `hint` says what to do."""

    kind: str  # ApiError, TransportError, ResponseShapeError, ConfigError, ...
    message: str
    hint: str
    http_status: int | None = None
    status: str | None = None  # Google canonical status, e.g. RESOURCE_EXHAUSTED
    reason: str | None = None  # ErrorInfo.reason, e.g. API_KEY_INVALID
    raw: str | None = None  # the raw body (truncated), for the "raw error" expander


class PlaygroundError(Exception):
    hint: str = ""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        if hint:
            self.hint = hint

    def to_info(self) -> ErrorInfo:
        return ErrorInfo(kind=type(self).__name__, message=self.message, hint=self.hint)


class ConfigError(PlaygroundError):
    """Missing or invalid configuration, raised before any I/O."""


class BenchInputError(ConfigError):
    """A benchmark that cannot start as asked (bad prompts, budget, concurrency, …)."""


class UnsupportedOptionError(PlaygroundError):
    """An option the chosen platform or model does not accept."""


class UnknownModelError(UnsupportedOptionError):
    """A model id the catalog does not know."""

    def __init__(self, model_id: str) -> None:
        super().__init__(f"Unknown model {model_id!r}.",
                         hint="Pick a model from the catalog (python -m playground --help).")
        self.model_id = model_id


RETRYABLE_HTTP = frozenset({429, 500, 502, 503, 504})


class TransportError(PlaygroundError):
    """Connect/read failures and timeouts."""

    def __init__(self, message: str, *, hint: str = "", error_class: str = "connection",
                 elapsed_s: float | None = None, ttfb_s: float | None = None) -> None:
        super().__init__(message, hint=hint)
        self.error_class = error_class  # "timeout" | "connection"
        self.elapsed_s = elapsed_s
        self.ttfb_s = ttfb_s

    @property
    def is_retryable(self) -> bool:
        return True


class ResponseShapeError(PlaygroundError):
    """A reply that is not what the API promises (HTML, truncated JSON, bad base64)."""

    def __init__(self, message: str, *, hint: str = "", http_status: int | None = None,
                 raw: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.http_status = http_status
        self.raw = raw

    @property
    def is_retryable(self) -> bool:
        return self.http_status in RETRYABLE_HTTP

    def to_info(self) -> ErrorInfo:
        info = super().to_info()
        info.http_status = self.http_status
        info.raw = self.raw
        return info


class ApiError(PlaygroundError):
    """Google's error envelope, read into fields (see clients/google_errors.py) with a hint."""

    def __init__(self, *, http_status: int, status: str | None, message: str, hint: str = "",
                 reason: str | None = None, retry_delay_s: float | None = None,
                 is_zero_quota: bool = False, details: list[dict[str, Any]] | None = None,
                 platform: str = "", raw: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.http_status = http_status
        self.status = status
        self.reason = reason
        self.retry_delay_s = retry_delay_s
        self.is_zero_quota = is_zero_quota
        self.details = details or []
        self.platform = platform
        self.raw = raw

    def __str__(self) -> str:
        where = f"{self.http_status} {self.status or ''}".strip()
        return f"{where}: {self.message}"

    @property
    def quota_violations(self) -> list[dict[str, Any]]:
        """QuotaFailure violations exactly as Google sent them."""
        out: list[dict[str, Any]] = []
        for d in self.details:
            if str(d.get("@type", "")).endswith("google.rpc.QuotaFailure"):
                out.extend(d.get("violations", []))
        return out

    @property
    def is_retryable(self) -> bool:
        return self.http_status in RETRYABLE_HTTP and not self.is_zero_quota

    @property
    def error_class(self) -> str:
        return str(self.http_status)

    def to_info(self) -> ErrorInfo:
        return ErrorInfo(
            kind="ApiError", message=self.message, hint=self.hint, http_status=self.http_status,
            status=self.status, reason=self.reason, raw=self.raw,
        )


class ImageDataError(PlaygroundError):
    """Bytes that cannot be read as an image; the message says why in plain words."""


class ImageMissingError(ImageDataError):
    """A stored image whose file is no longer in the data folder."""


class AnalysisInputError(ImageDataError):
    """An image the analysis cannot use. `str(exc)` says what is wrong and what to do."""

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip() if self.hint else self.message


class UnsafePathError(ImageMissingError):
    """A stored file whose path resolves outside the data folder (a symlink, a tampered row).

    Refused, and logged as an audit note; to the reader it is a missing file."""


class BudgetError(PlaygroundError):
    """Team mode: a request refused before it leaves, because it would pass a daily spend
    cap or the per-minute limit; the message says which and when it frees up."""


class MinuteCapError(BudgetError):
    """The per-minute request cap of team mode: it frees up within a minute."""


class InUseError(PlaygroundError):
    """A generation others depend on (a turn that later turns continue) cannot go alone."""


class StorageError(PlaygroundError):
    """The history folder or its database cannot be used as asked; the message says what
    happened (disk full, read-only, locked, damaged, …) and the hint what to do."""

    def __init__(self, message: str, *, hint: str = "", path: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.path = path  # the file or folder concerned, when there is one


class DamagedHistoryError(StorageError):
    """history.sqlite3 fails `PRAGMA quick_check` (or SQLite reports it damaged): nothing is
    written to it. `HistoryStore.move_aside(data_dir)` renames it so a new one can start."""


class ImageWriteError(StorageError):
    """A result whose rows are recorded but whose image file(s) could not be written; the
    image row says "not written" and the result carries a note."""

    def __init__(self, message: str, *, hint: str = "", path: str | None = None,
                 result_id: int | None = None) -> None:
        super().__init__(message, hint=hint, path=path)
        self.result_id = result_id


class ReviewError(PlaygroundError):
    """A review note that cannot be saved as given (rating out of range, unknown tag)."""


class StudyError(PlaygroundError):
    """A blind-review study that cannot be made (fewer than two arms, no comparable pair), a
    vote that cannot be recorded (closed study, no reviewer name, unknown choice), or a study
    id that matches nothing."""


class ExportSelectionError(PlaygroundError):
    """A selection that cannot make a pack: unknown ids, nothing chosen, a bad count."""


class ExportTargetError(PlaygroundError):
    """A path a review pack cannot be written to: a folder, a device node, a missing folder,
    an existing file without --force."""


def describe(exc: PlaygroundError) -> tuple[str, str]:
    """(what went wrong, what to do) for display; the hint is left out when the text has it."""
    text = str(exc)
    hint = exc.hint if exc.hint and exc.hint not in text else ""
    return text, hint
