import numpy as np
import pytest

import glassnet as gn
from glassnet.backend.precision import autocast, get_compute_dtype, precision_dtype


def test_autocast_sets_and_restores_the_compute_dtype():
    assert get_compute_dtype() is None
    with autocast("float16"):
        assert get_compute_dtype() == np.float16
        with autocast(None):
            assert get_compute_dtype() is None
        assert get_compute_dtype() == np.float16
    assert get_compute_dtype() is None


def test_policies_and_their_errors():
    assert precision_dtype("float32") is None
    assert precision_dtype("mixed_float16") == np.float16
    with pytest.raises(gn.ConfigError, match="precision must be one of 'float32', 'mixed_float16'"):
        precision_dtype("half")
    with pytest.raises(gn.ConfigError, match="bfloat16 compute is not available"):
        precision_dtype("mixed_bfloat16")
    wrong_dtype = pytest.raises(gn.ConfigError, match="compute dtype of mixed precision is")
    with wrong_dtype, autocast("float64"):
        pass
    with pytest.raises(gn.ConfigError, match="precision must be one of"):
        gn.Sequential([gn.Dense(2)]).compile("sgd", "mse", precision="fp8")
