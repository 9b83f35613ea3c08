"""Helpers for the ConvNets course companion.

One module per purpose:

- ``helpers.session``  -- seeding, quiet TensorFlow logs, version report (call ``setup()`` first)
- ``helpers.datasets`` -- the Happy and SIGNS datasets (course files or offline stand-ins)
- ``helpers.plots``    -- every picture: image grids, learning curves, model diagrams
- ``helpers.checks``   -- learner self-checks and the Keras-3 layer table
- ``helpers.models``   -- reference models and ResNet blocks

Importing this package keeps TensorFlow's C++ log lines out of notebooks: the variables below must
be set before TensorFlow is first imported, and every notebook imports ``helpers`` before Keras.
"""
import os as _os

_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # no C++ INFO/WARNING/ERROR lines on stderr
_os.environ.setdefault("KERAS_BACKEND", "tensorflow")
