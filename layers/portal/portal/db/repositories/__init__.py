"""Repositories: keyword-only functions over an Executor, one module per aggregate."""
