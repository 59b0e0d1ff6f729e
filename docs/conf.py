"""Sphinx configuration of the etiquette documentation (MyST Markdown, furo, Mermaid).

The pages under ``generated/`` are written by ``etiquette docs`` from the policy spec; the others
are written by hand. Nothing is fetched at build or view time: Mermaid runs from a local copy in
``_static/mermaid/`` (``make docs`` fetches it once from the npm registry), loaded as a classic
script so that the pages also work when opened straight from disk.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from etiquette import __version__

project = "etiquette"
author = "the etiquette authors"
copyright = "the etiquette authors"  # no year: the build does not depend on the date
version = release = __version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinxcontrib.mermaid",
]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "_static", "examples", "README.md"]

#: Pages that other parts of the project write beside these: listed in the table of contents of
#: the index (the line ``% optional pages`` there) when they exist.
OPTIONAL_PAGES = ("proof", "performance")

myst_heading_anchors = 3
myst_fence_as_directive = ["mermaid"]

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": False}

html_theme = "furo"
html_title = f"etiquette {release}"
html_static_path = ["_static"]
html_css_files = ["etiquette.css"]
html_last_updated_fmt = None
html_copy_source = False
html_show_sphinx = False

mermaid_output_format = "raw"

_MERMAID = Path(__file__).parent / "_static" / "mermaid" / "mermaid.min.js"


def _mermaid_scripts(
    app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Load the local Mermaid and the page's renderer on pages that have a diagram."""
    from sphinxcontrib.mermaid import mermaid  # type: ignore[import-untyped]

    if doctree is None or doctree.next_node(mermaid) is None:
        return
    app.add_js_file("mermaid/mermaid.min.js")
    app.add_js_file("etiquette-mermaid.js")


def _optional_pages(app: Any, docname: str, source: list[str]) -> None:
    if docname != "index":
        return
    present = [p for p in OPTIONAL_PAGES if (Path(app.srcdir) / f"{p}.md").is_file()]
    source[0] = source[0].replace("% optional pages\n", "".join(f"{p}\n" for p in present))


def setup(app: Any) -> None:
    """Replace the extension's loader (an ES module from a CDN) with the local copy."""
    from sphinxcontrib.mermaid import install_js

    for listener in list(app.events.listeners.get("html-page-context", [])):
        if listener.handler is install_js:
            app.disconnect(listener.id)
    app.connect("html-page-context", _mermaid_scripts)
    app.connect("source-read", _optional_pages)
    if not _MERMAID.is_file():
        from sphinx.util import logging

        logging.getLogger(__name__).info(
            "docs/_static/mermaid/mermaid.min.js is missing: the diagrams will show as text "
            "(`make docs` fetches it)"
        )
