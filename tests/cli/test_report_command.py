"""``glassnet train --report`` and ``glassnet report``: one self-contained HTML page."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from glassnet.cli import main
from tests.cli.conftest import assert_user_error, snapshot

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)

# Inserted into a copy of the page: records errors and, after loading, every image's size.
PROBE = """<script>window.__errs=[];
window.addEventListener('error',function(e){window.__errs.push(String(e.message||'resource failed'))},true);
window.addEventListener('load',function(){var imgs=[].slice.call(document.images);
var bad=imgs.filter(function(i){return !i.complete||i.naturalWidth===0});
var p=document.createElement('pre');p.id='probe';p.textContent=JSON.stringify({images:imgs.length,
broken:bad.length,errors:window.__errs});document.body.appendChild(p);});</script>"""


@pytest.fixture(scope="module")
def digits_run(tmp_path_factory) -> Path:
    """The run folder of a short ``glassnet train digits --report``."""
    out = tmp_path_factory.mktemp("digits") / "run"
    argv = ["train", "digits", "--epochs", "4", "--layers", "32", "--quiet", "--report"]
    assert main([*argv, "--out", str(out)]) == 0
    return out


def external_references(page: str) -> list[str]:
    """Every src/href/url() that would need a file or the network (data: URIs are inside)."""
    links = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", page)
    links += re.findall(r"url\(([^)]*)\)", page)
    links += re.findall(r"@import[^;]*", page)
    return [link for link in links if not link.strip("'\" ").startswith(("data:", "#"))]


def test_train_report_writes_one_self_contained_page(digits_run):
    page = (digits_run / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert external_references(page) == []
    assert "<link" not in page and "<script" not in page
    for heading in (
        "The model",
        "How well it does",
        "Training curves",
        "The network",
        "What the predictions depend on",
        "One prediction, step by step",
    ):
        assert f"<h2>{heading}</h2>" in page
    assert page.count('<img src="data:image/png;base64,') == 3  # confusion, curves, network
    assert page.count("<figcaption>") == 3
    for counts in ("<th>TP</th>", "<th>FP</th>", "<th>FN</th>", "<th>TN</th>"):
        assert counts in page
    accuracy = json.loads((digits_run / "metrics.json").read_text())["test"]["accuracy"]
    assert f"<td>accuracy</td><td>{accuracy:.4f}</td>" in page
    assert "comparison" not in page.lower().split("<main>")[1].split("<h2>")[0]
    assert "Is a neural network worth it here?" not in page


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_the_report_renders_in_headless_chromium(digits_run, tmp_path):
    result = render(digits_run / "report.html", tmp_path)
    assert result["images"] == 3
    assert result["broken"] == 0
    assert result["errors"] == []
    assert result["console"] == []


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_the_chromium_probe_sees_broken_images_and_errors(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text(
        '<!DOCTYPE html><html><head></head><body><img src="data:image/png;base64,AAAA">'
        "<script>undefinedFunction()</script></body></html>"
    )
    result = render(page, tmp_path)
    assert result["broken"] == 1
    assert any("undefinedFunction" in error for error in result["errors"])
    assert any("undefinedFunction" in line for line in result["console"])


def render(page: Path, tmp_path: Path) -> dict:
    """Load a probed copy of ``page`` in headless Chromium; the probe's findings."""
    probed = tmp_path / f"probed-{page.name}"
    probed.write_text(page.read_text(encoding="utf-8").replace("<head>", "<head>" + PROBE, 1))
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--virtual-time-budget=5000",
        "--enable-logging=stderr",
        "--v=0",
        "--dump-dom",
        probed.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)
    match = re.search(r'<pre id="probe">([^<]*)</pre>', done.stdout)
    assert match, f"no probe in Chromium's DOM (exit {done.returncode}): {done.stderr[-2000:]}"
    found = json.loads(match.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    # Chromium also logs each console message on stderr as "CONSOLE(line)".
    found["console"] = [line for line in done.stderr.splitlines() if "CONSOLE" in line]
    return found


def test_report_command_includes_the_comparison_when_it_exists(digits_run, glassnet, tmp_path):
    comparison = {
        "metric": "accuracy",
        "rows": [
            {
                "model": "glassnet MLP",
                "mean": 0.97,
                "std": 0.01,
                "fit_time": 3.2,
                "predict_time": 0.01,
                "size": 19210,
            },
            {
                "model": "<b>kNN</b>",
                "mean": 0.98,
                "std": 0.005,
                "fit_time": 0.001,
                "predict_time": 0.05,
                "size": 86272,
            },
        ],
        "verdict": "kNN is as good here; the network is not worth its cost.",
    }
    (digits_run / "comparison.json").write_text(json.dumps(comparison))
    try:
        out = tmp_path / "again.html"
        result = glassnet("report", digits_run / "model.safetensors", "digits", "--out", out)
        assert result.code == 0, result.text
        page = out.read_text(encoding="utf-8")
    finally:
        (digits_run / "comparison.json").unlink()
    assert "<h2>Is a neural network worth it here?</h2>" in page
    assert "<td>glassnet MLP</td><td>0.9700</td>" in page
    assert "&lt;b&gt;kNN&lt;/b&gt;" in page and "<b>kNN</b>" not in page  # escaped
    assert "not worth its cost" in page
    assert "<h2>Training curves</h2>" in page  # history.csv read from the run folder
    assert external_references(page) == []


def test_report_command_defaults_to_the_model_folder(animals_model, glassnet):
    model, data = animals_model
    result = glassnet("report", model, data)
    assert result.code == 0, result.text
    page = (model.parent / "report.html").read_text(encoding="utf-8")
    assert re.search(r"<td>\d+</td><td>weight</td>", page)  # named in the importance table
    assert "<h2>One prediction, step by step</h2>" in page


def test_regression_reports_its_metrics_without_a_confusion_matrix(
    prices_model, glassnet, tmp_path
):
    model, data = prices_model
    out = tmp_path / "prices.html"
    assert glassnet("report", model, data, "--out", out).code == 0
    page = out.read_text(encoding="utf-8")
    assert "<td>r2</td>" in page and "<th>TP</th>" not in page


def test_a_bad_out_is_refused_without_touching_the_model(animals_model, glassnet, tmp_path):
    model, data = animals_model
    before = snapshot(model)
    assert_user_error(glassnet("report", model, data, "--out", tmp_path / "r.txt"), ".html")
    assert_user_error(glassnet("report", model, data, "--out", tmp_path), "folder")
    assert snapshot(model) == before
