"""A pytest plugin of `make test` (course.testing passes `-p course.longest_first`): the files that take longest
run first, longest first.

With several workers, each running whole files (`--dist loadfile`), a worker takes the next file in line when it has
two tests left. Started first, the long files run side by side and the many short ones fill in at the end; started
last, the other workers would sit idle while one finished them. Naming a file first on pytest's command line does not do
this: pytest drops an argument that another one contains (notebooks/07_... inside notebooks) and collects a folder's
files by name, and xdist starts the files with most tests first unless told `--no-loadscope-reorder`.
"""

# The files that take longest, longest first (seconds per file in a make test run, from the first test's start to the
# last's end, with three workers on 2 cores, 2026-12-05): each takes 50 s or more; all the others, less than 30 s.
LONGEST_FIRST = ["notebooks/07_resnet50.ipynb",           # 406: ResNet50's training
                 "tests/test_classroom.py",               # 258: nbgrader grades 25 submissions
                 "tests/test_backends.py",                # 245: the unit tests and lessons 05, 06 on JAX and PyTorch
                 "tests/test_lab_in_browser.py",          # 135: JupyterLab in Chromium
                 "tests/test_book.py",                    # 123: the website, axe-core on every page
                 "notebooks/02_happy_model.ipynb",        # 94: HappyModel's training
                 "notebooks/03_why_resnets.ipynb",        # 89: deep plain and residual networks trained
                 "notebooks/04_batchnorm_and_init.ipynb", # 80: HappyModel for 8 epochs, an epoch at a time
                 "tests/test_workbook.py",                # 67: Run All in every fresh workbook notebook
                 "tests/test_install.py",                 # 57: the Colab path and a read-only install
                 "tests/test_exercise_checks.py"]         # 52: every check against its slips


def pytest_collection_modifyitems(items):
    """pytest's hook: the tests of the LONGEST_FIRST files first, in that order; the rest as collected."""
    rank = {path: index for index, path in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(LONGEST_FIRST)))
