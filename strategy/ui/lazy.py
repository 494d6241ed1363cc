"""Parts of a page that run only while they are shown: a page with sixty measures or twelve aims
draws the one a person opened, not all of them on every click."""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st
from streamlit.elements.lib.mutable_expander_container import ExpanderContainer


def lazy_expander(label: str, *, key: str, expanded: bool = False, keep: Iterable[str] = ()) -> ExpanderContainer:
    """An expander whose content the caller runs only ``if box.open``. Streamlit forgets the fields
    of a part not drawn, so what a person typed in it and has not saved yet (the session keys in
    ``keep``) is held while it is closed and is there again when it opens."""
    box = st.expander(label, expanded=expanded, key=key, on_change="rerun")
    if not box.open:
        for k in keep:
            if k in st.session_state:
                st.session_state[k] = st.session_state[k]  # held as the page's own value, not the field's
    return box
