"""An arm of a blind-review study run now: a platform and the settings of its request.

Neutral data shared by the study presets (review/) and the run that makes the images
(generation/prompt_set.py); no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

from playground.domain.catalog import DEFAULT_MODEL
from playground.domain.types import ImageRequest


@dataclass(frozen=True)
class ArmSetting:
    platform: str  # "aistudio" | "vertex"
    model: str = DEFAULT_MODEL
    image_size: str | None = None
    aspect_ratio: str | None = None
    output_mime_type: str | None = None  # Vertex only
    compression_quality: int | None = None  # Vertex only, JPEG only

    def request(self, prompt: str) -> ImageRequest:
        return ImageRequest(prompt=prompt, model=self.model, image_size=self.image_size,
                            aspect_ratio=self.aspect_ratio,
                            output_mime_type=self.output_mime_type,
                            compression_quality=self.compression_quality)
