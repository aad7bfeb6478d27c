"""Reading model files: what ``read_model_file`` accepts and refuses by its first bytes."""

import numpy as np
import pytest
from safetensors.numpy import save

import glassnet as gn
from glassnet.io.load import read_model_file


def test_a_header_length_that_begins_like_a_pickle_is_still_read(tmp_path):
    # 640 = 0x280: the header length's first two bytes are b"\x80\x02", a pickle's magic.
    metadata = {"padding": "x" * 10}
    raw = save({"w": np.zeros(1, dtype=np.float32)}, metadata=metadata)
    header_length = int.from_bytes(raw[:8], "little")
    metadata["padding"] = "x" * (10 + 640 - header_length)
    raw = save({"w": np.zeros(1, dtype=np.float32)}, metadata=metadata)
    assert raw[:2] == b"\x80\x02"
    path = tmp_path / "model.safetensors"
    path.write_bytes(raw)
    with pytest.raises(gn.DataError, match="not a glassnet model"):
        read_model_file(path)
