-- Conversations: Korean-aware search over a user's own messages and titles, read-only shares
-- with named colleagues or a workspace, and prompt templates (issue #17 item 3).
--
-- Search. PostgreSQL here has no Korean dictionary and no pg_trgm, so, as for file chunks
-- (0004), `keywords` is a tsvector of portal.rag.tokens' own tokens (stems of Korean words
-- split into character bigrams, folded Latin words) written as a literal. The index is kept
-- beside the messages, not in them: it is filled at search time for the rows whose text
-- changed since they were indexed (content_md5), so no write path of a turn pays for it,
-- streaming answers are re-indexed once they are final, and messages stored before this
-- migration are indexed on the first search. A row with message_id NULL indexes the title.
CREATE TABLE conversation_search (
    conversation_id UUID NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    message_id UUID REFERENCES messages(id) ON DELETE CASCADE,
    content_md5 CHAR(32) NOT NULL,
    keywords TSVECTOR NOT NULL
);
CREATE UNIQUE INDEX uq_conversation_search_message ON conversation_search(message_id)
    WHERE message_id IS NOT NULL;
CREATE UNIQUE INDEX uq_conversation_search_title ON conversation_search(conversation_id)
    WHERE message_id IS NULL;
CREATE INDEX idx_conversation_search_keywords ON conversation_search USING gin(keywords);

-- Shares. Exactly one of grantee_empno (a named colleague) and workspace_id (every current
-- member of that workspace, read at each access) is set. Deleting the row revokes the share:
-- access is checked on every read (portal.db.repositories.conversations.get_readable).
CREATE TABLE conversation_shares (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    conversation_id UUID NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    grantee_empno VARCHAR(20) REFERENCES users(empno) ON DELETE CASCADE,
    workspace_id UUID REFERENCES workspaces(id) ON DELETE CASCADE,
    created_by VARCHAR(20) NOT NULL REFERENCES users(empno),
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    CHECK ((grantee_empno IS NULL) <> (workspace_id IS NULL))
);
CREATE UNIQUE INDEX uq_conversation_shares_person ON conversation_shares(conversation_id, grantee_empno)
    WHERE grantee_empno IS NOT NULL;
CREATE UNIQUE INDEX uq_conversation_shares_workspace ON conversation_shares(conversation_id, workspace_id)
    WHERE workspace_id IS NOT NULL;
CREATE INDEX idx_conversation_shares_grantee ON conversation_shares(grantee_empno);
CREATE INDEX idx_conversation_shares_workspace ON conversation_shares(workspace_id);

-- The list pages by (updated_at, id) of the caller's conversations.
CREATE INDEX IF NOT EXISTS idx_conversations_user_updated ON conversations(user_empno, updated_at DESC, id);

-- Prompt templates: personal (only the owner sees them) or shared (every user of the owner's
-- company sees them; only the owner changes or deletes them). `/` in the composer lists them.
CREATE TABLE prompt_templates (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_empno VARCHAR(20) NOT NULL REFERENCES users(empno) ON DELETE CASCADE,
    title VARCHAR(100) NOT NULL CHECK (length(btrim(title)) > 0),
    body TEXT NOT NULL CHECK (length(btrim(body)) > 0 AND length(body) <= 8000),
    shared BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_prompt_templates_owner ON prompt_templates(owner_empno);
CREATE INDEX idx_prompt_templates_shared ON prompt_templates(shared) WHERE shared;
CREATE TRIGGER update_prompt_templates_updated_at
    BEFORE UPDATE ON prompt_templates
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
