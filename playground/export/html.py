"""index.html of a review pack: one self-contained page that opens offline.

Inline CSS only, no script, no font or image from anywhere: a Content-Security-Policy meta tag
allows nothing but inline styles and data: images, so even a mistake here cannot load or run
anything. Every piece of user text (prompts, comments, reviewer names, error messages) goes
through `esc`. Previews are small JPEG data URIs, so the page reads well straight from the zip;
each links to the original file by its relative path, which works once the zip is unzipped.

Previews are written as unguessable tokens and put in after the secret scrub (pack.py), so the
scrub never touches base64 and user text can never produce a preview.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from playground.domain.labels import human_bytes, platform_label, stats_rows
from playground.domain.types import GenerationResult
from playground.export.comparison import psnr_text
from playground.export.manifest import REQUEST_PARAMS, review_text
from playground.export.selection import PackImage, PackPair, Selection

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
STYLE = """
:root{color-scheme:light;--ink:#1d1d1f;--muted:#5f6368;--line:#dadce0;--warn:#b3261e;
--card:#fff;--bg:#f6f7f9;--accent:#f2b705}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);
font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
header,main,footer{max-width:1320px;margin:0 auto;padding:16px 24px}
header{border-bottom:4px solid var(--accent)}
h1{margin:.2em 0;font-size:1.6em}h2{margin:1.4em 0 .6em;font-size:1.3em}
h3{margin:0 0 .4em;font-size:1.1em}
.meta,.muted{color:var(--muted)}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px;
margin:0 0 20px}
.prompt{font-size:1.05em;white-space:pre-wrap;overflow-wrap:anywhere;margin:.2em 0 .4em}
.params{color:var(--muted);font-size:.9em;margin:0 0 12px}
.sides{display:grid;grid-template-columns:1fr 1fr;gap:16px}
.singles{display:grid;grid-template-columns:repeat(auto-fill,minmax(380px,1fr));gap:16px}
@media (max-width:800px){.sides{grid-template-columns:1fr}}
figure{margin:0 0 8px}figure img{display:block;max-width:100%;height:auto;border-radius:6px;
border:1px solid var(--line);background:#eee}
figcaption{font-weight:600;margin:6px 0}
.tag{display:inline-block;padding:0 6px;border-radius:4px;background:#e8eaed;font-size:.8em;
font-weight:600;margin-left:4px}.tag.draft{background:#fde68a}.tag.warn{background:#fcd4d1}
table{border-collapse:collapse;width:100%;font-size:.9em;margin:4px 0 8px}
th,td{text-align:left;vertical-align:top;padding:3px 8px 3px 0;border-bottom:1px solid #eee}
th{color:var(--muted);font-weight:500;width:34%}
.missing{padding:24px;border:2px dashed var(--warn);color:var(--warn);border-radius:6px;
overflow-wrap:anywhere}
.alert{border-left:4px solid var(--warn);background:#fdecea;padding:8px 12px;margin:8px 0}
.reviews{margin:6px 0 0;padding-left:18px}.reviews li{overflow-wrap:anywhere}
.why li{margin:0 0 4px}
.compare{margin-top:16px;border-top:1px solid var(--line);padding-top:12px}
a{color:#0b57d0}code{font-size:.9em}
"""


@dataclass(frozen=True)
class PageInput:
    """What index.html shows; built by pack.py from the selection and the computed entries."""

    selection: Selection
    rows: Mapping[int, dict[str, Any]]  # image_id → manifest row
    pair_entries: Mapping[str, dict[str, Any]]  # pair_id → metrics.json entry
    previews: Mapping[int, str]  # image_id → preview token (absent: no preview)
    preview_problems: Mapping[int, str]  # image_id → why there is no preview
    created_at: str
    missing: Sequence[str]


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def render_page(page: PageInput) -> str:
    sel = page.selection
    paired = {i.image_id for p in sel.pairs for i in (p.a, p.b)}
    singles = [i for i in sel.images if i.image_id not in paired]
    parts = [_head(page), "<main>"]
    if sel.pairs:
        parts.append("<section id='pairs'><h2>Pairs</h2>")
        parts += [_pair(page, p) for p in sel.pairs]
        parts.append("</section>")
    if singles:
        title = "Other images" if sel.pairs else "Images"
        parts.append(f"<section id='singles'><h2>{title}</h2><div class='singles'>")
        parts += [_single(page, i) for i in singles]
        parts.append("</div></section>")
    if sel.failed_results:
        parts.append("<section id='failed'><h2>Generations without an image</h2>")
        parts += [_failed(r) for r in sel.failed_results]
        parts.append("</section>")
    parts.append("</main>" + _footer() + "</body></html>\n")
    return "\n".join(parts)


def _head(page: PageInput) -> str:
    sel = page.selection
    counts = (f"{len(sel.images)} image{'s' if len(sel.images) != 1 else ''} · "
              f"{len(sel.pairs)} pair{'s' if len(sel.pairs) != 1 else ''} · "
              f"{len(sel.results)} generation{'s' if len(sel.results) != 1 else ''}")
    chosen = {"generations": "generations " + ", ".join(f"#{i}" for i in sel.requested),
              "images": "images " + ", ".join(f"#{i}" for i in sel.requested),
              "last": f"the last {sel.requested[0]} generations"}[sel.kind]
    alert = "".join(f"<p class='alert'>{esc(m)}</p>" for m in page.missing)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">"
        "<meta name='referrer' content='no-referrer'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>Banana Split review pack · {esc(page.created_at)}</title>"
        f"<style>{STYLE}</style></head><body><header>"
        "<h1>Banana Split review pack</h1>"
        f"<p class='meta'>Created {esc(page.created_at)} · {esc(counts)} · {esc(chosen)}</p>"
        "<p class='muted'>Previews are small JPEGs embedded in this page; click one to open the "
        "original file (unzip the pack first). Every number is in <a href='manifest.json'>"
        "manifest.json</a>, <a href='manifest.csv'>manifest.csv</a> and "
        "<a href='metrics.json'>metrics.json</a>.</p>"
        f"{alert}</header>"
    )


def _pair(page: PageInput, pair: PackPair) -> str:
    entry = page.pair_entries[pair.pair_id]
    kind = (f"Both run <code>{esc(pair.group_id)}</code>" if pair.kind == "both-run"
            else "the two selected images")
    same = pair.a.result.request == pair.b.result.request
    intro = (_params(pair.a.result, pair.a.result.request.prompt) if same else
             _params(pair.a.result, pair.a.result.request.prompt, "A: ")
             + _params(pair.b.result, pair.b.result.request.prompt, "B: "))
    return (
        f"<article class='card pair' id='{esc(pair.pair_id)}'>"
        f"<h3>Pair {pair.number} · {kind}</h3>{intro}"
        f"<div class='sides'>{_side(page, pair.a, 'A')}{_side(page, pair.b, 'B')}</div>"
        f"{_metrics(entry)}</article>"
    )


def _single(page: PageInput, item: PackImage) -> str:
    return (f"<article class='card single' id='image-{item.image_id}'>"
            f"{_params(item.result, item.result.request.prompt)}"
            f"{_side(page, item, None)}</article>")


def _params(result: GenerationResult, prompt: str, label: str = "") -> str:
    """The prompt, then the model and every request parameter that was set."""
    req = result.request
    shown = [f"{name.replace('_', ' ')} {getattr(req, name)}" for name in REQUEST_PARAMS
             if getattr(req, name) not in (None, False)]
    return (f"<p class='prompt'>{esc(label)}{esc(prompt)}</p>"
            f"<p class='params'>{esc(' · '.join(['model ' + req.model, *shown]))}</p>")


def _side(page: PageInput, item: PackImage, label: str | None) -> str:
    row = page.rows[item.image_id]
    who = f"{label} · " if label else ""
    caption = (f"{esc(who)}{esc(platform_label(item.result.backend))} · image #{item.image_id}"
               f" <span class='muted'>(generation #{item.generation_id})</span>")
    if item.is_draft:
        caption += "<span class='tag draft'>draft</span>"
    if row["file_status"] != "ok":
        caption += f"<span class='tag warn'>{esc(row['file_status'])}</span>"
    return (f"<div class='side'><figure>{_picture(page, item, row)}"
            f"<figcaption>{caption}</figcaption></figure>{_stats(page, item, row)}"
            f"{_reviews(row)}</div>")


def _picture(page: PageInput, item: PackImage, row: dict[str, Any]) -> str:
    href = esc(item.pack_path)
    if row["file_status"] == "missing":
        return (f"<div class='missing'>File missing: this image's file was deleted from the "
                f"history folder before the export, so <code>{href}</code> is not in the pack."
                "</div>")
    token = page.previews.get(item.image_id)
    if token is None:
        why = page.preview_problems.get(item.image_id, "no preview")
        return (f"<div class='missing'>No preview ({esc(why)}). "
                f"<a href='{href}'>Open the original</a>.</div>")
    alt = f"{platform_label(item.result.backend)} image #{item.image_id}"
    return f"<a href='{href}'><img src='{token}' alt='{esc(alt)}' loading='eager'></a>"


def _stats(page: PageInput, item: PackImage, row: dict[str, Any]) -> str:
    """The app's stats card (report.stats_rows) for this very image, drafts included."""
    shown = replace(item.facts, is_draft=False)
    rows = stats_rows(replace(item.result, images=[shown]))
    rows += [("SHA-256", f"{item.facts.sha256[:16]}…"), ("File", item.pack_path)]
    twins = [f"#{i.image_id}" for i in page.selection.images
             if i.pack_path == item.pack_path and i.image_id != item.image_id]
    if twins:
        rows.append(("Same bytes as", "image " + ", ".join(twins)))
    if row["file_status"] == "changed":
        rows.append(("Warning", "the file on disk no longer matches its recorded SHA-256"))
    body = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    return f"<table class='stats'>{body}</table>"


def _reviews(row: dict[str, Any]) -> str:
    if not row["reviews"]:
        return "<p class='muted'>No review notes.</p>"
    items = "".join(f"<li>{esc(review_text(v))}</li>" for v in row["reviews"])
    return f"<p><strong>Review notes</strong></p><ul class='reviews'>{items}</ul>"


def _metrics(entry: dict[str, Any]) -> str:
    parts = ["<div class='compare'><h3>Comparison</h3>"]
    if entry["error"]:
        parts.append(f"<p class='alert'>{esc(entry['error'])}</p>")
    m = entry["metrics"]
    if m:
        rows = [("PSNR", psnr_text(m)),
                ("SSIM", "not computed" if m["ssim"] is None else f"{m['ssim']:.4f}"),
                ("Mean abs. difference", f"{m['mad']:.2f} of 255"),
                ("Max difference", f"{m['max_diff']} of 255"),
                ("Where", m["concentration"]),
                ("Hotspots", "; ".join(h["description"] for h in m["hotspots"]) or "none"),
                ("Compared at", f"{m['width']}×{m['height']}"),
                *(("Note", n) for n in m["notes"]),
                ("SSIM method", m["ssim_method"])]
        parts.append("<table class='metrics'>" + "".join(
            f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows) + "</table>")
    parts.append(_breakdown(entry["byte_breakdown"]))
    parts.append("<h3>Why is one bigger?</h3><ul class='why'>"
                 + "".join(f"<li>{esc(s)}</li>" for s in entry["why_bigger"]) + "</ul>")
    if entry["like_for_like"] is None:
        parts.append("<p class='muted'>Like-for-like re-encode not run (export with "
                     "--like-for-like to measure it; it takes about 12 s for a 4K pair).</p>")
    return "".join(parts) + "</div>"


def _breakdown(pair: dict[str, Any]) -> str:
    a, b = pair["a"], pair["b"]
    if not a or not b:
        return ""
    parts = (("Pixel data", "pixel_bytes"), ("Metadata", "metadata_bytes"),
             ("Container", "container_bytes"), ("After the end", "trailing_bytes"))
    body = "".join(f"<tr><th>{esc(label)}</th><td>{esc(human_bytes(a[key]))}</td>"
                   f"<td>{esc(human_bytes(b[key]))}</td></tr>" for label, key in parts)
    return ("<table class='breakdown'><tr><th>Bytes</th><th>A</th><th>B</th></tr>"
            f"{body}</table>")


def _failed(result: GenerationResult) -> str:
    err = result.error
    lines = [f"{platform_label(result.backend)} · {result.model} · status {result.status}"
             + (f" (HTTP {result.http_status})" if result.http_status else "")]
    if result.explanation:
        lines.append(result.explanation)
    if err is not None:
        lines += [f"Error: {err.message}", f"Hint: {err.hint}"]
    body = "".join(f"<p>{esc(t)}</p>" for t in lines)
    return (f"<article class='card failed' id='generation-{result.id}'>"
            f"<h3>Generation #{result.id}</h3>{_params(result, result.request.prompt)}"
            f"{body}</article>")


def _footer() -> str:
    return ("<footer class='muted'>Made by Banana Split. Sizes are decimal (1 MB = 1,000,000 "
            "bytes). PSNR and SSIM are computed on aligned pixels (see metrics.json).</footer>")
