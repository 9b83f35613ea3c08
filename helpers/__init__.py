"""Helpers for the ConvNets course companion, one module per purpose (``_standins`` draws the offline datasets).

TensorFlow's environment is set here, and only here: TensorFlow reads it once, on its first import, and every
notebook imports ``helpers`` before Keras.
"""
import os as _os

_os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # no C++ INFO/WARNING/ERROR lines on stderr
_os.environ.setdefault("KERAS_BACKEND", "tensorflow")  # Keras 3 can run on other backends; the course uses TF
# oneDNN's fast CPU kernels, which TensorFlow turns on by itself only on some CPUs (numbers may differ in the last
# digits from a run without them)
_os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
