"""index.html: self-contained, escaped, previews embedded and linked to the originals."""

from __future__ import annotations

import base64
import io
from html.parser import HTMLParser
from pathlib import Path

from PIL import Image

from playground.export import build_review_pack
from playground.export.pack import PREVIEW_MAX_SIDE
from playground.history.reviews import Review, save_review
from playground.history.store import HistoryStore
from tests.export.conftest import add_generation, open_pack, scene

ATTACK = "<script>alert(1)</script>"
ATTR_ATTACK = "\"'><img src=x onerror=alert(2)>"


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text outside tags."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> Tags:
    parser = Tags()
    parser.feed(page)
    return parser


def hostile_pack(store: HistoryStore, tmp_path: Path) -> tuple[str, dict[str, bytes]]:
    a = add_generation(store, f"fox {ATTACK} & {ATTR_ATTACK}", [scene("JPEG")], group="g")
    add_generation(store, f"fox {ATTACK} & {ATTR_ATTACK}", [scene("PNG")], backend="vertex",
                   group="g")
    single = add_generation(store, f"</style><style>body{{display:none}}</style>{ATTACK}",
                            [scene("PNG", seed=5)])
    assert a.image and a.image.id and single.image and single.image.id
    save_review(store, Review(a.image.id, f"<b>{ATTR_ATTACK}</b>", 3, ["artefacts"],
                              f"comment {ATTACK}"))
    build_review_pack(store, last=3, out=tmp_path / "p.zip")
    pack = open_pack(tmp_path / "p.zip")
    return pack.html, pack.files


def test_user_text_cannot_inject_html(store: HistoryStore, tmp_path: Path) -> None:
    page, _ = hostile_pack(store, tmp_path)
    assert ATTACK not in page and ATTR_ATTACK not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    parsed = parse(page)
    tags = [t for t, _ in parsed.tags]
    assert "script" not in tags and tags.count("style") == 1
    for tag, attrs in parsed.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
    text = "".join(parsed.text)
    assert f"fox {ATTACK} & {ATTR_ATTACK}" in text  # shown to the reader as written
    assert f"comment {ATTACK}" in text


def test_page_is_self_contained_and_links_to_the_originals(store: HistoryStore,
                                                           tmp_path: Path) -> None:
    page, files = hostile_pack(store, tmp_path)
    parsed = parse(page)
    csp = [a for t, a in parsed.tags if t == "meta" and a.get("http-equiv")]
    assert csp and "default-src 'none'" in (csp[0]["content"] or "")
    assert not [t for t, a in parsed.tags if t in ("link", "script", "iframe", "object")]
    images = [a["src"] or "" for t, a in parsed.tags if t == "img"]
    assert len(images) == 3
    for src in images:
        assert src.startswith("data:image/jpeg;base64,")
        preview = Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1])))
        assert preview.format == "JPEG" and max(preview.size) <= PREVIEW_MAX_SIDE
    hrefs = [a["href"] or "" for t, a in parsed.tags if t == "a"]
    assert hrefs and all(h in files for h in hrefs)  # relative paths of files in the zip
    assert sum(h.startswith("images/") for h in hrefs) == 3
    assert "http://" not in page and "https://" not in page


def test_pairs_come_before_singles_with_stats_and_metrics(store: HistoryStore,
                                                          tmp_path: Path) -> None:
    page, _ = hostile_pack(store, tmp_path)
    assert page.index("id='pair-1'") < page.index("id='singles'")
    for label in ("Format (real)", "File size", "Pixels", "TTFB", "Total latency", "Tokens",
                  "Est. cost", "PSNR", "SSIM", "Why is one bigger?", "Review notes"):
        assert label in page, label
    assert "A · AI Studio" in page and "B · Vertex AI" in page


def test_previews_stay_small_for_large_images(store: HistoryStore, tmp_path: Path) -> None:
    big = add_generation(store, "big", [scene("JPEG", size=(2400, 1350), quality=90)])
    build_review_pack(store, generation_ids=[big.id or 0], out=tmp_path / "p.zip")
    page = open_pack(tmp_path / "p.zip").html
    (src,) = [a["src"] or "" for t, a in parse(page).tags if t == "img"]
    preview = Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1])))
    assert preview.size == (800, 450)
