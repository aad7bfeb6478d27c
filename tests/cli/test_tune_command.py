"""glassnet tune: a tiny search whose best trial retrains to the very score it reported."""

from __future__ import annotations

import json

import pytest

from glassnet.cli import main


def test_the_best_configuration_retrains_to_the_reported_score(tmp_path, capsys):
    out = tmp_path / "tuned"
    assert main(["tune", "iris", "--trials", "2", "--epochs", "3", "--out", str(out)]) == 0
    best = json.loads((out / "best.json").read_text())
    assert best["metric"] == "accuracy" and 0 <= best["score"] <= 1
    trials = json.loads((out / "trials.json").read_text())
    assert len(trials) == 2 and all(t["state"] == "COMPLETE" for t in trials)
    assert max(t["value"] for t in trials) == best["score"]
    capsys.readouterr()
    retrained = tmp_path / "retrained"
    code = main(
        ["train", "iris", "--config", str(out / "best.json"), "--quiet", "--out", str(retrained)]
    )
    assert code == 0
    text = capsys.readouterr().out
    assert f"validation accuracy at the last epoch {best['score']:.4f}" in text
    assert "the same" in text
    history = (retrained / "history.csv").read_text().splitlines()
    columns = history[0].split(",")
    last = dict(zip(columns, history[-1].split(","), strict=True))
    assert float(last["val_accuracy"]) == pytest.approx(best["score"], abs=1e-12)
    assert int(last["epoch"]) == best["epochs"] == 3


def test_a_bad_config_file_is_a_usage_error(tmp_path, capsys):
    bad = tmp_path / "best.json"
    bad.write_text(json.dumps({"layers": "8"}))
    assert main(["train", "iris", "--config", str(bad), "--out", str(tmp_path / "r")]) == 2
    assert "lacks" in capsys.readouterr().err
    assert main(["tune", "iris", "--trials", "0", "--out", str(tmp_path / "t")]) == 2
