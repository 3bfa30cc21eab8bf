"""What an answer amounts to: its status in plain words, and what its bytes said that its
labels did not (mislabelled formats, ignored sizes, substituted models, drafts)."""

from __future__ import annotations

from playground.domain.finish_reasons import explain_finish
from playground.domain.imaging import format_name
from playground.domain.types import GenerationResult


def status_of(result: GenerationResult) -> tuple[str, str | None]:
    """(status, plain explanation) for a 2xx answer; blocked and image-less are not errors."""
    if result.block_reason:
        why = f": {result.block_message}" if result.block_message else "."
        return "blocked", (f"The prompt was blocked before generation (blockReason "
                           f"{result.block_reason}){why} Rephrase the prompt; nothing was billed "
                           "for images.")
    if result.final_images:
        return "ok", None
    status, sentence = explain_finish(result.finish_reason)
    said = f" The model replied with text: {result.texts[0][:200]!r}." if result.texts else ""
    google = f" Google said: {result.finish_message}" if result.finish_message else ""
    drafts = (" Only draft (thought) images came back; a draft is not the answer."
              if result.draft_images else "")
    return status, f"{sentence}{said}{drafts}{google}"


def fact_notes(result: GenerationResult) -> list[str]:
    """What the bytes say that the labels did not: mislabelled formats, ignored sizes, drafts."""
    notes: list[str] = []
    for img in result.images:
        which = "Draft image" if img.is_draft else "Image"
        if img.is_mislabelled:
            notes.append(f"{which} declared {img.declared_mime} but its bytes are "
                         f"{format_name(img.sniffed_mime)} (sniffed from magic bytes).")
        if img.size_mismatch and not img.is_draft:
            notes.append(f"Requested {img.requested_width}×{img.requested_height} but got "
                         f"{img.width}×{img.height}: the image size was not honoured.")
    answered = (result.model_version or "").removeprefix("models/").split("@")[0]
    if answered and answered != result.request.model:
        notes.append(f"Google answered with {answered} although {result.request.model} was asked "
                     "for: the platform substituted the model, so these figures are "
                     f"{answered}'s.")
    drafts = len(result.draft_images)
    if drafts:
        notes.append(f"{drafts} draft (thought) image{'s' if drafts > 1 else ''} came before the "
                     "final image; they are kept apart and may be billed.")
    return notes
