# Two commands do everything on a fresh Debian/Ubuntu machine with Python 3.11:
#   make lab    -- set up, then start JupyterLab on your workbook/   (LAB_ARGS="--no-browser --port 8888")
#   make test   -- set up, then run the unit tests and every notebook under nbval
# 한국어판 (the Korean edition): make lab LANG=ko -- ko/workbook/ beside ko/notebooks/, made from locale/ko/
# Set-up = .venv with the pinned packages, Graphviz's `dot`, the offline datasets; a second run
# skips what is done.

PYTHON  ?= python3.11
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed-stamp
LAB_ARGS ?=
PYTEST_ARGS ?=
# The edition make lab opens: Korean when LANG says so (LANG=ko, or a Korean locale such as ko_KR.UTF-8).
COURSE_LANG := $(if $(filter ko%,$(LANG)),ko,en)
# The Korean notebooks that make test runs under nbval (about 25 s; all eight are checked against the English ones).
KOREAN_NBVAL := ko/notebooks/01_keras_convention.ipynb ko/notebooks/05_identity_block.ipynb ko/notebooks/06_convolutional_block.ipynb

.PHONY: lab refresh korean translations test canary doctor classroom book bench setup graphviz browser data notebooks lock clean

# JupyterLab opens at the top of the project: workbook/ (your copies, made the first time and never overwritten
# once you changed them) beside notebooks/ (the solved reference edition).
lab: setup
	$(PY) scripts/lab.py --lang $(COURSE_LANG) $(LAB_ARGS)

# A fresh workbook copy of one lesson, e.g. make refresh NOTEBOOK=05; yours is kept in workbook/backups/.
refresh: setup
	@test -n "$(NOTEBOOK)" || { echo "Say which lesson: make refresh NOTEBOOK=05"; exit 1; }
	$(PY) scripts/workbook.py --lang $(COURSE_LANG) refresh $(NOTEBOOK)

# The Korean reference edition, ko/notebooks/ (git-ignored), from the English lessons and locale/ko/'s catalogs.
korean: $(STAMP)
	$(PY) scripts/translations.py build

# After changing an English lesson: bring the catalogs in step (a changed cell's translation is marked fuzzy),
# then list what is left to translate.
translations: $(STAMP)
	$(PY) scripts/translations.py update
	$(PY) scripts/translations.py status

# Two pytest workers (pytest-xdist), each running whole files: a notebook's cells stay in order in one
# kernel. The two longest files are named first so that each worker starts one at once: notebook 07
# (ResNet50 training) and the nbgrader grading of a simulated class. PYTEST_ARGS="-n 0" runs it all in one
# process. The browser tests drive JupyterLab in Debian's Chromium (scripts/ensure-browser.sh installs it).
test: setup browser korean
	$(PY) -m pytest -n 2 --dist loadfile notebooks/07_resnet50.ipynb tests/test_classroom.py tests notebooks $(KOREAN_NBVAL) \
		--nbval --nbval-current-env --sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=900 -m "not slow" \
		$(PYTEST_ARGS)

# The classroom release: an nbgrader course in classroom/ (source/ from the lessons, release/ by nbgrader).
classroom: setup
	$(PY) scripts/classroom.py

# The website: every lesson as committed (not re-run), in course order, with search and math, in
# book/_build/html (git-ignored). Nothing on its pages comes from the network: it works on an intranet.
book: $(STAMP)
	$(PY) scripts/book.py

# How fast this machine trains: ResNet50 and keras.applications' ResNet50 side by side, the time to 0.95 test
# accuracy with notebook 07's recipe (three seeds) and with notebook 02's, the matmul peak. About 15 minutes on
# 2 cores; results in bench/results.json (git-ignored). BENCH_ARGS="--seeds 0" for a shorter run.
BENCH_ARGS ?=
bench: setup
	$(PY) scripts/bench.py $(BENCH_ARGS)

# What the next TensorFlow and Keras break: the whole suite against tf-nightly, keras-nightly and the newest
# release of every other package of LOCK_TOP, in .canary/venv (the course's .venv is untouched). Report in
# .canary/report.md; exit 1 when a test broke. CANARY_ARGS="--reuse" keeps the environment of the last run.
CANARY_ARGS ?=
canary: setup browser korean
	$(PYTHON) scripts/canary.py --lock-top $(LOCK_TOP) $(CANARY_ARGS)

# Is this set-up ready for the course? Prints a fix for every problem; exit 1 when there is one.
doctor: $(STAMP)
	$(PY) -m helpers.doctor

setup: $(STAMP) graphviz data

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python 3.11 (sudo apt-get install python3.11 python3.11-venv) or run make PYTHON=/path/to/python3.11"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(PY) scripts/configure_lab.py
	@touch $@

graphviz:
	@sh scripts/ensure-graphviz.sh

browser:
	@sh scripts/ensure-browser.sh

data: $(STAMP)
	@$(PY) -m helpers.datasets

# Re-execute every notebook top to bottom in a fresh kernel and save its outputs (for committing).
notebooks: setup
	$(PY) scripts/execute_notebooks.py notebooks/*.ipynb

# Re-pin the dependencies after changing the top-level list below.
LOCK_TOP := tensorflow-cpu==2.21.* setuptools keras jupyterlab matplotlib pydot nbval h5py pillow pytest pytest-xdist nbclient nbformat nbgrader selenium sphinx myst-nb sphinx-book-theme jupyter-server-mathjax check-jsonschema zizmor
lock:
	rm -rf /tmp/course-lock-venv && $(PYTHON) -m venv /tmp/course-lock-venv
	/tmp/course-lock-venv/bin/pip install --quiet $(LOCK_TOP)
	{ head -3 requirements.lock; /tmp/course-lock-venv/bin/pip freeze --all --exclude-editable | grep -v "^pip=="; } > requirements.lock.new
	mv requirements.lock.new requirements.lock

clean:
	rm -rf $(VENV) data/generated
