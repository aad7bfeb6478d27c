"""Tests for glassnet/data/text.py: vocabularies, BPTT windows, the unigram baseline, sampling."""

from __future__ import annotations

import math

import numpy as np
import pytest

import glassnet as gn
from glassnet.data.text import CharVocab, char_windows, next_token, sample, unigram_cross_entropy
from glassnet.errors import ConfigError, DataError


class FixedLogits:
    """A stand-in model: the same logits for the next character whatever it reads."""

    def __init__(self, logits, three_d=True):
        self.logits = np.asarray(logits, dtype=float)
        self.three_d = three_d
        self.seen = []

    def predict(self, ids):
        self.seen.append(ids.copy())
        batch, steps = ids.shape
        if self.three_d:
            return np.broadcast_to(self.logits, (batch, steps, len(self.logits)))
        return np.broadcast_to(self.logits, (batch, len(self.logits)))


def test_vocab_round_trip_and_unknown_character():
    vocab = CharVocab.from_text("hello world")
    assert vocab.chars == sorted(set("hello world"))
    assert vocab.decode(vocab.encode("low")) == "low"
    with pytest.raises(DataError, match="'z' is not in the vocabulary"):
        vocab.encode("z")


def test_char_windows_pair_each_step_with_the_next_character():
    x, y = char_windows(np.arange(10), 3)
    assert x.tolist() == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    assert y.tolist() == [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    x, y = char_windows(np.arange(6), 3, step=1)
    assert x.tolist() == [[0, 1, 2], [1, 2, 3], [2, 3, 4]]
    with pytest.raises(DataError, match="too few"):
        char_windows(np.arange(3), 3)
    with pytest.raises(ConfigError, match="length"):
        char_windows(np.arange(10), 0)


def test_unigram_cross_entropy_is_the_smoothed_frequency_entropy():
    train = np.array([0, 0, 0, 1])  # counts +1: 4, 2, 1 over 7
    assert unigram_cross_entropy(train, np.array([0, 1, 2]), 3) == pytest.approx(
        -(math.log(4 / 7) + math.log(2 / 7) + math.log(1 / 7)) / 3
    )


def test_temperature_zero_is_the_argmax():
    vocab = CharVocab.from_text("abc")
    model = FixedLogits([0.1, 2.0, 1.9])
    assert sample(model, "a", 5, 0.0, rng=0, vocab=vocab) == "bbbbb"
    assert sample(FixedLogits([3.0, 0, 0], three_d=False), "c", 2, 0, vocab=vocab) == "aa"


def test_low_temperature_approaches_the_argmax_and_high_flattens():
    rng = np.random.default_rng(0)
    logits = np.array([1.0, 2.0, 1.5])
    cold = [next_token(logits, 0.05, rng) for _ in range(300)]
    hot = [next_token(logits, 100.0, rng) for _ in range(3000)]
    assert set(cold) == {1}
    counts = np.bincount(hot, minlength=3) / 3000
    assert np.all(np.abs(counts - 1 / 3) < 0.05)


def test_temperature_one_samples_the_softmax():
    rng = np.random.default_rng(1)
    logits = np.log(np.array([0.7, 0.2, 0.1]))
    draws = np.bincount([next_token(logits, 1.0, rng) for _ in range(5000)], minlength=3)
    assert np.allclose(draws / 5000, [0.7, 0.2, 0.1], atol=0.03)


@pytest.mark.parametrize("temperature", [-0.5, float("nan"), float("inf"), "hot", None, True])
def test_invalid_temperature_errors(temperature):
    vocab = CharVocab.from_text("ab")
    with pytest.raises(ConfigError, match="temperature"):
        sample(FixedLogits([0.0, 1.0]), "a", 3, temperature, vocab=vocab)


def test_sample_reads_a_bounded_context_and_checks_the_model_output():
    vocab = CharVocab.from_text("ab")
    model = FixedLogits([0.0, 1.0])
    sample(model, "aaaa", 3, 0, vocab=vocab, context=2)
    assert [ids.shape for ids in model.seen] == [(1, 2)] * 3
    with pytest.raises(DataError, match="expected \\(1, 2\\)"):
        sample(FixedLogits([0.0, 1.0, 2.0]), "a", 1, 0, vocab=vocab)
    with pytest.raises(DataError, match="seed text"):
        sample(model, "", 1, 0, vocab=vocab)


def test_sample_is_reproducible_with_a_real_model():
    vocab = CharVocab.from_text("abcd")
    gn.seed(0)
    model = gn.Sequential(
        [gn.Embedding(4, 3, rng=0), gn.LSTM(5, return_sequences=True, rng=1), gn.Dense(4)]
    )
    first = sample(model, "ab", 8, 1.0, rng=3, vocab=vocab)
    assert len(first) == 8 and set(first) <= set("abcd")
    assert sample(model, "ab", 8, 1.0, rng=3, vocab=vocab) == first
