"""What Generate edits with, kept per browser session: the input images, the threads being
continued, the signature mode and the variant count; and the requests they make.

Input images live here with their bytes (a session holds at most 14 of ≤ 7 MB); they are
written to the history, content-addressed, when a request is begun. A conversation is a thread
per platform: "Continue editing" on a result puts it (and its Both sibling) here, and the next
Generate sends each platform the next turn of its own thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from playground.app.controls import FormState
from playground.app.runtime import Runtime
from playground.domain.errors import PlaygroundError
from playground.domain.input_fit import fit_input, needs_fit
from playground.domain.options import RequestCheck, check_request
from playground.domain.turns import InputImage, SignatureMode
from playground.domain.types import GenerationResult, ImageRequest
from playground.generation.conversation import (
    continuation,
    regenerate_larger,
    threads_to_continue,
)

STATE_KEY = "edit_state"


@dataclass
class EditState:
    inputs: list[InputImage] = field(default_factory=list)
    threads: dict[str, int] = field(default_factory=dict)  # platform → generation continued
    signatures: SignatureMode = "replay"
    fit: bool = False  # the user allows re-encoding images the model cannot take
    uploader_round: int = 0  # bumped to empty the uploader once its files are taken in

    def add(self, image: InputImage) -> bool:
        """Add unless the same bytes are already there; True when added."""
        if any(i.sha256 == image.sha256 for i in self.inputs):
            return False
        self.inputs.append(image)
        return True

    def move(self, index: int, step: int) -> None:
        target = index + step
        if 0 <= index < len(self.inputs) and 0 <= target < len(self.inputs):
            self.inputs[index], self.inputs[target] = self.inputs[target], self.inputs[index]

    def remove(self, index: int) -> None:
        if 0 <= index < len(self.inputs):
            del self.inputs[index]

    @property
    def needs_consent(self) -> bool:
        return any(needs_fit(i) for i in self.inputs)

    def sent_inputs(self) -> tuple[InputImage, ...]:
        """The images as they will go out: re-encoded only where the user allowed it."""
        return tuple(fit_input(i) if self.fit and needs_fit(i) else i for i in self.inputs)


def edit_state() -> EditState:
    state = st.session_state.get(STATE_KEY)
    if not isinstance(state, EditState):
        state = EditState()
        st.session_state[STATE_KEY] = state
    return state


def continue_from(runtime: Runtime, result: GenerationResult, *, with_siblings: bool = True) -> None:
    """Make `result`'s thread (and its Both sibling's) the conversation Generate continues."""
    assert result.id is not None
    platforms = None if not with_siblings else ["aistudio", "vertex"]
    threads = threads_to_continue(runtime.store, [result.id], platforms)
    state = edit_state()
    if with_siblings:
        state.threads = {p: r.id for p, r in threads.items() if r.id is not None}
    else:
        state.threads[result.backend] = result.id
    state.inputs = []


def form_requests(runtime: Runtime, form: FormState, state: EditState,
                  ) -> tuple[dict[str, RequestCheck], list[str]]:
    """Each platform's checked request, and the platforms, for the form and the edit state: new
    prompts on the form's platforms, or the next turn of each thread being continued."""
    try:
        inputs = state.sent_inputs()
    except PlaygroundError as exc:  # an image that cannot be re-encoded (HEIC)
        return {}, [str(exc)]
    base = form.request.with_(inputs=inputs)
    if not state.threads:
        check = check_request(base, form.platforms, listed=runtime.listed(),
                              allow_unlisted=form.check.allow_unlisted)
        return {p: check for p in form.platforms}, check.problems
    requests: dict[str, ImageRequest] = {}
    try:
        threads = threads_to_continue(runtime.store, list(state.threads.values()))
        for platform, parent in threads.items():
            requests[platform] = continuation(
                runtime.store, parent, base.prompt, inputs=inputs, signatures=state.signatures,
                aspect_ratio=base.aspect_ratio, image_size=base.image_size,
                output_mime_type=base.output_mime_type,
                compression_quality=base.compression_quality,
                include_thoughts=base.include_thoughts, seed=base.seed)
    except PlaygroundError as exc:
        return {}, [str(exc)]
    checks = {p: check_request(r, [p], listed=runtime.listed(),
                               allow_unlisted=form.check.allow_unlisted)
              for p, r in requests.items()}
    problems = list(dict.fromkeys(m for c in checks.values() for m in c.problems))
    return checks, problems


def regenerate_requests(runtime: Runtime, gen_id: int, size: str,
                        ) -> tuple[dict[str, RequestCheck], list[str]]:
    """"Regenerate at 2K/4K from this": the result's platform, its prompt and settings at
    `size`, its image as the reference."""
    result = runtime.store.get(gen_id)
    if result is None:
        return {}, [f"Generation #{gen_id} is no longer in History."]
    try:
        request = regenerate_larger(runtime.store, result, size)
    except PlaygroundError as exc:
        return {}, [str(exc)]
    check = check_request(request, [result.backend], listed=runtime.listed())
    return {result.backend: check}, check.problems


def raw_inputs(state: EditState) -> tuple[InputImage, ...]:
    """The inputs for the raw editor; the originals if re-encoding one fails (said elsewhere)."""
    try:
        return state.sent_inputs()
    except PlaygroundError:
        return tuple(state.inputs)
