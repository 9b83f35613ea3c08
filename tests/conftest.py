# helpers sets TensorFlow's environment (quiet C++ logs, backend, oneDNN) when it is imported: before any test
# imports TensorFlow or Keras.
import helpers  # noqa: F401
