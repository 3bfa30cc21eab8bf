"""Input images for /v1/images/edits and chat messages, in the shared request type.

Each upload (or data URL) becomes a `domain.turns.InputImage` described from its bytes
(`describe_input`: format sniffed, pixels decoded), and travels in `ImageRequest.inputs`, so the
platform's own `build()` puts them in the user turn (role "user", in the order sent) and
`check_request` applies the model's count, type and 7 MB limits (domain/input_checks.py) like
everywhere else. History keeps each input as its size and SHA-256 (the store's input rows), and
the body as shown with labels in place of the base64. A mask is refused: Gemini has none.
"""

from __future__ import annotations

import copy
from typing import Any

from playground.domain.errors import ImageDataError
from playground.domain.turns import InputImage, describe_input
from playground.gateway.errors import bad_param

#: What the gateway reads per upload; the models' own limit (7 MB inline) is checked after,
#: by check_request, and said in its words.
MAX_UPLOAD_BYTES = 20_000_000
MASK_REFUSAL = ("Gemini image models take no mask: they edit from the prompt and the whole "
                "image. Describe the area to change in the prompt and send the request without "
                "mask (the gateway will not drop the mask silently, because the answer would "
                "not be the masked edit you asked for).")


def read_input(data: bytes, name: str, param: str) -> InputImage:
    """An upload as an input image; a 400 naming `param` when it is not one."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise bad_param(param, f"{param} is {len(data):,} bytes; the gateway reads at most "
                               f"{MAX_UPLOAD_BYTES:,} per image (and the models take 7 MB inline).")
    try:
        return describe_input(data, name=name, source="upload")
    except ImageDataError as exc:
        raise bad_param(param, f"{param}: {exc.message}", "invalid_image_format") from None


def with_system(shown_body: dict[str, Any], system: str) -> dict[str, Any]:
    """The platform's body (as shown: labels for the images, relinked to their bytes by
    `build_raw`) with the chat's system text as systemInstruction."""
    out = copy.deepcopy(shown_body)
    out["systemInstruction"] = {"parts": [{"text": system}]}
    return out
