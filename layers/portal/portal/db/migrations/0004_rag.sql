-- Files and RAG: processing state on the seed's uploaded_files, and the chunk index.
--
-- Embedding dimensions. The index holds vectors of more than one model over a deployment's
-- life (the local MiniLM model gives 384 dimensions; Titan Text Embeddings v2 gives 256, 512
-- or 1024, chosen by configuration), and vectors of different models must never be compared.
-- So `embedding` is a dimensionless pgvector column and every row names the model that made
-- it (`embedding_model`, "<name>@<dims>"; a CHECK keeps the two consistent). A search always
-- filters on one model, so a configuration change never mixes spaces; re-ingesting moves a
-- file to the new model. Searches are exact (k-NN over the chunks the asking user may read,
-- which the access filter keeps small): an approximate HNSW index would be applied before
-- that filter and could return fewer than k readable chunks. A deployment that outgrows
-- exact search switches to OpenSearch (PORTAL_VECTOR_STORE), or adds a per-model partial
-- expression index in a new migration:
--   CREATE INDEX ... USING hnsw ((embedding::vector(1024)) vector_cosine_ops)
--       WHERE embedding_model = 'titan-embed-text-v2@1024';
--
-- Keywords. PostgreSQL has no Korean dictionary, so `keywords` is a tsvector of our own
-- tokens (Hangul character bigrams, lower-cased Latin words and numbers: portal.rag.tokens),
-- written as a tsvector literal with positions and never re-parsed. Ranking is BM25, computed
-- in SQL over the same readable chunks (portal.rag.index.pgvector).

CREATE EXTENSION IF NOT EXISTS vector;

ALTER TABLE uploaded_files ADD COLUMN progress SMALLINT NOT NULL DEFAULT 0
    CHECK (progress BETWEEN 0 AND 100);
ALTER TABLE uploaded_files ADD COLUMN status_reason TEXT;
ALTER TABLE uploaded_files ADD COLUMN page_count INTEGER;
ALTER TABLE uploaded_files ADD COLUMN chunk_count INTEGER;
ALTER TABLE uploaded_files ADD COLUMN source_etag VARCHAR(200);
ALTER TABLE uploaded_files ADD COLUMN embedding_model VARCHAR(100);
ALTER TABLE uploaded_files ADD COLUMN updated_at TIMESTAMP WITH TIME ZONE DEFAULT NOW();

CREATE TRIGGER update_uploaded_files_updated_at
    BEFORE UPDATE ON uploaded_files
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

-- One row per S3 object: the ingest function finds its file by key.
CREATE UNIQUE INDEX uq_files_storage_path ON uploaded_files(storage_path);
-- "The same user uploading the same bytes reuses the earlier result."
CREATE INDEX idx_files_user_checksum ON uploaded_files(user_empno, checksum)
    WHERE processing_status = 'completed';
CREATE INDEX idx_files_user_created ON uploaded_files(user_empno, created_at DESC);

CREATE TABLE file_chunks (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    file_id UUID NOT NULL REFERENCES uploaded_files(id) ON DELETE CASCADE,
    chunk_index INTEGER NOT NULL CHECK (chunk_index >= 0),
    page INTEGER,
    section TEXT,
    content TEXT NOT NULL,
    -- sha256 of the embedded text: a resumed ingest skips chunks already stored unchanged.
    content_hash CHAR(64) NOT NULL,
    token_count INTEGER NOT NULL,
    keywords TSVECTOR NOT NULL,
    embedding_model VARCHAR(100) NOT NULL,
    embedding VECTOR NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
    -- Retries and redelivered events upsert on this key, so they never duplicate chunks.
    CONSTRAINT uq_file_chunks_index UNIQUE (file_id, chunk_index),
    CONSTRAINT ck_file_chunks_dims CHECK (
        vector_dims(embedding) = split_part(embedding_model, '@', 2)::int
    )
);

CREATE INDEX idx_file_chunks_keywords ON file_chunks USING GIN (keywords);
