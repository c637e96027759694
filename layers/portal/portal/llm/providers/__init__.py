"""Model provider adapters (Anthropic, Gemini, offline); the scripted test fake is tests/scripted.py; SDKs are imported lazily."""
