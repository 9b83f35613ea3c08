"""On PYTHONPATH, this makes `import tensorflow` fail, as on a machine that has only JAX or PyTorch (the backend
tests and `python -m course backends --without-tensorflow` use it)."""
import sys

sys.modules["tensorflow"] = None
