from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from playground.analysis.decoding import decode_image
from playground.analysis.reencode import (
    LikeForLike,
    encode,
    encode_jpeg,
    jpeg_settings,
    like_for_like,
)
from playground.analysis.scenes import photo_like_scene
from tests.analysis.builders import encode_array


def test_identical_images_reencode_to_identical_sizes(scene_png: bytes) -> None:
    l4l = like_for_like(scene_png, scene_png)
    assert l4l.png_ratio == 1.0
    assert l4l.jpeg_ratio == 1.0


def test_png_and_its_jpeg_reencode_close_together(scene: np.ndarray, scene_png: bytes) -> None:
    jpeg = encode_array(scene, "JPEG", quality=95)
    assert len(scene_png) / len(jpeg) > 2, "the originals differ a lot in size"
    l4l = like_for_like(scene_png, jpeg)
    assert 0.8 < l4l.jpeg_ratio < 1.25, "re-encoded the same way the gap mostly disappears"


def test_metadata_is_not_carried_over(scene: np.ndarray) -> None:
    plain = encode_array(scene, "JPEG", quality=90)
    with_exif = encode_array(scene, "JPEG", quality=90, exif=b"Exif\x00\x00" + b"\x00" * 5000)
    assert len(with_exif) > len(plain) + 5000
    l4l = like_for_like(with_exif, plain)
    assert (l4l.jpeg_a, l4l.png_a) == (l4l.jpeg_b, l4l.png_b)
    assert l4l.jpeg_b == len(encode_jpeg(decode_image(plain), 90))


def test_sentence_reports_both_ratios() -> None:
    l4l = LikeForLike(png_a=300, png_b=200, jpeg_a=103, jpeg_b=100)
    assert l4l.sentence() == "Re-encoded identically, A is 1.03× B as JPEG q90 and 1.50× B as PNG."


def test_encode_rejects_unknown_formats_and_missing_quality() -> None:
    img = Image.fromarray(photo_like_scene(8, 8))
    with pytest.raises(ValueError, match="unknown format"):
        encode(img, "AVIF", 50)
    with pytest.raises(ValueError, match="needs a quality"):
        encode(img, "JPEG")


def test_matched_encode_copies_the_jpeg_settings(scene: np.ndarray, scene_png: bytes) -> None:
    jpeg = encode_array(scene, "JPEG", quality=95)
    l4l = like_for_like(scene_png, jpeg)
    assert l4l.matched_to == "B"
    assert l4l.matched_a == len(jpeg), "A through B's encoder gives B's exact file size"
    assert l4l.matched_ratio == pytest.approx(1.0, abs=0.02)  # B re-encoded: ~1 % smaller
    assert "Encoded with B's own JPEG tables and subsampling, A is 1.01× B." in l4l.sentence()


def test_matched_encode_uses_the_smaller_jpeg(scene: np.ndarray) -> None:
    high, low = encode_array(scene, "JPEG", quality=98), encode_array(scene, "JPEG", quality=60)
    assert like_for_like(high, low).matched_to == "B"
    assert like_for_like(low, high).matched_to == "A"


def test_no_matched_encode_without_a_jpeg(scene_png: bytes) -> None:
    l4l = like_for_like(scene_png, scene_png)
    assert (l4l.matched_a, l4l.matched_b, l4l.matched_to, l4l.matched_ratio) == (
        None, None, None, None)


def test_jpeg_settings_reads_tables_and_subsampling(scene: np.ndarray, scene_png: bytes) -> None:
    settings = jpeg_settings(encode_array(scene, "JPEG", quality=80, subsampling="4:4:4"))
    assert settings is not None
    assert settings.subsampling == 0
    assert len(settings.qtables) == 2
    assert jpeg_settings(scene_png) is None
    assert jpeg_settings(b"\xff\xd8\xff garbage") is None
