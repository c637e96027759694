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
