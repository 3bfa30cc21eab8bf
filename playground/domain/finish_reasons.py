"""What each finishReason means for the user: a status and a sentence saying what to do.

The reasons are those Google returns today (docs/wire-notes.md "Responses"). A 200 without a
final image is a result, not an exception: `blocked` when a filter withheld it (not billed for
the image), `no_image` when the model simply did not make one.
"""

from __future__ import annotations

#: reason → (status when no final image came back, plain explanation)
FINISH_REASONS: dict[str, tuple[str, str]] = {
    "STOP": ("no_image", "The model finished normally but returned no image. Ask explicitly for "
                         "an image, or retry."),
    "MAX_TOKENS": ("no_image", "The model ran out of output tokens before it finished the image. "
                               "Shorten the prompt or lower the thinking level, then retry."),
    "SAFETY": ("blocked", "A safety filter stopped the answer. Rephrase the prompt."),
    "IMAGE_SAFETY": ("blocked", "The image was withheld by Google's image safety filter; blocked "
                                "images are not charged. Rephrase the prompt."),
    "IMAGE_PROHIBITED_CONTENT": ("blocked", "The image was withheld as prohibited content; "
                                            "blocked images are not charged. Rephrase the prompt."),
    "IMAGE_RECITATION": ("blocked", "The image was withheld because it too closely recreated "
                                    "existing material. Make the prompt less specific to a known "
                                    "work."),
    "IMAGE_OTHER": ("no_image", "The model could not generate the image for a reason Google did "
                                "not name. Rephrase the prompt or retry."),
    "NO_IMAGE": ("no_image", "The model answered without an image. Ask explicitly for an image, "
                             "or retry."),
    "RECITATION": ("blocked", "The answer was stopped because it recited existing material. "
                              "Rephrase the prompt."),
    "PROHIBITED_CONTENT": ("blocked", "The answer was stopped as prohibited content. Rephrase "
                                      "the prompt."),
    "BLOCKLIST": ("blocked", "The answer was stopped because it contained a blocked term. "
                             "Remove the term and retry."),
    "SPII": ("blocked", "The answer was stopped because it might contain sensitive personal "
                        "information. Remove personal details and retry."),
    "MALFORMED_FUNCTION_CALL": ("no_image", "The model produced a malformed function call "
                                            "instead of an image. Remove tools and retry."),
    "OTHER": ("no_image", "The model stopped for a reason Google did not name. Retry, or "
                          "rephrase the prompt."),
}


def explain_finish(reason: str | None) -> tuple[str, str]:
    """(status, sentence) for an answer that held no final image."""
    if reason is None:
        return "no_image", ("The answer ended without a final image and without a finish reason "
                            "(it may have been cut off). Retry.")
    if reason in FINISH_REASONS:
        status, sentence = FINISH_REASONS[reason]
        return status, f"finishReason {reason}: {sentence}"
    return "no_image", (f"finishReason {reason} is one Banana Split does not know yet; no image "
                        "came back. Check Google's message below, then retry or rephrase.")
