"""Two ways to a larger image, side by side: a plain Lanczos resize of the smaller result, and
the model regenerating at the larger size from it ("generate at 1K, then upscale"; Imagen's
upscaler is retired, see catalog.IMAGEN_UPSCALER). How far the regenerated image departs from
the resize is measured like any pair: SSIM and PSNR at the larger size (docs/analysis.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from playground.analysis import decoding
from playground.analysis.metrics import PairMetrics, compute_metrics


@dataclass(frozen=True)
class UpscalePaths:
    resized: Image.Image  # the small image, Lanczos-resized to the regenerated one's size
    regenerated: Image.Image
    metrics: PairMetrics  # resize (A) against regenerated (B), at the regenerated size

    @property
    def factor(self) -> float:
        return self.regenerated.width / max(1, self.source_width)

    source_width: int = 0


def lanczos_resize(img: Image.Image, size: tuple[int, int]) -> Image.Image:
    rgb = img if img.mode == "RGB" else img.convert("RGB")
    return rgb if rgb.size == size else rgb.resize(size, Image.Resampling.LANCZOS)


def compare_upscale(source: bytes, regenerated: bytes) -> UpscalePaths:
    """Decode both (AnalysisInputError in words for bad bytes), resize the source with Lanczos to
    the regenerated image's pixel size, and measure the pair."""
    small = decoding.decode_image(source, "The original")
    big = decoding.decode_image(regenerated, "The regenerated image")
    big_rgb = big if big.mode == "RGB" else big.convert("RGB")
    resized = lanczos_resize(small, big_rgb.size)
    metrics = compute_metrics(decoding.image_to_array(resized), decoding.image_to_array(big_rgb))
    return UpscalePaths(resized, big_rgb, metrics, source_width=small.width)
