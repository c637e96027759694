-- What a chat turn needs beyond the seed: each message belongs to a turn, and because
-- Express workflows run at least once, a turn's user and assistant messages are unique
-- per (turn_id, role) so a re-run writes nothing twice.
ALTER TABLE messages ADD COLUMN turn_id UUID;
ALTER TABLE messages ADD COLUMN status VARCHAR(20) NOT NULL DEFAULT 'completed'
    CHECK (status IN ('pending', 'streaming', 'completed', 'failed'));
ALTER TABLE messages ADD COLUMN input_tokens INTEGER;
ALTER TABLE messages ADD COLUMN output_tokens INTEGER;
ALTER TABLE messages ADD COLUMN cost_usd NUMERIC(12, 6);

CREATE UNIQUE INDEX uq_messages_turn_role ON messages(turn_id, role) WHERE turn_id IS NOT NULL;
CREATE INDEX idx_messages_conversation_created ON messages(conversation_id, created_at);

-- Conversations are soft-listed by owner and recency.
CREATE INDEX idx_conversations_user_updated ON conversations(user_empno, updated_at DESC);
