"""Known request fields per platform, the proto-JSON "Unknown name" check, and key normalising.

Google's JSON front-end accepts both `camelCase` and `snake_case` names and rejects anything else
with `Unknown name "x" at 'a.b': Cannot find field.` (docs/wire-notes.md "Request body", "Errors"). The field tables below hold the
camelCase names; snake_case spellings are derived. Paths in messages use the proto (snake_case)
names with `[i]` for list items, e.g. `contents[0].parts[1].inline_data`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from playground.emulator import envelopes


@dataclass(frozen=True)
class Field:
    message: str | None = None  # nested message type checked recursively; None = scalar/opaque
    repeated: bool = False


_SCALAR = Field()

_COMMON: dict[str, dict[str, Field]] = {
    "GenerateContentRequest": {
        "model": _SCALAR, "contents": Field("Content", True), "systemInstruction": Field("Content"),
        "tools": _SCALAR, "toolConfig": _SCALAR, "safetySettings": _SCALAR,
        "generationConfig": Field("GenerationConfig"), "cachedContent": _SCALAR,
    },
    "Content": {"role": _SCALAR, "parts": Field("Part", True)},
    "Part": {
        name: _SCALAR for name in (
            "text", "thought", "thoughtSignature", "functionCall", "functionResponse",
            "executableCode", "codeExecutionResult", "videoMetadata", "mediaResolution",
        )
    } | {"inlineData": Field("Blob"), "fileData": Field("FileData")},
    "Blob": {"mimeType": _SCALAR, "data": _SCALAR},
    "FileData": {"mimeType": _SCALAR, "fileUri": _SCALAR},
    "GenerationConfig": {
        name: _SCALAR for name in (
            "stopSequences", "responseMimeType", "responseSchema", "responseJsonSchema",
            "responseModalities", "candidateCount", "maxOutputTokens", "temperature", "topP",
            "topK", "seed", "presencePenalty", "frequencyPenalty", "responseLogprobs", "logprobs",
            "speechConfig", "mediaResolution", "responseFormat",
        )
    } | {"thinkingConfig": Field("ThinkingConfig"), "imageConfig": Field("ImageConfig")},
    "ThinkingConfig": {"includeThoughts": _SCALAR, "thinkingBudget": _SCALAR,
                       "thinkingLevel": _SCALAR},
    "ImageConfig": {"aspectRatio": _SCALAR, "imageSize": _SCALAR},
    "ImageOutputOptions": {"mimeType": _SCALAR, "compressionQuality": _SCALAR},
    "CountTokensRequest": {"contents": Field("Content", True),
                           "generateContentRequest": Field("GenerateContentRequest")},
    "PredictRequest": {"instances": _SCALAR, "parameters": _SCALAR},
}

_VERTEX_EXTRA: dict[str, dict[str, Field]] = {
    "GenerateContentRequest": {"labels": _SCALAR, "modelArmorConfig": _SCALAR},
    "Blob": {"displayName": _SCALAR},
    "FileData": {"displayName": _SCALAR},
    "GenerationConfig": {"routingConfig": _SCALAR, "audioTimestamp": _SCALAR,
                         "modelSelectionConfig": _SCALAR, "enableAffectiveDialog": _SCALAR},
    # docs/wire-notes.md "Request body": Vertex-only image knobs; on AI Studio they are unknown names.
    "ImageConfig": {"personGeneration": _SCALAR, "prominentPeople": _SCALAR,
                    "imageOutputOptions": Field("ImageOutputOptions")},
    "CountTokensRequest": {"model": _SCALAR, "instances": _SCALAR,
                           "systemInstruction": Field("Content"), "tools": _SCALAR,
                           "generationConfig": Field("GenerationConfig")},
}
_AISTUDIO_EXTRA: dict[str, dict[str, Field]] = {
    "GenerateContentRequest": {"serviceTier": _SCALAR},
    "GenerationConfig": {"enableEnhancedCivicAnswers": _SCALAR},
}


def _merge(extra: dict[str, dict[str, Field]]) -> dict[str, dict[str, Field]]:
    return {name: fields | extra.get(name, {}) for name, fields in _COMMON.items()}


SCHEMAS = {"aistudio": _merge(_AISTUDIO_EXTRA), "vertex": _merge(_VERTEX_EXTRA)}


def snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


def normalize(body: dict[str, Any], message: str, platform: str) -> dict[str, Any]:
    """A camelCase copy of `body`; raises the docs/wire-notes.md "Errors" Unknown-name 400 for unknown fields.

    Also raises a 400 when a message field holds something other than an object (or a list of
    objects for repeated fields), in the parser's wording.
    """
    unknown: list[tuple[str, str]] = []
    result = _walk(body, message, "", SCHEMAS[platform], unknown)
    if unknown:
        raise envelopes.unknown_fields(unknown)
    return result


def _walk(obj: dict[str, Any], message: str, path: str, schemas: dict[str, dict[str, Field]],
          unknown: list[tuple[str, str]]) -> dict[str, Any]:
    fields = schemas[message]
    out: dict[str, Any] = {}
    for key, value in obj.items():
        name = camel(key)
        spec = fields.get(name)
        if spec is None or key not in (name, snake(name)):
            unknown.append((path, key))
            continue
        child = f"{path}.{snake(name)}" if path else snake(name)
        out[name] = _walk_value(value, spec, child, schemas, unknown)
    return out


def _walk_value(value: Any, spec: Field, path: str, schemas: dict[str, dict[str, Field]],
                unknown: list[tuple[str, str]]) -> Any:
    if spec.message is None or value is None:
        return value
    if spec.repeated:
        if not isinstance(value, list):
            raise envelopes.invalid_json(
                f"Unknown name \"{path.rsplit('.', 1)[-1]}\": Proto field is repeated, "
                "expected a list.")
        return [_expect_object(item, spec.message, f"{path}[{i}]", schemas, unknown)
                for i, item in enumerate(value)]
    return _expect_object(value, spec.message, path, schemas, unknown)


def _expect_object(value: Any, message: str, path: str, schemas: dict[str, dict[str, Field]],
                   unknown: list[tuple[str, str]]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise envelopes.bad_value(path, "TYPE_MESSAGE", value, note=": expected an object.")
    return _walk(value, message, path, schemas, unknown)
