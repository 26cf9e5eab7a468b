"""Every output format parsed back: the writers only render, and render every state."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from grader.report import github, json_report, junit
from tests.report_fixtures import sample_report


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_gradescope_json(lang):
    data = json.loads(json_report.render(sample_report(), lang))
    assert data["score"] == 3 and data["max_score"] == 42
    assert data["score"] == sum(t["score"] for t in data["tests"])
    assert data["max_score"] == sum(t["max_score"] for t in data["tests"])
    assert isinstance(data["execution_time"], int)
    assert len(data["tests"]) == 7
    for test in data["tests"]:
        assert test["status"] in ("passed", "failed")
        assert test["visibility"] in ("hidden", "after_due_date", "after_published", "visible")
        assert test["extra_data"]["state"] in ("passed", "failed", "error", "timeout", "not_started", "skipped")
        assert isinstance(test["output"], str) and test["name"].startswith(test["extra_data"]["exercise"])
    backward = data["tests"][1]
    assert "dx" in backward["output"] and "layers.py:42" in backward["output"]
    assert "debug print" in data["tests"][0]["output"]  # the student's output, once per exercise


def test_junit_xml():
    root = ET.fromstring(junit.render(sample_report(), "en"))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["Relu", "Affine", "TwoLayerNet"]
    relu, affine, net = suites
    assert relu.get("failures") == "1" and relu.get("tests") == "2"
    assert affine.get("errors") == "2" and affine.get("skipped") == "0"
    assert affine.get("failures") == "1"  # not started: work missing, never a green skip
    not_started = affine.find("testcase[@name='tensor_input']/failure")
    assert not_started.get("type") == "not_started" and not_started.get("message").startswith("not started")
    assert net.get("skipped") == "2"
    failure = relu.find("testcase[@name='backward']/failure")
    assert "dx" in failure.get("message") and "inverted" in failure.text
    assert affine.find("testcase[@name='forward']/error").get("type") == "error"
    assert affine.find("testcase[@name='backward']/error").get("type") == "timeout"
    assert relu.find("testcase[@name='forward']/system-out").text == "debug print <&>\n"


def test_github_summary_table():
    text = github.summary_markdown(sample_report(), "en")
    assert "### backprop-grader: 3 / 42" in text
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(rows) == 3
    assert "inverted" in rows[0] and "3 / 8" in rows[0]


def test_github_annotations_point_at_student_lines(tmp_path):
    lines = github.annotations(sample_report(), "en", tmp_path)
    assert len(lines) == 2
    assert lines[0].startswith("::error file=/course/alice/layers.py,line=42,title=Relu::")
    assert "%0A" not in lines[0].split("::", 2)[1]


def test_publish_appends_the_summary(tmp_path, monkeypatch, capsys):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    github.publish(sample_report(), "ja", to_stdout=False)
    assert summary.read_text().startswith("earlier step\n### backprop-grader")
    assert "::error file=" in capsys.readouterr().err
