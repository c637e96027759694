"""Split a migration file into single statements, for executors that run one per call (Data API).

A small lexer, not a parser: it knows just enough PostgreSQL to find the semicolons that end
statements, i.e. those outside quotes, dollar-quoted bodies and comments. Statements keep
their text (including comments inside them) verbatim.
Not handled: SQL-standard ``BEGIN ATOMIC ... END`` function bodies; use ``$$`` bodies instead.
"""

from __future__ import annotations

import re

# $$ or $tag$; a tag is an identifier without "$" (so "$1" is a positional parameter, not a tag).
_DOLLAR_TAG = re.compile(r"\$(?:[A-Za-z_\x80-\uffff][A-Za-z0-9_\x80-\uffff]*)?\$")


def split_statements(sql: str) -> list[str]:
    """The statements in ``sql``, stripped, without their ``;``, skipping empty and comment-only ones."""
    statements: list[str] = []
    start = 0  # where the current statement's text begins
    has_code = False  # whether the current statement has anything besides comments and whitespace
    i = 0
    n = len(sql)
    while i < n:
        char = sql[i]
        if char == ";":
            if has_code:
                statements.append(sql[start:i].strip())
            start, has_code = i + 1, False
            i += 1
        elif sql.startswith("--", i):
            i = _end_of_line_comment(sql, i)
        elif sql.startswith("/*", i):
            i = _end_of_block_comment(sql, i)
        elif char.isspace():
            i += 1
        else:
            has_code = True
            i = _end_of_token(sql, i)
    if has_code:
        statements.append(sql[start:].strip())
    return statements


def _end_of_token(sql: str, i: int) -> int:
    """Index after the quoted literal/identifier/dollar body starting at ``i``, or ``i + 1``."""
    char = sql[i]
    if char == "'":
        return _end_of_quoted(sql, i, "'", backslash_escapes=_is_escape_string(sql, i))
    if char == '"':
        return _end_of_quoted(sql, i, '"', backslash_escapes=False)
    if char == "$" and not _continues_identifier(sql, i):
        tag = _DOLLAR_TAG.match(sql, i)
        if tag:
            close = sql.find(tag.group(0), tag.end())
            return len(sql) if close < 0 else close + len(tag.group(0))
    return i + 1


def _end_of_quoted(sql: str, i: int, quote: str, *, backslash_escapes: bool) -> int:
    """Index after the literal opened at ``i``; a doubled quote is an escaped quote."""
    j = i + 1
    n = len(sql)
    while j < n:
        char = sql[j]
        if backslash_escapes and char == "\\":
            j += 2
        elif char == quote:
            if j + 1 < n and sql[j + 1] == quote:
                j += 2
            else:
                return j + 1
        else:
            j += 1
    return n  # unterminated: the rest is one statement, and the database reports the error


def _end_of_line_comment(sql: str, i: int) -> int:
    newline = sql.find("\n", i)
    return len(sql) if newline < 0 else newline + 1


def _end_of_block_comment(sql: str, i: int) -> int:
    # PostgreSQL block comments nest: /* a /* b */ still a comment */.
    depth = 0
    j = i
    n = len(sql)
    while j < n:
        if sql.startswith("/*", j):
            depth += 1
            j += 2
        elif sql.startswith("*/", j):
            depth -= 1
            j += 2
            if depth == 0:
                return j
        else:
            j += 1
    return n


def _is_escape_string(sql: str, i: int) -> bool:
    # E'...' (escape string syntax) is the one literal where \' escapes a quote.
    return i > 0 and sql[i - 1] in "eE" and not (i > 1 and _is_identifier_char(sql[i - 2]))


def _continues_identifier(sql: str, i: int) -> bool:
    # "$" is legal inside identifiers (a$b), where it never opens a dollar quote.
    return i > 0 and _is_identifier_char(sql[i - 1])


def _is_identifier_char(char: str) -> bool:
    return char.isalnum() or char in "_$"
