import sys

import pytest

# helpers sets TensorFlow's environment (quiet C++ logs, backend, oneDNN) when it is imported: before any test
# imports TensorFlow or Keras.
import helpers  # noqa: F401


@pytest.fixture(autouse=True)
def close_figures():
    """Close the figures a test drew, so that they do not pile up in its worker (matplotlib warns past 20)."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
