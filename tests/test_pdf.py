import io

import pytest
from pypdf import PdfReader

from allianse import pdf


def _text(document: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(document)).pages)


def test_a_template_renders_to_a_pdf_whose_text_reads_back(tmp_path, settings):
    (tmp_path / "doc.html").write_text(
        '{% extends "pdf/base.html" %}{% block content %}<h1>{{ title }}</h1><p>Blåbærsyltetøy</p>{% endblock %}'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    document = pdf.render_pdf("doc.html", {"title": "Oppsummering"})
    assert document.startswith(b"%PDF")
    text = _text(document)
    assert "Oppsummering" in text
    assert "Blåbærsyltetøy" in text


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/secret.png", "file:///etc/passwd"])
def test_a_document_never_fetches_an_address(url):
    with pytest.raises(ValueError, match="disallowed protocol"):
        pdf.inline_only().fetch(url)


def test_the_response_is_shown_inline_under_its_file_name():
    response = pdf.pdf_response(b"%PDF-1.7", "plan.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="plan.pdf"'
