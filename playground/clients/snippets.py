"""The request inspector's text: pretty JSON, a diff between platforms, curl and SDK equivalents.

Secrets never appear: credentials are written as shell variables or gcloud calls.
"""

from __future__ import annotations

import difflib
import json
from typing import Any

from playground.domain.types import ImageRequest

AUTH_CURL = {
    "aistudio": '-H "x-goog-api-key: $GOOGLE_API_KEY"',
    "vertex": '-H "Authorization: Bearer $(gcloud auth print-access-token)"',
    "vertex-express": '-H "x-goog-api-key: $PLAYGROUND_VERTEX_API_KEY"',
}


def pretty(body: Any) -> str:
    return json.dumps(body, indent=2, ensure_ascii=False)


def request_diff(aistudio_body: Any, vertex_body: Any) -> str:
    """A unified diff of the two bodies as sent (AI Studio → Vertex)."""
    lines = difflib.unified_diff(
        pretty(aistudio_body).splitlines(), pretty(vertex_body).splitlines(),
        fromfile="AI Studio request", tofile="Vertex AI request", lineterm="", n=2,
    )
    return "\n".join(lines) or "(the two request bodies are identical)"


def curl_command(auth: str, url: str, body: Any) -> str:
    """`auth` is "aistudio", "vertex" or "vertex-express"."""
    payload = json.dumps(body, indent=2, ensure_ascii=False).replace("'", "'\\''")
    return (f'curl -sS -X POST "{url}" \\\n  {AUTH_CURL[auth]} \\\n'
            f"  -H \"Content-Type: application/json\" \\\n  -d '{payload}'")


def genai_python(auth: str, req: ImageRequest, *, project: str | None = None,
                 location: str = "global", base_url: str | None = None) -> str:
    """The same request with the official google-genai SDK."""
    if auth == "aistudio":
        client = 'genai.Client(api_key=os.environ["GOOGLE_API_KEY"]'
    elif auth == "vertex-express":
        client = 'genai.Client(vertexai=True, api_key=os.environ["PLAYGROUND_VERTEX_API_KEY"]'
    else:
        client = f"genai.Client(vertexai=True, project={project!r}, location={location!r}"
    if base_url:
        client += f",\n    http_options=types.HttpOptions(base_url={base_url!r})"
    client += ")"
    image_args = _kwargs([("aspect_ratio", req.aspect_ratio), ("image_size", req.image_size)])
    if auth != "aistudio":
        image_args += _kwargs([("person_generation", req.person_generation),
                               ("output_mime_type", req.output_mime_type)])
        if req.output_mime_type == "image/jpeg":
            image_args += _kwargs([("output_compression_quality", req.compression_quality)])
    config = ['        response_modalities=["TEXT", "IMAGE"],']
    if image_args:
        config.append(f"        image_config=types.ImageConfig({', '.join(image_args)}),")
    thinking = _kwargs([("include_thoughts", True if req.include_thoughts else None),
                        ("thinking_level", req.thinking_level)])
    if thinking:
        config.append(f"        thinking_config=types.ThinkingConfig({', '.join(thinking)}),")
    if req.seed is not None:
        config.append(f"        seed={req.seed},")
    return "\n".join([
        "import os", "", "from google import genai", "from google.genai import types", "",
        f"client = {client}",
        "response = client.models.generate_content(",
        f"    model={req.model!r},",
        f"    contents={req.prompt!r},",
        "    config=types.GenerateContentConfig(",
        *config,
        "    ),",
        ")",
        "for part in response.candidates[0].content.parts:",
        "    if part.inline_data and not part.thought:",
        '        open("image.bin", "wb").write(part.inline_data.data)',
    ])


def _kwargs(pairs: list[tuple[str, Any]]) -> list[str]:
    return [f"{k}={v!r}" for k, v in pairs if v is not None]
