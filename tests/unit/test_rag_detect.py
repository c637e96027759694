"""The file's kind comes from its bytes; declarations that lie, empty files and zip bombs are refused."""

from __future__ import annotations

import pytest
from portal.rag.detect import detect
from portal.rag.errors import FileRejected

from tests.unit.rag_samples import (
    DOCX,
    PDF,
    PPTX,
    XLSX,
    budget_xlsx,
    deck_pptx,
    leave_docx,
    plain_zip,
    png,
    policy_pdf,
    zip_bomb_docx,
)

LIMIT = 300 * 1024 * 1024


def _detect(data: bytes, declared: str) -> str:
    return detect(data, declared, max_archive_expanded_bytes=LIMIT).kind


@pytest.mark.parametrize(
    ("data", "declared", "kind"),
    [
        (policy_pdf(), PDF, "pdf"),
        (leave_docx(), DOCX, "docx"),
        (deck_pptx(), PPTX, "pptx"),
        (budget_xlsx(), XLSX, "xlsx"),
        (png(), "image/png", "png"),
        ("이름,금액\n홍길동,100\n".encode(), "text/csv", "csv"),
        ("# 제목\n본문".encode(), "text/markdown", "md"),
        ("안녕하세요".encode("cp949"), "text/plain", "txt"),
    ],
    # Fixed ids: the office files carry the time they were built, so ids made from their bytes
    # differ between xdist workers that collect a second apart (a collection error).
    ids=["pdf", "docx", "pptx", "xlsx", "png", "csv", "md", "txt"],
)
def test_each_supported_kind_is_recognised_from_its_bytes(data: bytes, declared: str, kind: str) -> None:
    assert _detect(data, declared) == kind


def test_html_announces_itself_even_when_declared_as_plain_text() -> None:
    assert _detect(b"<!DOCTYPE html><html><body>hi</body></html>", "text/plain") == "html"


def test_an_image_saved_under_another_image_type_is_accepted_as_what_it_is() -> None:
    assert _detect(png(), "image/jpeg") == "png"


def test_bytes_that_do_not_match_the_declared_type_are_refused() -> None:
    with pytest.raises(FileRejected) as refused:
        _detect(png(), PDF)
    assert refused.value.code == "type_mismatch"
    assert "declared a PDF" in refused.value.reason and "an image" in refused.value.reason


def test_a_pdf_declared_as_a_word_document_is_refused() -> None:
    with pytest.raises(FileRejected, match="declared a Word document, but the bytes are a PDF"):
        _detect(policy_pdf(), DOCX)


def test_a_zip_that_is_not_an_office_document_is_refused() -> None:
    with pytest.raises(FileRejected, match="zip archive"):
        _detect(plain_zip(), DOCX)


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(FileRejected) as refused:
        _detect(b"", PDF)
    assert refused.value.code == "empty"


def test_a_zip_bomb_disguised_as_a_word_document_is_refused_before_anything_inflates() -> None:
    with pytest.raises(FileRejected) as refused:
        _detect(zip_bomb_docx(), DOCX)
    assert refused.value.code == "zip_bomb"


def test_an_archive_expanding_past_the_limit_is_refused() -> None:
    with pytest.raises(FileRejected, match="possible zip bomb"):
        detect(leave_docx(), DOCX, max_archive_expanded_bytes=1000)


def test_a_damaged_zip_is_refused_as_corrupt() -> None:
    with pytest.raises(FileRejected) as refused:
        _detect(leave_docx()[:500], DOCX)
    assert refused.value.code == "corrupt"


def test_binary_data_declared_as_text_is_refused() -> None:
    with pytest.raises(FileRejected, match="unrecognised binary"):
        _detect(bytes(range(256)) * 4, "text/plain")


def test_an_undeclarable_type_is_refused() -> None:
    with pytest.raises(FileRejected) as refused:
        _detect(b"MZ\x90\x00", "application/x-msdownload")
    assert refused.value.code == "unsupported_type"
