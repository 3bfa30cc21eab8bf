"""One review-pack download button for every page; the zip is built only on click."""

from __future__ import annotations

from collections.abc import Mapping

from playground.analysis.reencode import LikeForLike
from playground.app.media import download_button
from playground.app.runtime import Runtime
from playground.export import pack_bytes, pack_filename, pack_secrets


def review_pack_button(runtime: Runtime, label: str, *, key: str,
                       generation_ids: list[int] | None = None,
                       image_ids: list[int] | None = None,
                       computed: Mapping[tuple[str, str], LikeForLike] | None = None) -> None:
    """`computed`: like-for-like re-encodes the page has shown, so the pack holds them too."""
    download_button(
        label,
        data=lambda: pack_bytes(runtime.store, generation_ids=generation_ids, image_ids=image_ids,
                                secrets=pack_secrets(runtime.settings), computed=computed),
        file_name=pack_filename(), mime="application/zip", on_click="ignore",
        icon=":material/folder_zip:", key=key,
    )
