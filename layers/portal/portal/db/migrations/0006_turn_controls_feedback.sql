-- Turn controls and feedback (issue #17).
--
-- Stop: a turn the user stopped keeps what was streamed, as an answer of its own status.
ALTER TABLE messages DROP CONSTRAINT IF EXISTS messages_status_check;
ALTER TABLE messages ADD CONSTRAINT messages_status_check
    CHECK (status IN ('pending', 'streaming', 'completed', 'failed', 'stopped'));

-- Regenerate and edit-and-resend start a new turn beside an earlier one: turns form a tree.
-- A turn's user message names the turn it follows (NULL: the conversation's first turn), and
-- the conversation remembers which leaf is shown; every earlier branch stays reachable.
ALTER TABLE messages ADD COLUMN previous_turn_id UUID;
ALTER TABLE conversations ADD COLUMN current_turn_id UUID;

-- Existing conversations are one straight branch: each turn follows the one asked before it.
UPDATE messages m SET previous_turn_id = ordered.previous
FROM (
    SELECT id, LAG(turn_id) OVER (PARTITION BY conversation_id ORDER BY created_at, id) AS previous
    FROM messages WHERE role = 'user' AND turn_id IS NOT NULL
) ordered
WHERE m.id = ordered.id;

UPDATE conversations c SET current_turn_id = (
    SELECT q.turn_id FROM messages q
    WHERE q.conversation_id = c.id AND q.role = 'user' AND q.turn_id IS NOT NULL
    ORDER BY q.created_at DESC, q.id DESC LIMIT 1
);

CREATE INDEX idx_messages_previous_turn ON messages(conversation_id, previous_turn_id) WHERE role = 'user';

-- Feedback on an answer: one thumbs up/down (+ optional comment) per user and message,
-- read by administrators to review answers.
CREATE TABLE message_feedback (
    message_id UUID NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    user_empno VARCHAR(20) NOT NULL REFERENCES users(empno) ON DELETE CASCADE,
    rating SMALLINT NOT NULL CHECK (rating IN (-1, 1)),
    comment TEXT CHECK (comment IS NULL OR char_length(comment) <= 2000),
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    PRIMARY KEY (message_id, user_empno)
);

CREATE INDEX idx_message_feedback_updated ON message_feedback(updated_at DESC);
