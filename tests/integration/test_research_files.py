"""Deep research searches the user's files through the same retrieval as RAG (no web search key needed)."""

from __future__ import annotations

import pytest
from portal.db.repositories import users

from tests.integration.test_files_rag_worker import ingest
from tests.integration.test_research import answer_of, new_turn, research, run_research, site  # noqa: F401
from tests.unit.rag_samples import PDF, policy_pdf

pytestmark = pytest.mark.integration


def test_research_without_web_search_cites_the_users_own_file(db, research) -> None:  # noqa: F811
    # Given a user with an indexed travel policy, and no web search configured
    research()
    owner = users.upsert_from_claims(
        db, empno="E1001", name_ko="홍길동", company=None, company_code="C", roles=[]
    )
    policy = ingest(db, owner, policy_pdf(), "travel.pdf", PDF)
    event = new_turn(db, "출장 숙박비 한도는 얼마인가요?")

    # When the research runs (the offline model compiles what the searches found)
    run = run_research(event)

    # Then every query searched the user's files through RAG retrieval, and the report cites the file
    assert run["status"] == "SUCCEEDED", run
    answer = answer_of(db, event)
    per_query = answer.metadata["research"]["per_query"]
    assert per_query and all(q["web_status"] == "not_configured" for q in per_query)
    assert any(q["files"] > 0 for q in per_query)
    assert any(c.get("file_id") == policy.id for c in answer.metadata["citations"])
    assert "travel.pdf" in answer.content
