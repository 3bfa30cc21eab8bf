"""A blind-review study leaves the app as votes (CSV or JSON) or as a study pack (zip).

The study pack holds `study.html` (the results, self-contained, no script: the same CSP as
index.html), `study.json` (the `study results --json` document plus every vote) and
`votes.csv`. Once the study is closed (revealed), it is also a review pack of the compared
generations (originals, manifest, index.html) and study.html lists each pair with its arms; an
open study's pack holds no images (the owner exports it; reviewers vote in the app).
The results document is computed by the caller (review/), so this module only writes.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from playground.domain.errors import ExportTargetError
from playground.domain.redaction import redact_text
from playground.export import study_html
from playground.export.manifest import csv_cell, to_json
from playground.export.pack import build_review_pack, check_target
from playground.history.store import HistoryStore
from playground.history.studies import Study, pair_images

STUDY_FILES = ("study.html", "study.json", "votes.csv")


def votes_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_cell(k, row.get(k)) for k in columns})
    return out.getvalue()


def study_texts(study: Study, results: dict[str, Any], rows: Sequence[dict[str, Any]],
                columns: Sequence[str], *, revealed: bool) -> dict[str, str]:
    return {"study.html": study_html.render(study, results, revealed=revealed),
            "study.json": to_json({**results, "votes": list(rows)}),
            "votes.csv": votes_csv(rows, columns)}


def _generation_ids(store: HistoryStore, study: Study) -> list[int]:
    ids: list[int] = []
    for image_id in sorted(pair_images(study.pairs)):
        found = store.find_image(image_id)
        if found is not None and found[0].id is not None and found[0].id not in ids:
            ids.append(found[0].id)
    return ids


def write_study_export(store: HistoryStore, study: Study, results: dict[str, Any],
                       rows: Sequence[dict[str, Any]], columns: Sequence[str], out: Path, *,
                       overwrite: bool = False, secrets: Iterable[str] = ()) -> str:
    """Write `out` by its extension (.csv votes, .json results and votes, .zip study pack),
    atomically; returns the sentence to show. ExportTargetError for a bad target."""
    kind = out.suffix.lower().lstrip(".")
    if kind not in ("csv", "json", "zip"):
        raise ExportTargetError(f"{out.name}: the study export is .csv (votes), .json (results "
                                "and votes) or .zip (study pack).", hint="Pass e.g. "
                                "--out study.zip")
    check_target(out, overwrite=overwrite)
    data, what = study_export(store, study, results, rows, columns, kind, secrets)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        check_target(out, overwrite=overwrite)
        os.replace(tmp, out)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return f"Wrote {out}: {what} of study {study.id}."


def study_export(store: HistoryStore, study: Study, results: dict[str, Any],
                 rows: Sequence[dict[str, Any]], columns: Sequence[str], kind: str,
                 secrets: Iterable[str] = ()) -> tuple[bytes, str]:
    """The export as bytes ("csv", "json" or "zip") and what it holds, in words."""
    secrets = list(secrets)
    revealed = not study.is_open
    texts = study_texts(study, results, rows, columns, revealed=revealed)
    if kind != "zip":
        name = "votes.csv" if kind == "csv" else "study.json"
        return redact_text(texts[name], secrets).encode("utf-8"), f"{len(rows)} votes"
    buffer = io.BytesIO()
    ids = _generation_ids(store, study) if revealed else []
    if ids:
        build_review_pack(store, generation_ids=ids, out=buffer, secrets=secrets)
    with zipfile.ZipFile(buffer, "a" if ids else "w") as zf:
        for name in STUDY_FILES:
            zf.writestr(name, redact_text(texts[name], secrets).encode("utf-8"),
                        compress_type=zipfile.ZIP_DEFLATED)
    what = ("the results, the votes and the labelled pairs" if ids
            else "the results and the votes (pairs are revealed once the study is closed)")
    return buffer.getvalue(), what
