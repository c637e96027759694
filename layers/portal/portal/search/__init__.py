"""Web search: pluggable search APIs (Tavily, Brave), safe page fetching, citations."""
