"""Charts for every page and report: a Vega-Lite specification rendered to SVG on the server
(vl-convert, offline, nothing fetched). Rendered SVGs are cached by the specification's hash, since
the first render in a process takes about a second and the data rarely changes between views."""

from __future__ import annotations

import hashlib
import json

import vl_convert
from django.core.cache import cache


def render_svg(spec: dict) -> str:
    key = "chart-svg:" + hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        spec = {**spec, "width": 720}
        svg = vl_convert.vegalite_to_svg(spec)
        cache.set(key, svg, 3600)
    return svg
