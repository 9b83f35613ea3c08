"""Helpers for the ConvNets course companion: what the lessons import, one module per purpose.

- ``helpers.session``     -- call ``setup()`` first: quiet TensorFlow, seeds, versions; ``output_path()``
- ``helpers.datasets``    -- the Happy House and SIGNS datasets (the course's files or offline stand-ins)
- ``helpers.images``      -- your own photo as a model input
- ``helpers.models``      -- reference models and ResNet blocks (the graded exercises' answers)
- ``helpers.checks``      -- self-checks of your exercises and results, and the Keras-3 layer table
- ``helpers.plots``       -- every picture: image grids, learning curves, model diagrams
- ``helpers.experiments`` -- deep stacks, small images and repeated trainings for notebook 03
- ``helpers.training``    -- batches for fit, gradients, BatchNormalization's moving averages brought up to date
- ``helpers.recipes``     -- notebook 07's training recipe
- ``helpers.doctor``      -- ``python -m helpers.doctor``: is this set-up ready for the course?
- ``helpers.prepare``     -- ``python -m helpers.prepare``: data and example photo for a notebook opened on its own
- ``helpers.i18n``        -- the language of the messages above (English, or the edition's)

Behind them, private modules that a lesson never calls: ``helpers._standins`` draws the offline datasets (for
``helpers.datasets``, ``helpers.prepare`` and the doctor); ``helpers._diagnosis`` says which slip a failed check
most likely found; ``helpers._fixes`` holds each platform's install commands and the Graphviz self-check, for the
doctor and the diagrams.

TensorFlow's environment is set here, and only here: TensorFlow reads it once, on its first import, and every
notebook imports ``helpers`` before Keras.
"""
import os as _os

_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # no C++ INFO/WARNING/ERROR lines on stderr
_os.environ.setdefault("KERAS_BACKEND", "tensorflow")  # Keras 3 can run on other backends; the course uses TF
# oneDNN's fast CPU kernels, which TensorFlow turns on by itself only on some CPUs (numbers may differ in the last
# digits from a run without them)
_os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
