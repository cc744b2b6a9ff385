"""Charts for every page and report: a Vega-Lite specification rendered to SVG on the server
(vl-convert, offline, nothing fetched). Rendered SVGs are cached by the specification's hash and the
language, since the first render in a process takes about a second and the data rarely changes
between views. Building a specification with Altair takes a tenth of a second or more, so pages cache
the SVG under a fingerprint of the data it shows as well (`cached_svg`) and build it only on a miss.

Numbers follow the language (0,5 in Norwegian). The SVG is made readable by pointer and by screen
reader alike: each mark's `description` (the specification gives one per mark, in the user's
language) becomes its hover text (an SVG `<title>`), and the specification's `description` the
chart's accessible name. Axes, legends and titles are left out of the accessibility tree: Vega
describes them in English only, and every chart has a table with the same numbers beside it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from html import escape

import pandas as pd
import vl_convert
from django.core.cache import cache
from django.utils.translation import get_language

# d3-format has no Norwegian locale: decimal comma, a space between thousands.
FORMAT_LOCALES: dict[str, dict] = {
    "nb": {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "currency": ["", "\u00a0kr"], "minus": "\u2212"},
}
TIME_FORMAT_LOCALES = {"nb": "nb-NO"}
# Room beside the axes: a browser may draw labels in a wider font than the one they were measured in.
PADDING = {"left": 40, "right": 16, "top": 5, "bottom": 5}
QUIET = {"axis": {"aria": False}, "legend": {"aria": False}, "title": {"aria": False}}
_VEGA_TITLE = re.compile(r'role="graphics-symbol" aria-roledescription="title" aria-label="[^"]*"')
_MARK = re.compile(r'<(path|rect|line|circle|text)( [^>]*?aria-label="([^"]*)"[^>]*?)(/>|>)')
CACHE_SECONDS = 3600


def render_svg(spec: dict, language: str | None = None) -> str:
    """The chart as SVG in `language` (default: the active language)."""
    language = (language or get_language() or "nb").split("-")[0]
    fingerprint = json.dumps([spec, language], sort_keys=True, default=str).encode()
    key = "chart-svg:" + hashlib.sha256(fingerprint).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = _with_titles(
            vl_convert.vegalite_to_svg(
                {**spec, "width": 720, "padding": PADDING},
                config=QUIET,
                format_locale=FORMAT_LOCALES.get(language, "en-US"),
                time_format_locale=TIME_FORMAT_LOCALES.get(language, "en-US"),
            ),
            spec.get("description", ""),
        )
        cache.set(key, svg, CACHE_SECONDS)
    return svg


def cached_svg(data: pd.DataFrame | Sequence[pd.DataFrame], labels: dict, build: Callable[[], dict]) -> str:
    """The SVG of `build()`, cached under a fingerprint of the data (a frame or several) and the
    labels it shows, in the active language."""
    fingerprint = hashlib.sha256()
    for frame in [data] if isinstance(data, pd.DataFrame) else data:
        fingerprint.update(repr((list(frame.columns), len(frame))).encode())
        fingerprint.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    fingerprint.update(repr([sorted(labels.items()), get_language()]).encode())
    key = "chart:" + fingerprint.hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = render_svg(build())
        cache.set(key, svg, CACHE_SECONDS)
    return svg


def vega_text(text: str) -> str:
    """`text` as a string in a Vega expression (e.g. a mark's description built from its data)."""
    return json.dumps(text)


def _with_titles(svg: str, description: str) -> str:
    """Each described mark gets its description as hover text, the chart its description as name."""

    def titled(match: re.Match) -> str:
        element, attributes, label, end = match.groups()
        if end == ">":  # an element with content of its own (a text mark): the title goes first inside
            return f"<{element}{attributes}><title>{label}</title>"
        return f"<{element}{attributes}><title>{label}</title></{element}>"

    svg = _MARK.sub(titled, svg)
    svg = _VEGA_TITLE.sub('aria-hidden="true"', svg)  # facet headers: Vega names them in English only
    if description:
        svg = re.sub(r"(<svg[^>]*>)", rf"\1<title>{escape(description)}</title>", svg, count=1)
    return svg
