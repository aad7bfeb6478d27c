"""The report's sections, each a heading, its numbers or picture, and a plain caption.

The captions are written for someone who has never trained a network: what the
picture shows and how to read it, in one or two sentences.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from glassnet.inspect.plots.confusion import plot_confusion
from glassnet.inspect.plots.conv import plot_filters
from glassnet.inspect.plots.curves import history_values, overfitting_epoch, plot_history
from glassnet.inspect.plots.network import plot_network
from glassnet.inspect.report.html_page import image, paragraph, preformatted, section, table
from glassnet.nn.conv import Conv2D
from glassnet.nn.dense import Dense
from glassnet.nn.module import Module
from glassnet.nn.summary import render_summary
from glassnet.train import metrics as metric_functions

# Wider than this, a layer is drawn with an ellipsis in the network picture.
NETWORK_NEURONS = 10
# Permutation importance re-predicts the data (features × repeats) times; a sample of
# this size ranks features as well as the whole set does, at a fraction of the time.
IMPORTANCE_SAMPLES = 500
IMPORTANCE_SHOWN = 15


def summary_section(model: Module) -> str:
    text = render_summary(model, None)
    body = paragraph(
        "The layers of the network, what shape of numbers each one passes on, and how many "
        "adjustable numbers (weights and biases) it learned."
    ) + preformatted(text)
    return section("model", "The model", body)


def metrics_section(
    task: str,
    values: Mapping[str, float],
    y_true: np.ndarray | None,
    y_pred: np.ndarray | None,
    class_names: Sequence[Any],
    where: str,
) -> str:
    rows = [(name, f"{value:.4f}") for name, value in values.items()]
    body = paragraph(f"Measured on {where}.") + table(["metric", "value"], rows)
    if task != "classification" or y_true is None or y_pred is None:
        return section("metrics", "How well it does", body)
    names = [str(n) for n in class_names] or [
        str(k) for k in range(int(max(y_true.max(), y_pred.max())) + 1)
    ]
    labels = list(range(len(names)))
    counts = metric_functions.per_class_counts(y_true, y_pred, labels=labels)
    count_rows = [(names[k], c.tp, c.fp, c.fn, c.tn) for k, c in counts.items()]
    body += paragraph(
        "For each class: TP (true positives) are samples of the class recognised as such; "
        "FP (false positives) are other samples wrongly called this class; FN (false "
        "negatives) are samples of the class that were missed; TN (true negatives) are the "
        "other samples, rightly not called this class."
    )
    body += table(["class", "TP", "FP", "FN", "TN"], count_rows)
    figure = plot_confusion(y_true, y_pred, names)
    body += image(
        figure,
        "confusion matrix",
        "Each row is the true class, each column the class the network predicted. Numbers on "
        "the diagonal are right answers; any number off the diagonal is a mix-up between two "
        "classes.",
    )
    return section("metrics", "How well it does", body)


def curves_section(history: Any) -> str:
    logs = history_values(history)
    onset = overfitting_epoch(logs)
    figure = plot_history(logs)
    if onset is None:
        verdict = (
            "No overfitting is visible: the validation loss did not turn upwards while the "
            "training loss kept falling."
        )
    else:
        verdict = (
            f"Overfitting starts around epoch {onset} (dashed line): after it the network keeps "
            "improving on its training samples but gets worse on the validation samples, a sign "
            "that it starts memorising instead of learning general rules."
        )
    caption = (
        "How the error (loss) and the score changed during training, epoch by epoch (one epoch "
        "is one pass over the training data). Blue: the samples it learns from; orange: "
        "validation samples it never learns from. " + verdict
    )
    return section("training", "Training curves", image(figure, "training curves", caption))


def network_section(model: Module, feature_names: Sequence[str], class_names: Sequence[Any]) -> str:
    parts = []
    if any(isinstance(m, Dense) for m in model.modules()):
        dense = [m for m in model.modules() if isinstance(m, Dense)]
        first_inputs = dense[0].kernel.shape[0]
        inputs = list(feature_names) if len(feature_names) == first_inputs else None
        outputs = [str(c) for c in class_names] if len(class_names) == dense[-1].units else None
        figure = plot_network(
            model, max_neurons=NETWORK_NEURONS, input_names=inputs, output_names=outputs
        )
        parts.append(
            image(
                figure,
                "network diagram",
                "Each circle is a neuron, each line a connection with its learned weight. Blue "
                "lines push the next neuron up, red lines push it down; thicker lines matter "
                "more. Wide layers show only their first and last neurons; the dots stand for the rest.",
            )
        )
    if any(isinstance(m, Conv2D) for m in model.modules()):
        parts.append(
            image(
                plot_filters(model),
                "convolution filters",
                "The small patterns the first convolution layer learned to look for in the "
                "pictures: blue where it wants bright pixels, red where it wants dark ones.",
            )
        )
    if not parts:
        return ""
    return section("network", "The network", "".join(parts))


def boundary_section(
    model: Module,
    x: np.ndarray,
    y: np.ndarray,
    feature_names: Sequence[str],
    class_names: Sequence[Any],
) -> str:
    """For a model with exactly two inputs: its answer over the whole plane."""
    from glassnet.inspect.plots.boundary import plot_decision_boundary

    if x.ndim != 2 or x.shape[1] != 2:
        return ""
    figure = plot_decision_boundary(
        model,
        x,
        y,
        resolution=120,
        feature_names=list(feature_names) if len(feature_names) == 2 else None,
        class_names=[str(c) for c in class_names] or None,
    )
    caption = (
        "With only two inputs, the network's answer can be drawn for every possible pair of "
        "values: each coloured area is where it gives one answer, and the dots are the "
        "samples, coloured by their true answer. Dots on the wrong colour are mistakes."
    )
    return section(
        "boundary", "Where it draws the line", image(figure, "decision boundary", caption)
    )


def importance_section(
    model: Module, x: np.ndarray, y: np.ndarray, feature_names: Sequence[str]
) -> str:
    from glassnet.inspect import permutation_importance

    if len(x) > IMPORTANCE_SAMPLES:
        chosen = np.random.default_rng(0).choice(len(x), IMPORTANCE_SAMPLES, replace=False)
        x, y = x[np.sort(chosen)], y[np.sort(chosen)]
    names = list(feature_names) if len(feature_names) == int(np.prod(x.shape[1:])) else None
    result = permutation_importance(model, x, y, feature_names=names, n_repeats=3, seed=0)
    ranked = result.ranked()
    rows = [
        (rank, name, f"{mean:.4f}", f"{std:.4f}")
        for rank, (name, mean, std) in enumerate(ranked[:IMPORTANCE_SHOWN], 1)
    ]
    body = paragraph(
        f"Which inputs the predictions depend on most. Each input in turn is shuffled among the "
        f"samples (breaking its link with the answer) and the drop in {result.metric} is "
        f"measured: a big drop means the network relies on that input; about zero means it "
        f"ignores it. {result.metric} without shuffling: {result.baseline_score:.4f}."
    )
    body += table(["rank", "input", f"drop in {result.metric}", "± std"], rows)
    if len(ranked) > IMPORTANCE_SHOWN:
        body += paragraph(
            f"… and {len(ranked) - IMPORTANCE_SHOWN} more inputs with smaller effects."
        )
    return section("importance", "What the predictions depend on", body)


def trace_section(model: Module, x: np.ndarray, scaled: bool) -> str:
    from glassnet.inspect import trace

    result = trace(model, x[:1], max_neurons=4, file=None)
    note = " (after the same scaling as in training)" if scaled else ""
    body = paragraph(
        "The arithmetic of one prediction, written out: every neuron multiplies its inputs by "
        "its weights, adds them up with its bias (Σ wᵢxᵢ + b), and passes the sum through its "
        f"activation function. The input is the first test sample{note}; wide layers show a few "
        "neurons in full and summarise the rest."
    ) + preformatted(str(result))
    return section("trace", "One prediction, step by step", body)


def comparison_section(comparison: Mapping[str, Any]) -> str:
    metric = str(comparison.get("metric", "score"))
    rows = [
        (
            row.get("model", "?"),
            f"{float(row.get('mean', float('nan'))):.4f}",
            f"{float(row.get('std', float('nan'))):.4f}",
            f"{float(row.get('fit_time', float('nan'))):.3f}",
            f"{float(row.get('predict_time', float('nan'))):.4f}",
            row.get("size", ""),
        )
        for row in comparison.get("rows", [])
    ]
    body = paragraph(
        f"The network against classic methods on the same data ({metric}: mean and spread "
        "over repeated splits; times in seconds; size in stored numbers). A network is only "
        "worth its cost when it clearly beats the simpler methods."
    )
    body += table(["model", metric, "± std", "fit time (s)", "predict time (s)", "size"], rows)
    if comparison.get("verdict"):
        body += paragraph(str(comparison["verdict"]), css="verdict")
    return section("comparison", "Is a neural network worth it here?", body)
