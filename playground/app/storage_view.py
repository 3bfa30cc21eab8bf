"""The page shown instead of the app when its history cannot be opened (docs/decisions.md "Storage faults").

A history folder that is read-only, full, locked or missing says so, with what to do, and no
traceback. A damaged database is never written to: the user can move it aside (it is renamed,
with its -wal and -shm, never deleted) and start a new history; the image files stay.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from playground.app.text import plain
from playground.config import load_settings
from playground.domain.errors import DamagedHistoryError, StorageError, describe
from playground.history.store import HistoryStore


def show_storage_problem(exc: StorageError, on_moved: object = None) -> None:
    """Explain the fault; for a damaged database offer to move it aside. Stops the script."""
    text, hint = describe(exc)
    st.title("The history cannot be opened")
    st.error(plain(text), icon=":material/database:")
    if hint:
        st.caption(plain(hint))
    if isinstance(exc, DamagedHistoryError):
        data_dir = Path(exc.path).parent if exc.path else load_settings().data_dir
        st.write("Banana Split will not write to a damaged database. You can move it aside: it "
                 "is renamed (never deleted) so you or a tool like `sqlite3 .recover` can still "
                 "read it, and a new, empty history starts. Your image files stay where they are.")
        if st.button("Move the damaged history aside and start a new one", type="primary",
                     key="storage-move-aside"):
            try:
                moved = HistoryStore.move_aside(data_dir)
            except (StorageError, OSError) as move_exc:
                st.error(f"It could not be moved: {plain(str(move_exc))}")
            else:
                st.session_state["storage_moved_to"] = str(moved)
                st.cache_resource.clear()
                st.rerun()
    else:
        st.write("Fix the problem above, then reload the page.")
    st.stop()


def show_moved_notice() -> None:
    """After a move aside: where the damaged database went (once)."""
    moved = st.session_state.pop("storage_moved_to", None)
    if moved:
        st.success(f"The damaged history was moved to {plain(moved)}; a new history has started.",
                   icon=":material/inventory_2:")
