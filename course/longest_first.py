"""A pytest plugin of `make test` (course.testing passes `-p course.longest_first`): the files that take longest
run first, longest first.

With several workers, each running whole files (`--dist loadfile`), a worker takes the next file in line when it has
two tests left. Started first, the long files run side by side and the many short ones fill in at the end; started
last, the other workers would sit idle while one finished them. Naming a file first on pytest's command line does not do
this: pytest drops an argument that another one contains (notebooks/07_... inside notebooks) and collects a folder's
files by name, and xdist starts the files with most tests first unless told `--no-loadscope-reorder`.
"""

# The files that take longest, longest first (seconds per file in a make test run, the sum of pytest --durations'
# times, with the then two workers on 2 cores, 2026-12-05): each takes 50 s or more; all the others, less than 45 s.
LONGEST_FIRST = ["notebooks/07_resnet50.ipynb",     # 451: ResNet50's training
                 "tests/test_classroom.py",         # 228: nbgrader grades 25 submissions
                 "tests/test_backends.py",          # 198: the unit tests and lessons 05, 06 on JAX and PyTorch
                                                    # (measured with every slip; now one of each exercise)
                 "tests/test_book.py",              # 120: the website, axe-core on every page
                 "tests/test_lab_in_browser.py",    # 113: JupyterLab in Chromium
                 "notebooks/03_why_resnets.ipynb",  # 91: deep plain and residual networks trained
                 "tests/test_workbook.py",          # 88: Run All in every fresh workbook notebook
                 "notebooks/02_happy_model.ipynb",  # 84: HappyModel's training
                 "tests/test_install.py"]           # 50: the Colab path and a read-only install


def pytest_collection_modifyitems(items):
    """pytest's hook: the tests of the LONGEST_FIRST files first, in that order; the rest as collected."""
    rank = {path: index for index, path in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(LONGEST_FIRST)))
