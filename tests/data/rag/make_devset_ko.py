"""Writes the Korean retrieval dev set (tests/data/rag/devset-ko/): Korean manual pages as PDFs.

Nobody here wrote these texts: they are the Korean translations that Debian packages ship
(xz-utils, man-db, psmisc, passwd/login from shadow) under /usr/share/man/ko. Each group of
pages is rendered by man(1) at 100 columns and laid out in a Hangul font (fonts-nanum), one
man page after another, 52 lines per PDF page, so the questions name real page numbers.
Run from the repository root with the dev extras installed:

    apt-get install -y man-db fonts-nanum xz-utils psmisc passwd login
    .venv/bin/python tests/data/rag/make_devset_ko.py

The PDFs are committed (tests never need man or the font); the questions, with the page
that answers each, are in questions.jsonl next to them and were written by hand as a
colleague would ask, not copied from the text.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

OUT = Path(__file__).resolve().parent / "devset-ko"
MAN_KO = Path("/usr/share/man/ko")
FONT = "/usr/share/fonts/truetype/nanum/NanumGothicCoding.ttf"  # monospaced: man's columns survive
LINES_PER_PAGE = 52

# One PDF per package, its man pages in this order (section/page).
DOCUMENTS = {
    "xz-압축-도구-설명서.pdf": ["man1/xz.1"],
    "man-설명서.pdf": ["man1/man.1", "man1/apropos.1", "man1/whatis.1", "man5/manpath.5"],
    "psmisc-프로세스-도구.pdf": ["man1/fuser.1", "man1/killall.1", "man1/pstree.1", "man1/peekfd.1"],
    "shadow-계정-도구.pdf": ["man1/login.1", "man5/passwd.5", "man1/chfn.1", "man1/chsh.1"],
}


def render(page: str) -> list[str]:
    """The man page as plain text lines (no overstrike), as a terminal 100 columns wide shows it."""
    source = MAN_KO / f"{page}.gz"
    if not source.is_file():
        raise SystemExit(f"{source} is missing: install the package that ships it (see the docstring)")
    env = {**os.environ, "LANG": "C.UTF-8", "MANWIDTH": "100", "MAN_KEEP_FORMATTING": ""}
    text = subprocess.run(["man", "-l", str(source)], env=env, capture_output=True, check=True).stdout
    plain = subprocess.run(["col", "-bx"], input=text, capture_output=True, check=True).stdout
    return plain.decode("utf-8").rstrip().splitlines()


def document(pages: list[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("Nanum", fname=FONT)
    pdf.set_font("Nanum", size=7.5)
    for page in pages:
        lines = render(page)
        for start in range(0, len(lines), LINES_PER_PAGE):
            pdf.add_page()
            pdf.set_xy(12, 12)
            for line in lines[start : start + LINES_PER_PAGE]:
                pdf.cell(0, 5.2, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, pages in DOCUMENTS.items():
        (OUT / name).write_bytes(document(pages))
        print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
