"""Evaluating boolean expressions from their structure: a Tree-LSTM against a bag of leaves.

Each expression, such as ``(XOR T (NOT (AND T F)))``, is a tree of literals (T, F) and
operators (AND, OR, XOR, NOT); the task is its truth value. Both models embed every
node's token (literal or operator) with the same kind of embedding table:

* the tree model composes the embeddings bottom-up with a Child-Sum Tree-LSTM
  (``gn.ChildSumTreeLSTM``) and classifies the root's state;
* the baseline sums the embeddings of all nodes of an expression, ignoring where they
  sit, and classifies the sum with a two-hidden-layer MLP of about the same size.

Both train on the same expressions with the same optimizer and are scored on held-out
expressions that neither saw (half true, half false, so chance is 50 %).

Run: ``python examples/expression_trees.py`` (about 15 s on 2 cores); add ``--extra`` to
also train two plain TreeRNNs and the bag of leaves for 60 epochs (about a minute more).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import numpy as np

import glassnet as gn
from glassnet import ops
from glassnet.data.expressions import BOOLEAN_VOCAB, boolean_expressions
from glassnet.nn.tree_ops import segment_sum


class TreeModel(gn.Module):
    """Token embeddings → Child-Sum Tree-LSTM → the root's state → two class scores."""

    def __init__(self, embedding_dim: int = 16, units: int = 32, seed: int = 0) -> None:
        super().__init__()
        rng = np.random.default_rng(seed)
        self.add_weight("embedding", (len(BOOLEAN_VOCAB), embedding_dim), "normal", rng=rng)
        self.tree = gn.ChildSumTreeLSTM(units, rng=rng)
        self.out = gn.Dense(2, rng=rng)

    def forward(self, batch: gn.TreeBatch) -> gn.Tensor:
        nodes = ops.getitem(self.embedding, batch.tokens)
        return self.out(self.tree(batch, nodes))


class TreeRNNModel(gn.Module):
    """Token embeddings → a plain TreeRNN (child-sum, or binary with ``arity=2``) → scores."""

    def __init__(
        self, arity: int | None = None, embedding_dim: int = 16, units: int = 64, seed: int = 0
    ) -> None:
        super().__init__()
        rng = np.random.default_rng(seed)
        self.add_weight("embedding", (len(BOOLEAN_VOCAB), embedding_dim), "normal", rng=rng)
        self.tree = gn.TreeRNN(units, arity=arity, rng=rng)
        self.out = gn.Dense(2, rng=rng)

    def forward(self, batch: gn.TreeBatch) -> gn.Tensor:
        nodes = ops.getitem(self.embedding, batch.tokens)
        return self.out(self.tree(batch, nodes))


class BagModel(gn.Module):
    """Token embeddings summed over the whole expression (no structure) → an MLP."""

    def __init__(self, embedding_dim: int = 16, hidden: int = 64, seed: int = 0) -> None:
        super().__init__()
        rng = np.random.default_rng(seed)
        self.add_weight("embedding", (len(BOOLEAN_VOCAB), embedding_dim), "normal", rng=rng)
        self.hidden1 = gn.Dense(hidden, activation="relu", rng=rng)
        self.hidden2 = gn.Dense(hidden, activation="relu", rng=rng)
        self.out = gn.Dense(2, rng=rng)

    def forward(self, batch: gn.TreeBatch) -> gn.Tensor:
        nodes = ops.getitem(self.embedding, batch.tokens)
        bag = segment_sum(nodes, batch.tree_index, batch.num_trees)
        return self.out(self.hidden2(self.hidden1(bag)))


def accuracy(model: gn.Module, trees: Sequence[gn.Tree], labels: np.ndarray) -> float:
    """The share of ``trees`` whose truth value ``model`` gets right."""
    model.eval()
    with gn.no_grad():
        logits = model(gn.batch_trees(trees)).numpy()
    return float(np.mean(logits.argmax(axis=1) == labels))


def train(
    model: gn.Module,
    trees: Sequence[gn.Tree],
    labels: np.ndarray,
    epochs: int,
    batch_size: int = 32,
    lr: float = 0.01,
    seed: int = 0,
) -> gn.Module:
    """Adam on the cross-entropy, in shuffled mini-batches of whole trees."""
    rng = np.random.default_rng(seed)
    model(gn.batch_trees(trees[:2]))  # build the layers so Adam sees every weight
    optimizer = gn.Adam(model, lr=lr)
    for _ in range(epochs):
        model.train()
        order = rng.permutation(len(trees))
        for start in range(0, len(trees), batch_size):
            chosen = order[start : start + batch_size]
            batch = gn.batch_trees([trees[i] for i in chosen])
            loss = ops.softmax_cross_entropy(model(batch), labels[chosen])
            model.zero_grad()
            loss.backward()
            optimizer.step()
    return model


def compare(
    n_train: int = 2000,
    n_test: int = 1000,
    max_depth: int = 5,
    epochs: int = 6,
    seed: int = 0,
) -> dict[str, float]:
    """Train both models on the same expressions; their held-out accuracies and sizes."""
    trees, labels = boolean_expressions(n_train + n_test, 1, max_depth, seed=seed)
    train_trees, test_trees = trees[:n_train], trees[n_train:]
    train_labels, test_labels = labels[:n_train], labels[n_train:]
    tree_model = train(TreeModel(seed=seed), train_trees, train_labels, epochs, seed=seed)
    bag_model = train(BagModel(seed=seed), train_trees, train_labels, epochs, seed=seed)
    return {
        "tree_accuracy": accuracy(tree_model, test_trees, test_labels),
        "bag_accuracy": accuracy(bag_model, test_trees, test_labels),
        "tree_params": tree_model.count_params(),
        "bag_params": bag_model.count_params(),
    }


def extra(seed: int = 0) -> None:
    """Plain TreeRNNs on the same split, and the bag of leaves trained 10 times longer."""
    trees, labels = boolean_expressions(3000, 1, 5, seed=seed)
    split = (trees[:2000], labels[:2000])
    candidates = [
        ("TreeRNN, child-sum", TreeRNNModel(None, seed=seed), 6),
        ("TreeRNN, binary (arity=2)", TreeRNNModel(2, seed=seed), 6),
        ("bag of leaves + MLP, 60 epochs", BagModel(seed=seed), 60),
    ]
    for name, model, epochs in candidates:
        train(model, *split, epochs, seed=seed)
        print(
            f"{name} ({model.count_params()} parameters): held-out accuracy "
            f"{accuracy(model, trees[2000:], labels[2000:]):.3f}"
        )


def main(argv: Sequence[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    result = compare()
    print("boolean expressions of depth 1-5: 2000 for training, 1000 held out (50 % true)")
    print(
        f"Child-Sum Tree-LSTM ({result['tree_params']} parameters): "
        f"held-out accuracy {result['tree_accuracy']:.3f}"
    )
    print(
        f"bag of leaves + MLP ({result['bag_params']} parameters): "
        f"held-out accuracy {result['bag_accuracy']:.3f}"
    )
    if "--extra" in argv:
        extra()


if __name__ == "__main__":
    main()
