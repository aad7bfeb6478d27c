"""Characters as token ids, training windows for language models, and temperature sampling.

Example:
    >>> vocab = CharVocab.from_text("abba")
    >>> vocab.encode("ab").tolist(), vocab.decode([1, 0])
    ([0, 1], 'ba')
    >>> x, y = char_windows(vocab.encode("abab"), 2)
    >>> x.tolist(), y.tolist()
    ([[0, 1]], [[1, 0]])
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from glassnet.errors import ConfigError, DataError


class CharVocab:
    """The characters of a text, each given an id (sorted order, so the ids are stable)."""

    def __init__(self, chars: Iterable[str]) -> None:
        self.chars = sorted(set(chars))
        if not self.chars:
            raise DataError("CharVocab needs at least one character")
        if any(len(c) != 1 for c in self.chars):
            raise DataError("CharVocab takes single characters")
        self.index = {c: i for i, c in enumerate(self.chars)}

    @classmethod
    def from_text(cls, text: str) -> CharVocab:
        return cls(text)

    @property
    def size(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> np.ndarray:
        """The ids of ``text``'s characters, as int64; a DataError names an unknown one."""
        try:
            return np.array([self.index[c] for c in text], dtype=np.int64)
        except KeyError as exc:
            raise DataError(
                f"character {exc.args[0]!r} is not in the vocabulary ({self.size} characters)"
            ) from None

    def decode(self, ids: Iterable[int]) -> str:
        return "".join(self.chars[int(i)] for i in ids)

    def get_config(self) -> dict[str, Any]:
        return {"chars": "".join(self.chars)}


def char_windows(
    ids: np.ndarray, length: int, step: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Windows for truncated backpropagation through time: inputs and next characters.

    Window k is ``x[k] = ids[s : s + length]`` and ``y[k] = ids[s + 1 : s + length + 1]``
    with ``s = k · step`` (``step`` defaults to ``length``: windows side by side).

    Returns:
        x, y: (windows, length) int arrays.
    """
    ids = np.asarray(ids)
    if ids.ndim != 1:
        raise DataError(f"char_windows expects a 1-D array of ids, got shape {ids.shape}")
    step = length if step is None else step
    for what, value in (("length", length), ("step", step)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
            raise ConfigError(f"char_windows {what} must be a positive integer, got {value!r}")
    if len(ids) < length + 1:
        raise DataError(f"char_windows: {len(ids)} ids are too few for one window of {length} + 1")
    starts = np.arange(0, len(ids) - length, step)
    offsets = np.arange(length)
    return ids[starts[:, None] + offsets], ids[starts[:, None] + offsets + 1]


def unigram_cross_entropy(train_ids: np.ndarray, eval_ids: np.ndarray, classes: int) -> float:
    """Nats per character of the unigram model (character frequencies of ``train_ids``,
    add-one smoothed so an unseen character is not infinitely surprising) on ``eval_ids``."""
    counts = np.bincount(np.asarray(train_ids), minlength=classes).astype(float) + 1.0
    log_p = np.log(counts / counts.sum())
    return float(-log_p[np.asarray(eval_ids)].mean())


def next_token(logits: np.ndarray, temperature: float, rng: np.random.Generator) -> int:
    """One id drawn from ``softmax(logits / temperature)``; temperature 0 is the argmax."""
    logits = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return int(np.argmax(logits))
    scaled = logits / temperature
    scaled -= scaled.max()  # exp of at most 0: no overflow at small temperatures
    p = np.exp(scaled)
    p /= p.sum()
    return int(rng.choice(len(p), p=p))


def sample(
    model: Any,
    seed_text: str,
    length: int,
    temperature: float = 1.0,
    rng: np.random.Generator | int | None = None,
    *,
    vocab: CharVocab,
    context: int = 64,
) -> str:
    """Generate ``length`` characters after ``seed_text``, one at a time.

    At each step the model reads the last ``context`` characters (ids, shape (1, time))
    and its logits for the next character (the last step of a (1, time, vocab) output,
    or a (1, vocab) output) are sampled at ``temperature``: 1 samples the model's own
    distribution, below 1 sharpens it towards the likeliest character, 0 always takes
    it (greedy), above 1 flattens it.

    Args:
        model: a module mapping ids to logits over ``vocab``.
        seed_text: where the text starts (its characters must be in ``vocab``; not empty).
        length: characters to generate.
        temperature: a finite number ≥ 0.
        rng: a Generator or seed for the draws.
        vocab: the vocabulary the model was trained with.
        context: how many previous characters the model sees at each step.

    Returns:
        The generated characters (without the seed).
    """
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float, np.floating)):
        raise ConfigError(f"sample temperature must be a number ≥ 0, got {temperature!r}")
    if not np.isfinite(temperature) or temperature < 0:
        raise ConfigError(f"sample temperature must be a finite number ≥ 0, got {temperature}")
    if not isinstance(length, (int, np.integer)) or isinstance(length, bool) or length < 0:
        raise ConfigError(f"sample length must be a whole number ≥ 0, got {length!r}")
    if not seed_text:
        raise DataError("sample needs a seed text of at least one character")
    generator = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    ids = list(vocab.encode(seed_text))
    for _ in range(length):
        window = np.array(ids[-context:], dtype=np.int64)[None, :]
        logits = np.asarray(model.predict(window))
        if logits.ndim == 3:
            logits = logits[:, -1]
        if logits.shape != (1, vocab.size):
            raise DataError(
                f"sample: the model's logits have shape {logits.shape}, expected (1, {vocab.size})"
            )
        ids.append(next_token(logits[0], temperature, generator))
    return vocab.decode(ids[len(seed_text) :])
