"""The course's tools: they build the editions, grade, translate, measure and probe the next Keras.

    python -m course <verb> ...      (`python -m course --help` lists the verbs; the Makefile's targets call them)

A learner never imports this package; the lessons use ``helpers``. One module per job:
- ``course.editions``      -- what every edition does to a lesson (solutions out, spoilers folded), and the lessons
- ``course.languages``     -- the languages (the folders of locale/), their catalogs, and what a translation must keep
- ``course.translations``  -- the translated notebooks, made from the English ones and the catalogs
- ``course.workbook``      -- the learner's workbook (make lab), never overwriting their work
- ``course.classroom``     -- the nbgrader course (make classroom), and grading a class
- ``course.book``          -- the static website (make book)
- ``course.lab``           -- JupyterLab as make lab starts it, and its configuration
- ``course.execute``       -- notebooks executed top to bottom in a fresh kernel (make notebooks)
- ``course.testing``       -- the test run (make test), which the canary runs too
- ``course.longest_first`` -- a pytest plugin of that run: the files that take longest start first
- ``course.canary``        -- the whole suite against the next TensorFlow and Keras (make canary)
- ``course.bench``         -- how fast this machine trains the course's models (make bench)
- ``course.profile``       -- each lesson's peak memory, CPU and wall time (make profile)
- ``course.backends``      -- the unit tests and lessons on Keras' JAX and PyTorch backends (make backends), and where
                              make puts JAX
- ``course.slips``         -- the typical slips of the graded exercises, for the checks' tests and the simulated class
- ``course.diagrams``      -- a model diagram's boxes and arrows held against the model
- ``course.standins``      -- previews, the example photo and the difficulty of the offline datasets
- ``course.links``         -- the public address of the course and the links made from it
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
TARGET = 0.95  # the test accuracy notebooks 02 (HappyModel) and 07 (ResNet50) check for, and the tools measure against
# How notebook 02 trains HappyModel (on X/255, with the test set as validation data), which the lesson writes out in
# its own cells and the tools repeat through course.bench.train_happy_model; a test holds the lesson to these values.
HAPPY_FIT = {"optimizer": "adam", "loss": "binary_crossentropy", "batch_size": 32, "epochs": 30}


def lessons(folder=NOTEBOOKS):
    """The lesson notebooks in ``folder``, in course order: NN_topic.ipynb."""
    return sorted(Path(folder).glob("[0-9][0-9]_*.ipynb"))
