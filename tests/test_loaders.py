from __future__ import annotations

from pathlib import Path

import pytest
from docfactory import write_docx, write_pdf

from bot.ingest.loaders import LoadError, load
from bot.ingest.split import split


def test_markdown_sections_keep_their_heading_path(tmp_path: Path) -> None:
    p = tmp_path / "escalations.md"
    p.write_text("# Escalations\n\n## Severity\n\n### Sev 1\n\nPage the on-call engineer within 15 minutes.\n")
    doc = load(p, p.read_bytes())
    assert doc.title == "Escalations"
    assert doc.sections[0].heading == "Severity › Sev 1"
    chunk = split(doc)[0]
    assert chunk.embed_text.startswith("Escalations — Severity › Sev 1")


def test_markdown_front_matter_url_becomes_the_source_link(tmp_path: Path) -> None:
    p = tmp_path / "a.md"
    p.write_text("---\nurl: https://wiki.example.com/a\n---\n# A\n\nSome text about refunds.\n")
    assert load(p, p.read_bytes()).url == "https://wiki.example.com/a"


def test_plain_text_first_line_is_the_title_and_short_lines_are_headings(tmp_path: Path) -> None:
    p = tmp_path / "trend.txt"
    p.write_text(
        "CX Trends 2026\n\nIntro paragraph that is long enough to be a paragraph of text.\n\n"
        "Governance\n\nA CX board meets monthly and owns the customer journey map across all departments.\n",
        encoding="utf-8",
    )
    doc = load(p, p.read_bytes())
    assert doc.title == "CX Trends 2026"
    assert [s.heading for s in doc.sections] == ["", "Governance"]


def test_docx_headings_become_sections(tmp_path: Path) -> None:
    p = write_docx(tmp_path / "onboarding.docx", "Onboarding", {"Week one": "Shadow three customer calls."})
    doc = load(p, p.read_bytes())
    assert doc.title == "Onboarding"
    assert doc.sections[0].heading == "Week one"
    assert "Shadow three customer calls." in doc.text


def test_pdf_pages_become_sections(tmp_path: Path) -> None:
    p = write_pdf(tmp_path / "sla.pdf", ["Service levels", "Priority one tickets get a reply within one hour."])
    doc = load(p, p.read_bytes())
    assert doc.sections[0].heading == "page 1"
    assert "within one hour" in doc.text


def test_html_keeps_headings_and_drops_scripts(tmp_path: Path) -> None:
    p = tmp_path / "faq.html"
    p.write_text(
        "<html><head><title>FAQ</title><script>alert('x')</script></head><body>"
        "<h2>Refunds</h2><p>Refunds are processed within five days.</p></body></html>"
    )
    doc = load(p, p.read_bytes())
    assert doc.title == "FAQ"
    assert doc.sections[0].heading == "Refunds"
    assert "alert" not in doc.text


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.md", b"", "empty file"),
        ("blank.txt", b"   \n\n  ", "empty file"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer garbage", "PDF"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "DOCX"),
        ("binary.txt", b"\x00\x01\x02" * 100, "binary"),
        ("image.bmp", b"BM....", "unsupported"),
    ],
)
def test_bad_files_raise_a_readable_reason(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(LoadError, match=reason):
        load(p, content)
