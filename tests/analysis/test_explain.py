"""'Why is one bigger?' sentences follow the facts: change a fact, the words change."""

from __future__ import annotations

from dataclasses import replace

import pytest

from playground.analysis.explain import explain_size_difference, human_bytes
from playground.analysis.reencode import LikeForLike
from playground.domain.types import ImageFacts, Segment

C2PA_PNG = Segment("caBX", "C2PA/JUMBF", 20_000)
C2PA_JPEG = Segment("APP11", "C2PA/JUMBF", 20_000)
XMP = Segment("APP1", "XMP", 3_000)


def facts(size: int, mime: str, width: int | None = 5504, height: int | None = 3072,
          segments: list[Segment] | None = None) -> ImageFacts:
    return ImageFacts(size_bytes=size, sha256="0" * 64, declared_mime=mime, sniffed_mime=mime,
                      width=width, height=height, segments=segments or [])


VERTEX = facts(20_000_000, "image/png", segments=[C2PA_PNG])
AISTUDIO = facts(4_000_000, "image/jpeg", segments=[C2PA_JPEG, XMP])


def text(sentences: list[str]) -> str:
    return " ".join(sentences)


def test_png_against_jpeg_mostly_format() -> None:
    l4l = LikeForLike(png_a=21_000_000, png_b=20_500_000, jpeg_a=4_200_000, jpeg_b=4_000_000)
    s = explain_size_difference(VERTEX, AISTUDIO, l4l)
    assert s[0] == "A is 5.00× the size of B (20.0 MB against 4.0 MB)."
    assert s[1].startswith("A is PNG (lossless) and B is JPEG (lossy).")
    assert "Re-encoded identically, A is 1.05× B as JPEG q90 and 1.02× B as PNG." in s[1]
    assert "the format difference explains nearly all of the gap (97%)" in s[1]
    assert "Both have 16.91 Mpx (5504×3072), so pixel count plays no part." in s
    assert "A carries 20.0 kB of metadata (C2PA/JUMBF 20.0 kB), 0.1% of its bytes" in s[3]
    assert "B carries 23.0 kB of metadata (C2PA/JUMBF 20.0 kB, XMP 3.0 kB)" in s[3]
    assert s[4] == "A spends 9.46 bits per pixel and B 1.89 (uncompressed 8-bit RGB is 24)."


def test_share_depends_on_the_like_for_like_ratio() -> None:
    half = LikeForLike(png_a=2, png_b=1, jpeg_a=2_236_068, jpeg_b=1_000_000)  # √5: half the gap
    assert "explains about 50% of the gap" in text(explain_size_difference(VERTEX, AISTUDIO, half))
    little = LikeForLike(png_a=5, png_b=1, jpeg_a=4_800_000, jpeg_b=1_000_000)
    assert "explains little of the gap (3%)" in text(
        explain_size_difference(VERTEX, AISTUDIO, little))
    flipped = LikeForLike(png_a=1, png_b=1, jpeg_a=900_000, jpeg_b=1_000_000)
    assert "all of the gap and more" in text(explain_size_difference(VERTEX, AISTUDIO, flipped))
    wider = LikeForLike(png_a=1, png_b=1, jpeg_a=8_000_000, jpeg_b=1_000_000)
    assert "narrows the gap rather than explains it" in text(
        explain_size_difference(VERTEX, AISTUDIO, wider))


def test_same_format_blames_the_encoding() -> None:
    high_q = facts(9_000_000, "image/jpeg")
    low_q = facts(3_000_000, "image/jpeg")
    l4l = LikeForLike(png_a=1, png_b=1, jpeg_a=1_000_000, jpeg_b=1_000_000)
    s = text(explain_size_difference(high_q, low_q, l4l))
    assert "Both are JPEG, so the file format itself is not the difference." in s
    assert "how each file was encoded explains nearly all of the gap (100%)" in s
    assert "Neither file carries metadata" in s


def test_different_pixel_counts() -> None:
    big = facts(8_000_000, "image/png", 2752, 1536)
    small = facts(2_000_000, "image/png", 1376, 768)
    s = explain_size_difference(big, small)
    assert ("A has 4.00× the pixels of B (2752×1536 against 1376×768); at equal bits per pixel "
            "that alone makes A 4.00× larger.") in s
    flipped = explain_size_difference(small, big)
    assert "B has 4.00× the pixels of A" in text(flipped)
    assert "B is 4.00× the size of A" in flipped[0]


def test_metadata_dominated_tiny_images() -> None:
    tiny_signed = facts(30_000, "image/png", 1, 1, [Segment("caBX", "C2PA/JUMBF", 29_000)])
    tiny_plain = facts(1_000, "image/png", 1, 1)
    s = text(explain_size_difference(tiny_signed, tiny_plain))
    assert "Metadata is most of A (97% of 30.0 kB)" in s
    assert "Without metadata A would be 1.00× B instead of 30.00×." in s
    assert "B carries none" in s


def test_equal_sizes() -> None:
    s = explain_size_difference(AISTUDIO, AISTUDIO)
    assert s[0] == "A and B are exactly the same size: 4,000,000 bytes each."
    near = replace(AISTUDIO, size_bytes=4_010_000)
    assert explain_size_difference(near, AISTUDIO)[0].startswith(
        "A and B are the same size to within 1%")


def test_missing_like_for_like_and_dimensions() -> None:
    unknown = facts(1_000, "image/jpeg", None, None)
    s = text(explain_size_difference(AISTUDIO, unknown))
    assert "No like-for-like re-encode was run" in s
    assert "The pixel size of B is unknown" in s
    assert "bits per pixel and" not in s


def test_empty_image() -> None:
    assert explain_size_difference(replace(AISTUDIO, size_bytes=0), AISTUDIO) == [
        "Image A has no bytes, so there is nothing to compare."]


@pytest.mark.parametrize("field", ["size_bytes", "sniffed_mime", "width", "segments"])
def test_sentences_change_when_facts_change(field: str) -> None:
    changed = {"size_bytes": 7_000_000, "sniffed_mime": "image/webp", "width": 2752,
               "segments": []}[field]
    before = explain_size_difference(VERTEX, AISTUDIO)
    after = explain_size_difference(VERTEX, replace(AISTUDIO, **{field: changed}))
    assert before != after


@pytest.mark.parametrize(("n", "words"), [(999, "999 bytes"), (1_500, "1.5 kB"),
                                          (17_200_000, "17.2 MB")])
def test_human_bytes(n: int, words: str) -> None:
    assert human_bytes(n) == words


def test_tiny_images_count_pixels_not_megapixels() -> None:
    one = facts(30_000, "image/png", 1, 1)
    s = explain_size_difference(one, replace(one, size_bytes=1_000))
    assert "Both have 1 pixel (1×1), so pixel count plays no part." in s
    assert s[-1] == "A spends 240,000.00 bits per pixel and B 8,000.00 (uncompressed 8-bit RGB is 24)."


def test_matched_ratio_is_preferred_for_the_share() -> None:
    # q90 alone would say "all of the gap and more" (double-compression bias on the JPEG side)
    l4l = LikeForLike(png_a=3, png_b=2, jpeg_a=690, jpeg_b=1000, matched_a=1_000_000,
                      matched_b=1_003_000, matched_to="B")
    s = explain_size_difference(VERTEX, AISTUDIO, l4l)[1]
    assert "Encoded with B's own JPEG tables and subsampling, A is 1.00× B." in s
    assert "the format difference explains nearly all of the gap (100%)" in s
