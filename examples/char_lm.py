"""A character-level language model trained on numpy's license text (no network needed).

The text is the LICENSE.txt that ships inside numpy's installed package metadata.
Its first 90 % trains an Embedding → LSTM → Dense model on windows of ``bptt``
characters (truncated backpropagation through time: each window predicts its next
character at every step); the last 10 % is the validation text. The validation loss
(nats per character) is printed next to the unigram baseline's — the character
frequencies of the training text, evaluated on the validation text — and the model
then writes text by temperature sampling (:func:`glassnet.data.text.sample`).

Run:  python examples/char_lm.py          (about 1–2 minutes on 2 cores)
      python examples/char_lm.py --epochs 2 --hidden 64    (a quick look)
"""

from __future__ import annotations

import argparse
import importlib.metadata
import time

import numpy as np

import glassnet as gn
from glassnet.data.text import CharVocab, char_windows, sample, unigram_cross_entropy


def license_text() -> str:
    """numpy's license (several licenses of its bundled parts, about 47,000 characters)."""
    files = importlib.metadata.distribution("numpy").files or []
    for file in files:
        if file.name == "LICENSE.txt" and "licenses/numpy" not in str(file):
            text = file.read_text()
            if text:
                return text
    raise FileNotFoundError("numpy's LICENSE.txt was not found in its installed metadata")


def build(vocab_size: int, hidden: int, embed: int, seed: int) -> gn.Sequential:
    return gn.Sequential(
        [
            gn.Embedding(vocab_size, embed, rng=seed),
            gn.LSTM(hidden, return_sequences=True, rng=seed + 1),
            gn.Dense(vocab_size, name="logits"),
        ]
    )


def sequence_loss(model: gn.Module, loss: gn.Module, x: np.ndarray, y: np.ndarray):
    """Mean cross-entropy over every step of every window: logits (B, T, V) → (B·T, V)."""
    logits = model(gn.Tensor(x))
    batch, steps, classes = logits.shape
    return loss(logits.reshape(batch * steps, classes), y.reshape(-1))


def evaluate(model: gn.Module, loss: gn.Module, x: np.ndarray, y: np.ndarray) -> float:
    model.eval()
    with gn.no_grad():
        value = float(sequence_loss(model, loss, x, y).data)
    model.train()
    return value


def train(
    epochs: int = 8,
    hidden: int = 96,
    embed: int = 16,
    bptt: int = 32,
    batch_size: int = 16,
    lr: float = 0.01,
    max_chars: int | None = None,
    seed: int = 0,
    verbose: bool = True,
) -> dict:
    """Train the model; return it, its vocabulary, and the two validation losses."""
    text = license_text()
    if max_chars:
        text = text[:max_chars]
    vocab = CharVocab.from_text(text)
    ids = vocab.encode(text)
    cut = int(len(ids) * 0.9)
    train_ids, val_ids = ids[:cut], ids[cut:]
    x_train, y_train = char_windows(train_ids, bptt)
    x_val, y_val = char_windows(val_ids, bptt)

    gn.seed(seed)
    model = build(vocab.size, hidden, embed, seed)
    model(gn.Tensor(x_train[:1]))  # build the weights before the optimizer takes them
    optimizer = gn.Adam(model.parameters(), lr=lr, global_clipnorm=5.0)
    loss = gn.CategoricalCrossEntropy()
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    for epoch in range(epochs):
        order = rng.permutation(len(x_train))
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            optimizer.zero_grad()
            sequence_loss(model, loss, x_train[rows], y_train[rows]).backward()
            optimizer.step()
        if verbose:
            print(
                f"epoch {epoch + 1}/{epochs}: validation loss "
                f"{evaluate(model, loss, x_val, y_val):.3f} nats/char "
                f"({time.perf_counter() - started:.0f} s)",
                flush=True,
            )
    return {
        "model": model,
        "vocab": vocab,
        "val_loss": evaluate(model, loss, x_val, y_val),
        # the same characters the model is scored on: the validation windows' targets
        "unigram_loss": unigram_cross_entropy(train_ids, y_val.reshape(-1), vocab.size),
        "train_chars": len(train_ids),
        "val_chars": y_val.size,
        "seconds": time.perf_counter() - started,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--hidden", type=int, default=96)
    parser.add_argument("--bptt", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    result = train(epochs=args.epochs, hidden=args.hidden, bptt=args.bptt, seed=args.seed)
    print(
        f"\ntrained on {result['train_chars']} characters of numpy's LICENSE.txt "
        f"({result['vocab'].size} distinct) in {result['seconds']:.0f} s"
    )
    print(f"validation loss: LSTM {result['val_loss']:.3f} nats/char")
    print(f"validation loss: unigram baseline {result['unigram_loss']:.3f} nats/char")
    for temperature in (0.0, 0.5, 1.0):
        text = sample(
            result["model"],
            "Copyright ",
            240,
            temperature,
            rng=args.seed,
            vocab=result["vocab"],
        )
        print(f"\n--- temperature {temperature} ---\nCopyright {text}")


if __name__ == "__main__":
    main()
