"""'Why is one bigger?': sentences computed from two images' facts, never a fixed template.

Shares of a size gap are measured on a log scale: if A is 4× B and, re-encoded identically, 1.1×
B, the encoding explains 1 − ln 1.1 / ln 4 ≈ 93 % of the gap. Sizes use decimal units
(1 MB = 1,000,000 bytes), as the article being checked does.
"""

from __future__ import annotations

import math
from collections import defaultdict

from playground.analysis.reencode import LikeForLike
from playground.domain import imaging
from playground.domain.labels import human_bytes
from playground.domain.types import ImageFacts

SAME_SIZE_TOLERANCE = 0.01  # within 1 % counts as "the same size"
RATIO_CHANGE_WORTH_SAYING = 0.05
CODEC_KIND = {"PNG": "lossless", "JPEG": "lossy", "WebP": "lossy or lossless",
              "GIF": "lossless, 256 colours", "HEIF": "lossy", "AVIF": "lossy"}


def explain_size_difference(facts_a: ImageFacts, facts_b: ImageFacts,
                            like_for_like: LikeForLike | None = None) -> list[str]:
    """Sentences for the 'Why is one bigger?' panel, in order of what explains most."""
    if facts_a.size_bytes <= 0 or facts_b.size_bytes <= 0:
        empty = "A" if facts_a.size_bytes <= 0 else "B"
        return [f"Image {empty} has no bytes, so there is nothing to compare."]
    ratio = facts_a.size_bytes / facts_b.size_bytes
    sentences = [size_sentence(facts_a, facts_b, ratio),
                 format_sentence(facts_a, facts_b, ratio, like_for_like),
                 pixel_sentence(facts_a, facts_b),
                 metadata_sentence(facts_a, facts_b, ratio),
                 bits_sentence(facts_a, facts_b)]
    return [s for s in sentences if s]


def _is_same_size(ratio: float) -> bool:
    return abs(math.log(ratio)) < math.log(1 + SAME_SIZE_TOLERANCE)


def size_sentence(a: ImageFacts, b: ImageFacts, ratio: float) -> str:
    if a.size_bytes == b.size_bytes:
        return f"A and B are exactly the same size: {a.size_bytes:,} bytes each."
    if _is_same_size(ratio):
        return (f"A and B are the same size to within 1% ({human_bytes(a.size_bytes)} and "
                f"{human_bytes(b.size_bytes)}).")
    big, small, r = ("A", "B", ratio) if ratio > 1 else ("B", "A", 1 / ratio)
    sizes = {"A": a.size_bytes, "B": b.size_bytes}
    return (f"{big} is {r:.2f}× the size of {small} ({human_bytes(sizes[big])} against "
            f"{human_bytes(sizes[small])}).")


def _format(f: ImageFacts) -> str:
    return imaging.format_name(f.sniffed_mime)


def format_sentence(a: ImageFacts, b: ImageFacts, ratio: float,
                    l4l: LikeForLike | None) -> str:
    fa, fb = _format(a), _format(b)
    if fa != fb:
        head = (f"A is {fa} ({CODEC_KIND.get(fa, 'unknown codec')}) and B is {fb} "
                f"({CODEC_KIND.get(fb, 'unknown codec')}).")
    else:
        head = f"Both are {fa}, so the file format itself is not the difference."
    if l4l is None:
        return head + " No like-for-like re-encode was run, so the encoding's share of the " \
                      "gap is not measured."
    same = " " + l4l.sentence()
    if _is_same_size(ratio):
        return head + same
    cause = "the format difference" if fa != fb else "how each file was encoded"
    # the matched encode (the JPEG's own tables) avoids double-compression bias; prefer it
    same_ratio = l4l.matched_ratio if l4l.matched_ratio is not None else l4l.jpeg_ratio
    return head + same + " " + _share_words(ratio, same_ratio, cause)


def _share_words(ratio: float, same_ratio: float, cause: str) -> str:
    share = 1 - math.log(same_ratio) / math.log(ratio)
    if share > 1.0 and not _is_same_size(same_ratio):
        return (f"So {cause} explains all of the gap and more: encoded the same way, the "
                "smaller file would be the larger one.")
    if share < 0:
        return (f"Encoded the same way the gap would be wider ({same_ratio:.2f}× instead of "
                f"{ratio:.2f}×), so {cause} narrows the gap rather than explains it.")
    if share >= 0.9:
        return f"So {cause} explains nearly all of the gap ({min(share, 1.0):.0%})."
    if share <= 0.1:
        return (f"So {cause} explains little of the gap ({share:.0%}); the rest is "
                "in the pixels: their count and how much fine detail or noise they hold.")
    return (f"So {cause} explains about {share:.0%} of the gap; the rest is in the pixels: "
            "their count and how much fine detail or noise they hold.")


def pixel_sentence(a: ImageFacts, b: ImageFacts) -> str:
    if not (a.width and a.height and b.width and b.height):
        unknown = "A" if not (a.width and a.height) else "B"
        return f"The pixel size of {unknown} is unknown, so bytes per pixel cannot be compared."
    pa, pb = a.width * a.height, b.width * b.height
    if pa == pb:
        same_shape = (a.width, a.height) == (b.width, b.height)
        dims = f"{a.width}×{a.height}" if same_shape else f"{a.width}×{a.height} and " \
                                                          f"{b.width}×{b.height}"
        return f"Both have {pixels_text(pa)} ({dims}), so pixel count plays no part."
    big, small = ("A", "B") if pa > pb else ("B", "A")
    r = max(pa, pb) / min(pa, pb)
    return (f"{big} has {r:.2f}× the pixels of {small} ({a.width}×{a.height} against "
            f"{b.width}×{b.height}); at equal bits per pixel that alone makes {big} {r:.2f}× "
            "larger.")


def pixels_text(n: int) -> str:
    return f"{n / 1e6:.2f} Mpx" if n >= 10_000 else f"{n:,} pixel{'s' if n != 1 else ''}"


def _metadata_words(f: ImageFacts) -> str:
    by_label: dict[str, int] = defaultdict(int)
    for seg in f.segments:
        by_label[seg.label] += seg.size_bytes
    top = sorted(by_label.items(), key=lambda kv: -kv[1])[:3]
    parts = ", ".join(f"{label} {human_bytes(n)}" for label, n in top)
    more = ", …" if len(by_label) > 3 else ""
    return (f"{human_bytes(f.metadata_bytes)} of metadata ({parts}{more}), "
            f"{f.metadata_bytes / f.size_bytes:.1%} of its bytes")


def metadata_sentence(a: ImageFacts, b: ImageFacts, ratio: float) -> str:
    if a.metadata_bytes == 0 and b.metadata_bytes == 0:
        return "Neither file carries metadata segments (EXIF, XMP, C2PA, ICC or text chunks)."
    words = [f"{name} carries " + (_metadata_words(f) if f.metadata_bytes else "none")
             for name, f in (("A", a), ("B", b))]
    text = "; ".join(words) + "."
    for name, f in (("A", a), ("B", b)):
        if f.metadata_bytes > f.size_bytes / 2:
            text += (f" Metadata is most of {name} ({f.metadata_bytes / f.size_bytes:.0%} of "
                     f"{human_bytes(f.size_bytes)}): for a file this small it, not the pixels, "
                     "sets the size.")
    bare_a, bare_b = a.size_bytes - a.metadata_bytes, b.size_bytes - b.metadata_bytes
    if bare_a > 0 and bare_b > 0:
        bare = bare_a / bare_b
        if abs(math.log(bare / ratio)) > math.log(1 + RATIO_CHANGE_WORTH_SAYING):
            text += f" Without metadata A would be {bare:.2f}× B instead of {ratio:.2f}×."
    return text


def bits_sentence(a: ImageFacts, b: ImageFacts) -> str:
    bpp_a, bpp_b = a.bytes_per_pixel, b.bytes_per_pixel
    if bpp_a is None or bpp_b is None:
        return ""
    return (f"A spends {bpp_a * 8:,.2f} bits per pixel and B {bpp_b * 8:,.2f} (uncompressed "
            "8-bit RGB is 24).")
