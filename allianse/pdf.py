"""PDF from a Django template. WeasyPrint lays out the HTML with the print stylesheet of
`pdf/base.html` in DejaVu fonts, installed with the system packages (scripts/system_deps.sh), so
Norwegian letters print alike on every machine. A document never fetches anything: every
reference other than an inline `data:` URL is refused, so a name a user typed cannot make the
server request an address."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher


def inline_only() -> URLFetcher:
    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False)


def render_pdf(template_name: str, context: dict[str, Any], request: HttpRequest | None = None) -> bytes:
    """The template rendered (in the active language) and laid out as PDF bytes."""
    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, url_fetcher=inline_only()).write_pdf()


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """The PDF shown in the browser's viewer, saved under `filename` when downloaded."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
