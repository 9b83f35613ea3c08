"""Sphinx configuration for the course website (`make book`, built by course/book.py).

The site is made from the committed, executed notebooks as they are: MyST-NB renders their stored
outputs and never runs a cell. Everything a page needs is served from the site itself, MathJax
included (from the jupyter-server-mathjax package), so the site works with no Internet: on a
classroom intranet, from a USB stick, or opened from disk.
"""
from pathlib import Path

import jupyter_server_mathjax

project = "ConvNets course companion"
author = "the course's authors"
copyright = "the course's authors"
language = "en"

extensions = ["myst_nb"]
root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints"]

# Render the stored outputs, never execute: the notebooks are committed executed, and nbval checks them.
nb_execution_mode = "off"
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "html_image"]
myst_heading_anchors = 3
suppress_warnings = ["mystnb.unknown_mime_type"]

# MathJax 2.7 from the jupyter-server-mathjax wheel, copied into the site (course/book.py); the STIX web
# fonts it ships are served from the site too. No CDN.
mathjax_path = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"
mathjax2_config = {
    "tex2jax": {
        "inlineMath": [["\\(", "\\)"]],
        "displayMath": [["\\[", "\\]"]],
        "processEscapes": True,
        "processClass": "math|tex2jax_process",
        "ignoreClass": "tex2jax_ignore|document",
    },
    "HTML-CSS": {
        "availableFonts": [], "imageFont": None, "preferredFont": None, "webFont": "STIX-Web",
        # MathJax's placeholder font points at about:blank, which Chromium refuses with a console error.
        "styles": {"@font-face": {"font-family": "MathJax_Blank", "src": "local('MathJax_Blank')"}},
    },
    "showMathMenu": False,
    "messageStyle": "none",
}
MATHJAX_STATIC = Path(jupyter_server_mathjax.__file__).parent / "static"

html_theme = "sphinx_book_theme"
html_title = "ConvNets course companion"
html_static_path = ["_static"]
html_css_files = ["course.css"]
templates_path = ["_templates"]
html_favicon = "favicon.svg"
# The theme reads its light/dark mode from the page; say it, or a fresh browser logs an error.
html_context = {"default_mode": "light"}
html_last_updated_fmt = None
html_copy_source = False
html_show_sourcelink = False
html_theme_options = {
    "use_repository_button": False,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "home_page_in_toc": True,
    # No analytics, no icons from a CDN, no fonts from Google: nothing leaves the site.
    "icon_links": [],
}
