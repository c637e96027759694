"""`portal route` and `portal eval routing` through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from portal.cli.main import main

EXTRA_SET = Path(__file__).resolve().parents[1] / "data" / "routing-extra.jsonl"


def test_route_prints_the_decision(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["route", "부가세", "예정신고", "기한", "알려줘"]) == 0
    out = capsys.readouterr().out
    assert "agent:      tax" in out
    assert "confidence:" in out
    assert "reason:" in out and "부가세" in out
    assert "runners-up:" in out


def test_route_json_with_attachment(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["route", "--json", "--attachment", "q3.pdf", "첨부한 파일 요약해줘"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    decision = json.loads(lines[0])
    assert decision["agent"] == "multimodal_rag"
    assert 0.0 <= decision["confidence"] <= 1.0
    assert "q3.pdf" in decision["reason"]
    assert isinstance(decision["runners_up"], list)


def test_route_with_previous_and_allow(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["route", "--json", "--previous", "tax", "그럼 그건?"]) == 0
    assert json.loads(capsys.readouterr().out)["agent"] == "tax"
    assert main(["route", "--json", "--allow", "legal", "부가세 신고 기한"]) == 0
    assert json.loads(capsys.readouterr().out)["agent"] in {"legal", "general"}


def test_route_rejects_unknown_agent(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["route", "--previous", "astrology", "hello"]) == 2
    assert "unknown agent" in capsys.readouterr().err


def test_eval_routing_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "routing", str(EXTRA_SET)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("accuracy ")
    assert "recall" in out and "precision" in out
    assert "confusion" in out
    for agent in ("general", "web_search", "multimodal_rag", "canvas", "deep_research", "tax"):
        assert agent in out


def test_eval_routing_json_last_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "routing", "--json", str(EXTRA_SET)]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    summary = json.loads(last)
    assert set(summary) >= {"accuracy", "per_agent_recall", "confusion", "n"}
    n_lines = sum(1 for line in EXTRA_SET.read_text(encoding="utf-8").splitlines() if line.strip())
    assert summary["n"] == n_lines
    assert isinstance(summary["accuracy"], float)
    assert sum(sum(row.values()) for row in summary["confusion"].values()) == n_lines
    assert set(summary["per_agent_recall"]) <= set(summary["confusion"])


def test_eval_routing_min_accuracy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "one.jsonl"
    data.write_text(json.dumps({"text": "부가세 신고 기한", "agent": "legal"}) + "\n", encoding="utf-8")
    assert main(["eval", "routing", "--min-accuracy", "0.5", str(data)]) == 1
    assert "below" in capsys.readouterr().err


def test_eval_routing_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "routing", str(tmp_path / "nope.jsonl")]) == 2
    err = capsys.readouterr().err
    assert "cannot read" in err and "nope.jsonl" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"text": "hi", "agent": "general"}\n{"text": "broken"\n', "line 2: not valid JSON"),
        ('{"text": "hi", "agent": "astrology"}\n', "line 1: unknown agent 'astrology'"),
        ('{"agent": "general"}\n', "line 1: 'text' must be a non-empty string"),
        ('{"text": "hi", "agent": "general", "attachments": "a.pdf"}\n', "'attachments' must be a list"),
        ("[1, 2]\n", "line 1: expected an object"),
        ("\n\n", "no labelled lines"),
    ],
)
def test_eval_routing_bad_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    data = tmp_path / "bad.jsonl"
    data.write_text(content, encoding="utf-8")
    assert main(["eval", "routing", str(data)]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.out == ""


def test_eval_routing_binary_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "bin.jsonl"
    data.write_bytes(b"\xff\xfe\x00garbage")
    assert main(["eval", "routing", str(data)]) == 2
    assert "error" in capsys.readouterr().err
