"""glassnet compare: the table and verdict printed, comparison.json written, the learning curve."""

from __future__ import annotations

import json

from glassnet.cli import main


def test_compare_writes_comparison_json_and_prints_the_verdict(tmp_path, capsys):
    out = tmp_path / "run"
    args = [
        "compare",
        "iris",
        "--folds",
        "3",
        "--iterations",
        "20",
        "--layers",
        "8",
        "--out",
        str(out),
    ]
    assert main([*args, "--learning-curve", "--quiet"]) == 0
    text = capsys.readouterr().out
    result = json.loads((out / "comparison.json").read_text())
    assert result["metric"] == "accuracy" and len(result["rows"]) == 6
    assert f"verdict: {result['verdict']}" in text
    assert "random forest" in text and "learning curve" in text
    curves = result["learning_curve"]
    assert set(curves) == {"network", result["best_baseline"]}
    assert all(c["more_data"] in ("likely", "possibly", "unlikely") for c in curves.values())


def test_compare_user_mistakes_are_usage_errors(tmp_path, capsys):
    assert main(["compare", "iris", "--iterations", "0", "--out", str(tmp_path)]) == 2
    assert main(["compare", "iris", "--task", "anomaly", "--out", str(tmp_path)]) == 2
    assert "two classes" in capsys.readouterr().err
