"""The benchmark harness: interleaved timing, skipped peers, goals, memory, the suite CLI."""

from __future__ import annotations

import argparse
import math

import numpy as np
import pytest

from benchmarks import __main__ as cli
from benchmarks import mlp, runner
from benchmarks.runner import Goal, Skipped, Workload


def _fake_workload() -> Workload:
    def fast(args):
        return lambda i: 1.0 / (i + 1)

    def missing(args):
        raise Skipped("not installed (test)")

    return Workload(
        "fake",
        "a fake workload",
        8,
        {"glassnet": fast, "peer": fast, "absent": missing},
        [Goal("glassnet", "peer", at_least=0.5), Goal("glassnet", "absent", at_least=1.0)],
        memory=False,
        defaults={"steps": 2, "repeats": 2, "warmup": 1, "gap": 0.0},
    )


def test_run_reports_timings_ratios_skipped_peers_and_goals(capsys):
    assert runner.run(_fake_workload(), []) == 0
    out = capsys.readouterr().out
    assert "| glassnet |" in out and "| peer |" in out
    assert "| absent | skipped: not installed (test) |" in out
    assert "glassnet ÷ peer" in out
    assert "goal glassnet vs peer ≥ 0.5×" in out
    assert "goal glassnet vs absent ≥ 1×: not measured" in out
    assert "load average" in out


def test_quick_shrinks_repeats_and_steps():
    args = runner.parser(_fake_workload(), None).parse_args(["--quick", "--steps", "30"])
    runner.quicken(args)
    assert args.repeats <= 3 and args.steps == 10 and args.warmup <= 3


def test_only_selects_frameworks():
    args = runner.parser(_fake_workload(), None).parse_args(["--only", "glassnet"])
    steps, skipped = runner.build_steps(_fake_workload(), args)
    assert list(steps) == ["glassnet"] and skipped == {}


def test_goal_verdicts():
    assert Goal("a", "b", at_least=1.3).verdict(1.31) == "met"
    assert Goal("a", "b", at_least=1.3).verdict(1.29) == "not met"
    assert Goal("a", "b", at_most=1.5).verdict(1.4) == "met"
    assert Goal("a", "b", at_most=1.5).verdict(1.6) == "not met"


def test_ratios_are_per_repeat_throughput_ratios():
    times = {"glassnet": [1.0, 2.0], "peer": [3.0, 2.0]}
    assert runner.ratios(times, "peer") == [3.0, 1.0]


def test_memory_child_reports_peak_rss():
    workload = _fake_workload()
    args = runner.parser(workload, None).parse_args(["--memory-steps", "2"])
    result = runner.memory_child(workload, "glassnet", args)
    assert result["lifetime_peak_mib"] > 0
    if "peak_rss_mib" in result:  # Linux with /proc
        assert result["lifetime_peak_mib"] >= result["peak_rss_mib"] > 0


def test_glassnet_mlp_step_runs_on_tiny_sizes():
    factory = mlp.glassnet_factory((6, 5, 3), samples=40, batch=8)
    step = factory(argparse.Namespace())
    first = step(0)
    for i in range(1, 10):
        step(i)
    assert math.isfinite(first) and step(0) < first  # it trains


def test_pytorch_mlp_starts_from_glassnets_weights():
    pytest.importorskip("torch")
    sizes = (6, 5, 3)
    glassnet = mlp.glassnet_factory(sizes, 40, 8)(argparse.Namespace())
    torch = mlp.torch_factory(sizes, 40, 8)(argparse.Namespace())
    np.testing.assert_allclose(glassnet(0), torch(0), rtol=1e-5)


def test_sklearn_mlp_step_runs():
    step = mlp.sklearn_factory((6, 5, 3), 40, 8)(argparse.Namespace())
    assert math.isfinite(step(0))


def test_jax_is_skipped_not_failed():
    try:
        import jax  # noqa: F401
    except ImportError:
        with pytest.raises(Skipped, match="not installed"):
            mlp.jax_factory(argparse.Namespace())
    else:  # pragma: no cover - JAX is not a dependency
        with pytest.raises(Skipped):
            mlp.jax_factory(argparse.Namespace())


def test_cli_lists_and_refuses_unknown_names(capsys):
    assert cli.main(["--list"]) == 0
    assert "define_by_run" in capsys.readouterr().out
    assert cli.main(["nonsense"]) == 2
    assert cli.main([]) == 2  # bare: the list, nothing run


def test_every_suite_workload_is_registered():
    from benchmarks import SUITE, WORKLOADS

    assert set(SUITE) <= set(WORKLOADS)


def test_lstm_memory_child_reports_peak_rss_and_the_report_shows_it():
    from benchmarks import lstm

    args = lstm.parse(["--memory-steps", "1", "--batch", "4"])
    result = lstm.measure_memory("glassnet", args)
    assert result["peak_rss_mib"] > 10
    assert result["tracemalloc_peak_mib"] > 0
    lines = "\n".join(lstm.harness.memory_lines({"glassnet": result}))
    assert f"| glassnet | {result['peak_rss_mib']:.0f} |" in lines


def test_phases_times_every_part_of_a_step():
    from benchmarks import phases

    best = phases.measure("tabular", steps=3, repeats=1)
    assert set(best) == set(phases.PHASES)
    assert all(0 < value < 1e6 for value in best.values())
