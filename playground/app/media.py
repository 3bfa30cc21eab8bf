"""Images and downloads that reach only signed-in browsers (docs/decisions.md, "Team mode").

Streamlit serves `st.image` bytes and `st.download_button` data from `/media/<id>` with no
login check (any holder of the URL, or of the image, can fetch it). In team mode nothing goes
there: previews travel inside the session's own WebSocket as `data:` URIs (st.image passes a
data URL through untouched), and a download is sent only when its button is pressed, inside the
session, to a small v2 component that hands the bytes to the browser as a Blob. In the
single-user default both are Streamlit's own elements, unchanged.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from typing import Any

import streamlit as st

from playground.domain.imaging import sniff_format

_SAVE_JS = """
export default function({ data, parentElement }) {
  const done = (window.__bananaSaved = window.__bananaSaved || new Set());
  if (!data || !data.b64 || done.has(data.nonce)) { return; }
  done.add(data.nonce);
  const raw = atob(data.b64);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
  const url = URL.createObjectURL(new Blob([bytes], { type: data.mime }));
  const link = document.createElement("a");
  link.href = url;
  link.download = data.name;
  link.textContent = "Save " + data.name;
  link.setAttribute("data-testid", "banana-download-link");
  parentElement.appendChild(link);
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 120000);
}
"""
_saver = st.components.v2.component("banana_session_download", js=_SAVE_JS,
                                    html="<span></span>")


def in_session_only() -> bool:
    """True in team mode: no image or file may go through /media."""
    from playground.app.runtime import get_runtime

    return get_runtime().settings.team.is_team


def data_uri(data: bytes, mime: str | None = None) -> str:
    kind = mime or sniff_format(data) or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def _as_bytes(image: Any) -> bytes:
    """Encoded bytes of what st.image takes: bytes as they are, arrays and PIL images as PNG."""
    if isinstance(image, (bytes, bytearray)):
        return bytes(image)
    import io

    from PIL import Image

    picture = image if isinstance(image, Image.Image) else Image.fromarray(image)
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def show_image(image: Any, *, where: Any = None, **kwargs: Any) -> None:
    """st.image (or `where.image`, for a column), inside the session in team mode."""
    target = where if where is not None else st
    if in_session_only():
        kwargs.pop("output_format", None)
        target.image(data_uri(_as_bytes(image)), **kwargs)
    else:
        target.image(image, **kwargs)


def download_button(label: str, data: bytes | str | Callable[[], bytes | str], *,
                    file_name: str, mime: str, key: str, **kwargs: Any) -> None:
    """st.download_button; in team mode a button whose press sends the bytes once, inside the
    session, and saves them in the browser."""
    if not in_session_only():
        st.download_button(label, data=data, file_name=file_name, mime=mime, key=key,
                           on_click=kwargs.pop("on_click", "ignore"), **kwargs)
        return
    kwargs.pop("on_click", None)
    if st.button(label, key=key, **kwargs):
        payload = data() if callable(data) else data
        raw = payload.encode("utf-8") if isinstance(payload, str) else payload
        _saver(key=f"{key}-save", data={"b64": base64.b64encode(raw).decode("ascii"),
                                        "name": file_name, "mime": mime,
                                        "nonce": uuid.uuid4().hex})
