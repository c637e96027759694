"""Conversation tools beyond the chat itself: search, export, read-only shares."""
