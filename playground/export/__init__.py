"""Review packs: a zip of originals, manifest, pair metrics and an offline index.html (docs/export.md).

The Compare and History pages call `pack_bytes` (or `build_review_pack` with a stream); the CLI
is `python -m playground export`. See docs/export.md.

May import domain/, config, history/ and analysis/.
"""

from playground.export.pack import PackSummary, build_review_pack, pack_bytes, pack_filename
from playground.export.scrub import pack_secrets
from playground.export.selection import ExportSelectionError

__all__ = ["ExportSelectionError", "PackSummary", "build_review_pack", "pack_bytes",
           "pack_filename", "pack_secrets"]
