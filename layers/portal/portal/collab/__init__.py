"""Workspaces and artifacts as teams use them: roles, versioned edits, activity and live events.

The REST routes and the canvas worker both change workspaces through here, so every change
is checked the same way, logged to activity_logs in the same transaction, and announced to
the workspace's joined sockets after it commits.
"""
