"""split_statements: one statement per Data API call, with semicolons in bodies and literals kept."""

from __future__ import annotations

from portal.db.sqlsplit import split_statements


def test_plain_statements_are_split_on_semicolons() -> None:
    # Given two statements
    sql = "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n"

    # When split / Then each stands alone, stripped, without its semicolon
    assert split_statements(sql) == ["CREATE TABLE a (id int)", "CREATE TABLE b (id int)"]


def test_last_statement_needs_no_semicolon() -> None:
    # Given a final statement without a terminator
    # When split / Then it is still returned
    assert split_statements("SELECT 1; SELECT 2") == ["SELECT 1", "SELECT 2"]


def test_plpgsql_dollar_body_with_semicolons_stays_whole() -> None:
    # Given a function whose $$ body contains semicolons
    function = (
        "CREATE OR REPLACE FUNCTION touch_updated_at() RETURNS trigger AS $$\n"
        "BEGIN\n"
        "  NEW.updated_at := now();\n"
        "  RETURN NEW;\n"
        "END;\n"
        "$$ LANGUAGE plpgsql"
    )
    sql = f"{function};\nCREATE TABLE t (id int);"

    # When split / Then the function is one statement
    assert split_statements(sql) == [function, "CREATE TABLE t (id int)"]


def test_tagged_dollar_body_ends_only_at_its_own_tag() -> None:
    # Given a $fn$ body that contains $$ and semicolons
    function = (
        "CREATE FUNCTION f() RETURNS text AS $fn$\n"
        "BEGIN\n"
        "  EXECUTE $$SELECT 1; SELECT 2$$;\n"
        "  RETURN 'done';\n"
        "END\n"
        "$fn$ LANGUAGE plpgsql"
    )

    # When split / Then the whole function survives
    assert split_statements(f"{function}; SELECT 3;") == [function, "SELECT 3"]


def test_positional_parameter_is_not_a_dollar_quote() -> None:
    # Given $1 references (a digit never starts a tag)
    sql = "PREPARE p AS SELECT $1; SELECT 2"

    # When split / Then the semicolon after $1 still ends the statement
    assert split_statements(sql) == ["PREPARE p AS SELECT $1", "SELECT 2"]


def test_string_with_semicolon_and_dashes_is_not_split() -> None:
    # Given a literal containing ; and -- and an escaped quote
    statement = "INSERT INTO notes (body) VALUES ('it''s; not -- a comment')"

    # When split / Then the literal is untouched
    assert split_statements(f"{statement}; SELECT 1") == [statement, "SELECT 1"]


def test_escape_string_backslash_quote_does_not_end_the_literal() -> None:
    # Given an E'' literal with \' and a semicolon after it
    statement = r"SELECT E'a\'; b'"

    # When split / Then the literal is untouched
    assert split_statements(f"{statement}; SELECT 1") == [statement, "SELECT 1"]


def test_quoted_identifier_with_semicolon_is_not_split() -> None:
    # Given a double-quoted identifier containing ; and an escaped "
    statement = 'CREATE TABLE "odd;""name" (id int)'

    # When split / Then it is one statement
    assert split_statements(statement + ";") == [statement]


def test_line_comment_with_semicolon_does_not_split() -> None:
    # Given a -- comment containing a semicolon inside a statement
    statement = "SELECT 1 -- one; two\n  + 1"

    # When split / Then the statement keeps its comment and is whole
    assert split_statements(statement + ";") == [statement]


def test_block_comment_with_semicolon_does_not_split() -> None:
    # Given a nested /* */ comment containing semicolons
    statement = "SELECT /* a; /* nested; */ still; */ 1"

    # When split / Then it is one statement
    assert split_statements(statement + ";") == [statement]


def test_comment_only_and_empty_statements_are_dropped() -> None:
    # Given a file with a header comment, empty statements and a trailing comment
    sql = "-- 001_init.sql\n/* schema */\n;;\nCREATE TABLE a (id int);\n;\n-- the end\n"

    # When split / Then only the real statement remains
    assert split_statements(sql) == ["CREATE TABLE a (id int)"]


def test_leading_comment_belongs_to_the_following_statement() -> None:
    # Given a comment just before a statement
    sql = "-- users\nCREATE TABLE users (id int);"

    # When split / Then it stays with that statement (the database ignores it)
    assert split_statements(sql) == ["-- users\nCREATE TABLE users (id int)"]


def test_empty_input_gives_no_statements() -> None:
    # Given only whitespace / When split / Then nothing
    assert split_statements("  \n\t ") == []
