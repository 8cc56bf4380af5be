"""Build real documents of every supported format for loader tests."""

from __future__ import annotations

from pathlib import Path


def write_docx(path: Path, title: str, sections: dict[str, str]) -> Path:
    import docx

    doc = docx.Document()
    doc.add_heading(title, level=1)
    for heading, body in sections.items():
        doc.add_heading(heading, level=2)
        doc.add_paragraph(body)
    doc.save(str(path))
    return path


def write_pdf(path: Path, lines: list[str]) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with plt.rc_context({"pdf.fonttype": 42}):
        fig = plt.figure(figsize=(8.27, 11.69))
        for i, line in enumerate(lines):
            fig.text(0.08, 0.92 - i * 0.04, line, fontsize=11)
        fig.savefig(str(path), format="pdf")
        plt.close(fig)
    return path
