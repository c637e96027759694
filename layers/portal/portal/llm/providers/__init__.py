"""Model provider adapters (Anthropic, Gemini, offline, scripted); SDKs are imported lazily."""
