"""Untrusted text stays text: prompts, server messages and file names are shown as written,
never interpreted as Markdown or HTML (a prompt of `![p](http://host/x.png)` must not make every
viewer's browser fetch that host).

Streamlit renders Markdown in st.markdown, st.caption, st.error and friends; `plain()` escapes
every character that starts Markdown or HTML anywhere in a line (links, images, emphasis, code,
HTML tags, Streamlit's `:icon:` and `$math$`, and bare URLs, which GitHub-flavoured Markdown
would turn into links) and the block markers that only count at the start
of a line (headings, lists, quotes), so the text comes out exactly as it was.
"""

from __future__ import annotations

import re

_INLINE = re.compile(r"([\\`*_{}\[\]()<>#|~$&!]|:(?=[A-Za-z]|//)|(?<=www)\.)")
_LINE_START = re.compile(r"^(\s*)(\d+)?([-+=.)])", re.MULTILINE)


def plain(text: str | None) -> str:
    """`text` escaped for any Streamlit element that renders Markdown."""
    if not text:
        return ""
    escaped = _LINE_START.sub(r"\1\2\\\3", _INLINE.sub(r"\\\1", text))
    return escaped.replace("\n", "  \n")
