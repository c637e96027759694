"""A short-lived link that opens an uploaded file in the browser, at a cited page for PDFs.

Citations name a file and a page; the reader opens the file itself. The link is a presigned
S3 GET (5 minutes), created only after the same read check as every other file read
(files.get_readable: the owner, or a member of the file's workspace), and asks S3 to serve it
inline with its real type so a PDF opens in the browser's viewer. PDF viewers read the
fragment `#page=N`; other types have no page to open, so the fragment is only added to PDFs.
"""

from __future__ import annotations

from urllib.parse import quote

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel

from portal import aws
from portal.db.executor import Executor
from portal.db.repositories import files
from portal.db.repositories.users import User
from portal.errors import NotConfigured, NotFound
from portal.observability import logger
from portal.settings import get_settings

LINK_TTL_SECONDS = 300
PDF = "application/pdf"


class FileLink(BaseModel):
    url: str
    expires_in: int
    name: str
    mime_type: str | None
    page: int | None


def open_link(db: Executor, *, user: User, file_id: str, page: int | None) -> FileLink:
    """A presigned GET of a file the user may read; 404 for any other file."""
    found = files.get_readable(db, file_id=file_id, empno=user.empno, company_code=user.company_code)
    if found is None or not found.storage_path:
        raise NotFound("파일을 찾을 수 없습니다.")
    settings = get_settings()
    name = found.original_name or "file"
    params = {
        "Bucket": settings.uploads_bucket,
        "Key": found.storage_path,
        "ResponseContentDisposition": f"inline; filename*=UTF-8''{quote(name)}",
    }
    if found.mime_type:
        params["ResponseContentType"] = found.mime_type
    try:
        url = aws.client("s3", settings.uploads_endpoint_url).generate_presigned_url(
            "get_object", Params=params, ExpiresIn=LINK_TTL_SECONDS
        )
    except (ClientError, BotoCoreError) as exc:
        logger.exception("could not presign a file link", extra={"file_id": file_id})
        raise NotConfigured("지금은 파일을 열 수 없습니다. 잠시 후 다시 시도해 주세요.") from exc
    is_pdf = found.mime_type == PDF
    if is_pdf and page:
        url += f"#page={page}"
    return FileLink(
        url=str(url),
        expires_in=LINK_TTL_SECONDS,
        name=name,
        mime_type=found.mime_type,
        page=page if is_pdf else None,
    )
