"""Limits of the web search APIs, importable without the HTTP client (research steps need only these)."""

MAX_QUERY_CHARS = 400  # Tavily's documented limit; Brave's is similar
