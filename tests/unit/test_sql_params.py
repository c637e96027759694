"""Named parameters are rewritten for psycopg without touching casts, strings or % signs."""

from portal.db.executor import param_names, to_pyformat


def test_named_parameters_become_pyformat() -> None:
    assert (
        to_pyformat("SELECT * FROM t WHERE a = :a AND b = :b_2")
        == "SELECT * FROM t WHERE a = %(a)s AND b = %(b_2)s"
    )


def test_casts_are_not_parameters() -> None:
    assert to_pyformat("SELECT :id::uuid, x::text") == "SELECT %(id)s::uuid, x::text"


def test_colons_inside_string_literals_are_kept() -> None:
    sql = "SELECT ':not_a_param', 'it''s :x' WHERE a = :a"
    assert to_pyformat(sql) == "SELECT ':not_a_param', 'it''s :x' WHERE a = %(a)s"


def test_percent_signs_are_escaped() -> None:
    assert to_pyformat("SELECT 100 % 7, 'a%' WHERE x LIKE :p") == "SELECT 100 %% 7, 'a%%' WHERE x LIKE %(p)s"


def test_param_names_lists_each_parameter_once() -> None:
    assert param_names("SELECT :a, :b::int, ':c', :a") == {"a", "b"}
