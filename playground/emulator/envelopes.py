"""Google's error envelopes with the exact texts of docs/wire-notes.md "Errors".

`WireError` is raised anywhere in request handling and turned into the reply by the app.
Builders are named after the case, not the status, so call sites read like the docs/wire-notes.md "Errors" table.
"""

from __future__ import annotations

from typing import Any

from playground.emulator.errors import EmulatorError

ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo"
BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest"
LOCALIZED = "type.googleapis.com/google.rpc.LocalizedMessage"
HELP = "type.googleapis.com/google.rpc.Help"
QUOTA_FAILURE = "type.googleapis.com/google.rpc.QuotaFailure"
RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo"

AISTUDIO_SERVICE = "generativelanguage.googleapis.com"
VERTEX_SERVICE = "aiplatform.googleapis.com"

ROLE_MESSAGE = "Please use a valid role: user, model."
GENERIC_INVALID = "Request contains an invalid argument."
_OAUTH_HINT = (
    "Expected OAuth 2 access token, login cookie or other valid authentication credential. "
    "See https://developers.google.com/identity/sign-in/web/devconsole-project."
)


class WireError(EmulatorError):
    """An HTTP error reply. `html` replaces the JSON envelope for front-end (GFE) pages."""

    def __init__(self, http_status: int, status: str, message: str,
                 details: list[dict[str, Any]] | None = None, *, html: str | None = None) -> None:
        super().__init__(f"{http_status} {status}: {message}")
        self.http_status = http_status
        self.status = status
        self.message = message
        self.details = details
        self.html = html

    def envelope(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.http_status, "message": self.message,
                                 "status": self.status}
        if self.details:
            error["details"] = self.details
        return {"error": error}


def error_info(reason: str, domain: str = "googleapis.com", **metadata: str) -> dict[str, Any]:
    info: dict[str, Any] = {"@type": ERROR_INFO, "reason": reason, "domain": domain}
    if metadata:
        info["metadata"] = metadata
    return info


def localized(message: str) -> dict[str, Any]:
    return {"@type": LOCALIZED, "locale": "en-US", "message": message}


# --- request shape (docs/wire-notes.md "Request body", "Errors") -----------------------------------------------------------------


def invalid_argument(message: str, violations: list[tuple[str, str]] | None = None) -> WireError:
    """400 INVALID_ARGUMENT, with a BadRequest detail when field violations are given."""
    details = None
    if violations:
        field_violations = [
            {"field": field, "description": text} if field else {"description": text}
            for field, text in violations
        ]
        details = [{"@type": BAD_REQUEST, "fieldViolations": field_violations}]
    return WireError(400, "INVALID_ARGUMENT", message, details)


def unknown_fields(names: list[tuple[str, str]]) -> WireError:
    """`Invalid JSON payload received. Unknown name "x" at 'a.b': Cannot find field.` (docs/wire-notes.md "Errors")."""
    violations = []
    for path, name in names:
        where = f" at '{path}'" if path else ""
        violations.append((path, f'Invalid JSON payload received. Unknown name "{name}"{where}: '
                                 "Cannot find field."))
    return invalid_argument("\n".join(text for _, text in violations), violations)


def bad_value(path: str, type_name: str, value: object, note: str = "") -> WireError:
    """The proto-JSON parser's wording for a value of the wrong type or enum."""
    shown = value if isinstance(value, str) else repr(value)
    text = f"Invalid value at '{path}' ({type_name}), \"{shown}\"{note}"
    return invalid_argument(text, [(path, text)])


def bad_base64(path: str, shown: str) -> WireError:
    text = f"Invalid value at '{path}' (TYPE_BYTES), Base64 decoding failed for \"{shown}\""
    return invalid_argument(text, [(path, text)])


def invalid_json(problem: str) -> WireError:
    text = f"Invalid JSON payload received. {problem}"
    return invalid_argument(text, [("", text)])


def vertex_role_error() -> WireError:
    """docs/wire-notes.md "Request body": exactly this body, no details."""
    return WireError(400, "INVALID_ARGUMENT", ROLE_MESSAGE)


def aistudio_role_error(role: str) -> WireError:
    """docs/wire-notes.md "Errors", one source (F-role-tr)."""
    return WireError(400, "INVALID_ARGUMENT",
                     f"Role '{role}' is not supported. Please use a valid role: MODEL, USER.")


def missing_thought_signature(content_position: int, part_position: int) -> WireError:
    return WireError(
        400, "INVALID_ARGUMENT",
        f"Image part is missing a thought_signature in content position {content_position}, "
        f"part position {part_position}. Please refer to "
        "https://ai.google.dev/gemini-api/docs/thought-signatures#model-behavior for more details.",
    )


# --- auth (docs/wire-notes.md "Errors", "Hosts") ----------------------------------------------------------------------------


def api_key_invalid(service: str) -> WireError:
    message = "API key not valid. Please pass a valid API key."
    details = [error_info("API_KEY_INVALID", service=service), localized(message)]
    return WireError(400, "INVALID_ARGUMENT", message, details)


def unregistered_caller() -> WireError:
    return WireError(
        403, "PERMISSION_DENIED",
        "Method doesn't allow unregistered callers (callers without established identity). "
        "Please use API Key or other form of API consumer identity to call this API.",
    )


def insufficient_scopes(service: str, method: str) -> WireError:
    """A Bearer token on AI Studio (cloud-platform scope only). UNCONFIRMED, see docs."""
    return WireError(403, "PERMISSION_DENIED", "Request had insufficient authentication scopes.",
                     [error_info("ACCESS_TOKEN_SCOPE_INSUFFICIENT", service=service,
                                 method=method)])


def api_keys_not_supported(method: str) -> WireError:
    return WireError(
        401, "UNAUTHENTICATED",
        "API keys are not supported by this API. Expected OAuth2 access token or other "
        "authentication credentials that assert a principal. "
        "See https://cloud.google.com/docs/authentication",
        [error_info("CREDENTIALS_MISSING", service=VERTEX_SERVICE, method=method)],
    )


def credentials_missing(method: str) -> WireError:
    return WireError(
        401, "UNAUTHENTICATED",
        f"Request is missing required authentication credential. {_OAUTH_HINT}",
        [error_info("CREDENTIALS_MISSING", service=VERTEX_SERVICE, method=method)],
    )


def invalid_credentials(reason: str, method: str) -> WireError:
    return WireError(
        401, "UNAUTHENTICATED",
        f"Request had invalid authentication credentials. {_OAUTH_HINT}",
        [error_info(reason, service=VERTEX_SERVICE, method=method)],
    )


# --- models (docs/wire-notes.md "Errors") ------------------------------------------------------------------------------


def aistudio_model_not_found(model: str, version: str, method: str) -> WireError:
    return WireError(
        404, "NOT_FOUND",
        f"models/{model} is not found for API version {version}, or is not supported for "
        f"{method}. Call ModelService.ListModels to see the list of available models and their "
        "supported methods.",
    )


def aistudio_model_retired(model: str) -> WireError:
    return WireError(
        404, "NOT_FOUND",
        f"This model models/{model} is no longer available to new users. Please update your "
        "code to use a newer model for the latest features and improvements.",
    )


def vertex_model_not_found(project_number: str, location: str, model: str) -> WireError:
    return WireError(
        404, "NOT_FOUND",
        f"Publisher Model `projects/{project_number}/locations/{location}/publishers/google/"
        f"models/{model}` was not found or your project does not have access to it. Please "
        "ensure you are using a valid model version. For more information, see: "
        "https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versions",
    )


def gemini_via_predict() -> WireError:
    """Vertex `:predict` on a Gemini model (wording from memory, UNCONFIRMED)."""
    return WireError(
        400, "FAILED_PRECONDITION",
        "Gemini cannot be accessed through Vertex Predict/RawPredict API. Please follow "
        "https://cloud.google.com/vertex-ai/docs/generative-ai/start/quickstarts/"
        "quickstart-multimodal for Gemini usage.",
    )


# --- front-end HTML pages ---------------------------------------------------------------------

_GFE_PAGE = """<!DOCTYPE html>
<html lang=en>
  <meta charset=utf-8>
  <meta name=viewport content="initial-scale=1, minimum-scale=1, width=device-width">
  <title>Error {code} ({title})!!1</title>
  <a href=//www.google.com/><span id=logo aria-label=Google></span></a>
  <p><b>{code}.</b> <ins>That’s an error.</ins>
  <p>{text}  <ins>That’s all we know.</ins>
"""


def html_not_found(path: str) -> WireError:
    safe = path.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    page = _GFE_PAGE.format(code=404, title="Not Found",
                            text=f"The requested URL <code>{safe}</code> was not found on this "
                                 "server.")
    return WireError(404, "NOT_FOUND", "Not Found", html=page)


def html_bad_gateway() -> WireError:
    page = _GFE_PAGE.format(code=502, title="Server Error",
                            text="The server encountered a temporary error and could not "
                                 "complete your request.<p>Please try again in 30 seconds.")
    return WireError(502, "BAD_GATEWAY", "Bad Gateway", html=page)
