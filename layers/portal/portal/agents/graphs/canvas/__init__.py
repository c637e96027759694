"""The canvas worker's graph: locate -> write -> save.

- locate: edit the artifact this conversation last wrote (its current version), unless the
  user asks for a new one; otherwise create a document or code artifact;
- write: a model drafts the whole artifact, streamed to the turn's sockets as it is written.
  Without a real model, an honest draft that says it was not written by AI (creating), or
  a plain notice that nothing was changed (editing);
- save: the next version (never an overwrite) or version 1, logged and announced to the
  workspace as `artifact.updated`; a note tells the user where it was saved.

Laid out like LangGraph's templates: ``context`` (stream, user, database, turn id),
``state``, ``nodes``, ``prompts``, ``text`` and ``graph``.
"""

from portal.agents.graphs.canvas.graph import build_graph

__all__ = ["build_graph"]
