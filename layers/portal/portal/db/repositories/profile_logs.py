"""Profile collection logs: the signals a chat turn gave about its user (agents/profile.py)."""

from __future__ import annotations

from typing import Any

from portal.db.executor import Executor


def add_turn_signals(
    db: Executor, *, empno: str, turn_id: str, data: dict[str, Any], confidence: float
) -> bool:
    """Store one turn's signals once (keyed by turn id); False when they were stored already."""
    return (
        db.execute(
            """
            INSERT INTO profile_collection_logs (empno, data_source, collected_data, confidence_score)
            SELECT :empno::varchar, 'chat_interaction', :data::jsonb, :confidence::float
            WHERE NOT EXISTS (
                SELECT 1 FROM profile_collection_logs
                WHERE empno = :empno::varchar AND data_source = 'chat_interaction'
                  AND collected_data->>'turn_id' = :turn_id::text
            )
            """,
            {"empno": empno, "data": data, "confidence": confidence, "turn_id": turn_id},
        )
        == 1
    )


def latest(db: Executor, *, empno: str, limit: int) -> list[dict[str, Any]]:
    """The user's latest turn signals, newest first."""
    rows = db.fetch_all(
        """
        SELECT collected_data FROM profile_collection_logs
        WHERE empno = :empno AND data_source = 'chat_interaction'
        ORDER BY created_at DESC LIMIT :limit
        """,
        {"empno": empno, "limit": limit},
    )
    return [dict(r["collected_data"]) for r in rows]


def save_summary(db: Executor, *, empno: str, summary: dict[str, Any]) -> None:
    """Store the summary as the user's profile_data, and mark the signals it was made of processed."""
    db.execute(
        "UPDATE users SET profile_data = :summary::jsonb WHERE empno = :empno",
        {"empno": empno, "summary": summary},
    )
    db.execute(
        "UPDATE profile_collection_logs SET processed = true WHERE empno = :empno AND NOT processed",
        {"empno": empno},
    )


def forget(db: Executor, *, empno: str) -> int:
    """Delete the user's profile: its summary and every signal it was made of. Returns the signals deleted."""
    db.execute("UPDATE users SET profile_data = '{}'::jsonb WHERE empno = :empno", {"empno": empno})
    return db.execute("DELETE FROM profile_collection_logs WHERE empno = :empno", {"empno": empno})
