"""Files and RAG: detect, extract, chunk, embed, index, retrieve (the ingest pipeline and search).

Heavy imports (the local embedding model, document parsers, opensearch-py) happen inside the
functions that need them, so the API function, which only presigns uploads and lists files,
never pays for them.
"""
