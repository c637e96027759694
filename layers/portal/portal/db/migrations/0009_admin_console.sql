-- The admin console: organisation-wide settings an administrator changes at run time (which
-- providers and models may be used: key 'models_enabled'), and the indexes its usage and
-- activity queries read by time.
CREATE TABLE org_settings (
    key VARCHAR(100) PRIMARY KEY,
    value JSONB NOT NULL,
    updated_by VARCHAR(20) REFERENCES users(empno),
    updated_at TIMESTAMP WITH TIME ZONE DEFAULT NOW()
);

-- Usage is summed over a time window of answers (the assistant rows of turns).
CREATE INDEX idx_messages_usage ON messages(created_at) WHERE role = 'assistant';
-- The activity log is read newest first, filtered by time.
CREATE INDEX idx_activity_logs_time ON activity_logs(timestamp DESC);
