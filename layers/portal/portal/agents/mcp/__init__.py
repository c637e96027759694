"""Tier-1 domain agents' tools over MCP: admin configuration, the client, the tool-use loop.

Importing this package imports no MCP SDK: the API function reads and validates
configurations (``config``) without paying for the client, which only workers load.
"""
