"""Helpers for the ConvNets course companion: one module per purpose.

- ``helpers.session``      -- call ``setup()`` first: quiet TensorFlow, seeds, versions; ``output_path()``
- ``helpers.datasets``     -- the Happy House and SIGNS datasets (course files or offline stand-ins)
- ``helpers.render_happy`` -- draws the Happy House stand-in images
- ``helpers.render_signs`` -- draws the SIGNS stand-in images
- ``helpers.images``       -- your own photo as a model input
- ``helpers.models``       -- reference models and ResNet blocks (the graded exercises' answers)
- ``helpers.training``     -- BatchNormalization's moving averages brought up to date (notebooks 04, 07)
- ``helpers.experiments``  -- deep stacks and small images for notebook 03's experiments
- ``helpers.checks``       -- learner self-checks and the Keras-3 layer table
- ``helpers.plots``        -- every picture: image grids, learning curves, model diagrams

TensorFlow's environment is set here, and only here, because these variables are read once, when
TensorFlow is first imported, and every notebook imports ``helpers`` before Keras:
"""
import os as _os

_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # no C++ INFO/WARNING/ERROR lines on stderr
_os.environ.setdefault("KERAS_BACKEND", "tensorflow")  # Keras 3 can run on other backends; the course uses TF
# oneDNN's fast CPU kernels: TensorFlow turns them on by itself only on CPUs with instructions for neural-network
# arithmetic (AVX512_VNNI, AVX512_BF16, AVX_VNNI, AMX); they make convolutions faster on other CPUs too. Numbers
# may differ from a run without them in the last digits.
_os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
