# Two commands do everything on a fresh Debian/Ubuntu machine with the course's Python (PYTHON_VERSION below):
#   make lab    -- set up, then start JupyterLab on your workbook/   (LAB_ARGS="--no-browser --port 8888")
#   make test   -- set up, then run the unit tests and every notebook under nbval
# Another language's edition: make lab LANG=ko (or a locale such as ko_KR.UTF-8) -- <lang>/workbook/ beside
# <lang>/notebooks/, made from locale/<lang>/.
# Set-up = .venv with the pinned packages, Graphviz's `dot`, the fonts of the translated editions, the offline
# datasets; a second run skips what is done. The course's tools run through one entry point,
# .venv/bin/python -m course <verb> (course/); the OS steps are scripts/, and doctor and data the helpers' own.

# The course's Python is helpers.session's REQUIRED_PYTHON, written there only: (major, minor) -> major.minor
PYTHON_VERSION := $(shell sed -n 's/^REQUIRED_PYTHON = (\([0-9]*\), *\([0-9]*\)).*/\1.\2/p' helpers/session.py)
$(if $(PYTHON_VERSION),,$(error helpers/session.py names no REQUIRED_PYTHON = (major, minor): run make in the course's folder))
PYTHON  ?= python$(PYTHON_VERSION)
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed-stamp
LAB_ARGS ?=
PYTEST_ARGS ?=

.PHONY: lab refresh translated translations test class backends backend-jax backend-torch profile canary doctor classroom book \
	bench setup graphviz fonts browser \
	data notebooks lock clean

# JupyterLab opens at the top of the project: workbook/ (your copies, made the first time and never overwritten
# once you changed them) beside notebooks/ (the solved reference edition). BACKEND=jax or BACKEND=torch installs
# that Keras backend (requirements-<backend>.lock) and runs every notebook on it; TensorFlow is the default.
BACKEND ?=
lab: setup $(if $(filter jax torch,$(BACKEND)),backend-$(BACKEND))
	$(if $(BACKEND),KERAS_BACKEND=$(BACKEND)) $(PY) -m course lab --lang "$(LANG)" $(LAB_ARGS)

# Keras' other backends, each from its own lock, on top of the default set-up (requirements-torch.lock says which
# torch wheel). PyTorch goes into .venv; JAX into .venv/backends/jax, which only a process started with
# KERAS_BACKEND=jax sees (course/backends.py says why).
backend-jax: $(VENV)/backends/jax-path.stamp
backend-torch: $(VENV)/.torch-stamp
$(VENV)/.torch-stamp: requirements-torch.lock $(STAMP)
	$(PY) -m pip install --quiet --disable-pip-version-check -r $<
	@touch $@
$(VENV)/backends/jax.stamp: requirements-jax.lock | $(STAMP)
	rm -rf $(VENV)/backends/jax
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --target $(VENV)/backends/jax -r $<
	@touch $@
# the .pth line that shows that folder to a KERAS_BACKEND=jax process: written again when course/backends.py or the
# set-up changes, without installing JAX again
$(VENV)/backends/jax-path.stamp: course/backends.py $(VENV)/backends/jax.stamp $(STAMP)
	$(PY) -m course backends --install-jax-path
	@touch $@

# A fresh workbook copy of one lesson, e.g. make refresh NOTEBOOK=05; yours is kept in workbook/backups/.
refresh: setup
	@test -n "$(NOTEBOOK)" || { echo "Say which lesson: make refresh NOTEBOOK=05"; exit 1; }
	$(PY) -m course workbook --lang "$(LANG)" refresh $(NOTEBOOK)

# The translated reference editions, <lang>/notebooks/, from the English lessons and locale/<lang>/, with the outputs
# of their last execution (make notebooks) when nothing they depend on changed since.
translated: $(STAMP)
	$(PY) -m course translations build

# After changing an English lesson: bring the catalogs in step (a changed cell's translation is marked fuzzy and
# the edition shows the English until it is translated again), then list what is left to translate.
translations: $(STAMP)
	$(PY) -m course translations update
	-$(PY) -m course translations status

# The set-up's steps run two at a time (make -j2): the OS packages and pip's installs beside the drawing of the
# stand-ins, each of which keeps one core busy. Then pytest, in several workers, each running whole files
# (course/testing.py says what runs, how many at once, and in which order); PYTEST_ARGS="-n 0" runs it all in one
# process. The browser tests drive JupyterLab and the website in Debian's Chromium (scripts/ensure-browser.sh).
test:
	@$(MAKE) --no-print-directory -j2 setup browser translated backend-jax backend-torch
	$(PY) -m course test $(PYTEST_ARGS)

# A class of 30 per assignment graded by nbgrader, with the time per submission (the scheduled workflow runs it;
# make test grades the representative submissions only).
class: setup
	$(PY) -m course classroom simulate --class-size 30 --write

# The unit tests with every slip, then every lesson, on JAX and on PyTorch (CPU), without TensorFlow, compared with
# the TensorFlow edition (the scheduled workflow runs it; make test runs one slip of each exercise and lessons 05 and
# 06 on both).
backends: setup backend-jax backend-torch
	$(PY) -m course backends --without-tensorflow

# What each lesson needs from a student's server (peak memory, CPU and wall time), measured here and written into
# CLASSROOM.md with the per-student limits derived from it.
profile: setup
	$(PY) -m course profile --write

# The classroom release: an nbgrader course in classroom/ (source/ from the lessons, release/ by nbgrader).
classroom: setup
	$(PY) -m course classroom build

# The website: every lesson as committed (not re-run), in course order, with search and math, in every language,
# in book/_build/html (git-ignored). Nothing on its pages comes from the network: it works on an intranet.
book: $(STAMP)
	$(PY) -m course book

# How fast this machine trains: ResNet50 and keras.applications' ResNet50 side by side, the time to 0.95 test
# accuracy with notebook 07's recipe (three seeds) and with notebook 02's, the matmul peak. About 15 minutes on
# 2 cores; results in bench/results.json (git-ignored). BENCH_ARGS="--seeds 0" for a shorter run.
BENCH_ARGS ?=
bench: setup
	$(PY) -m course bench $(BENCH_ARGS)

# What the next TensorFlow and Keras break: the suite (less the JAX and PyTorch tests) against tf-nightly,
# keras-nightly and the newest release of every other package of LOCK_TOP, in .canary/venv (the course's .venv is
# untouched). Report in .canary/report.md; exit 1 when a test broke. CANARY_ARGS="--reuse" keeps the environment of
# the last run.
CANARY_ARGS ?=
canary: setup browser translated
	$(PY) -m course canary --lock-top $(LOCK_TOP) $(CANARY_ARGS)

# Is this set-up ready for the course? Prints a fix for every problem; exit 1 when there is one.
doctor: $(STAMP)
	$(PY) -m helpers.doctor

setup: $(STAMP) graphviz fonts data

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: install Python $(PYTHON_VERSION) (sudo apt-get install python$(PYTHON_VERSION) python$(PYTHON_VERSION)-venv) or run make PYTHON=/path/to/python$(PYTHON_VERSION)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); echo "$(PYTHON) -m venv failed: on Debian/Ubuntu, sudo apt-get install python$(PYTHON_VERSION)-venv"; exit 1; }
	@$(PY) -c 'import sys; sys.exit("%d.%d" % sys.version_info[:2] != "$(PYTHON_VERSION)")' || { echo "$(VENV) runs Python $$($(PY) -c 'import platform; print(platform.python_version())'), not $(PYTHON_VERSION) (requirements.lock's): rm -rf $(VENV), then make again with Python $(PYTHON_VERSION) (PYTHON=...)"; exit 1; }
	sh scripts/install-lock.sh $(PY) requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(PY) -m course lab configure
	@touch $@

# One after another (make -j): each of these may install OS packages with apt-get. Off Debian/Ubuntu, graphviz prints
# the doctor's install command for the platform, from .venv (make lab makes it first; with -j it may not be there yet).
graphviz:
	@sh scripts/ensure-graphviz.sh $(PY)

fonts: graphviz
	@sh scripts/ensure-fonts.sh

browser: fonts
	@sh scripts/ensure-browser.sh

data: $(STAMP)
	@$(PY) -m helpers.datasets

# Re-execute every notebook top to bottom in a fresh kernel and save its outputs (for committing), then the translated
# editions' notebooks whose code or English outputs changed.
notebooks: setup
	$(PY) -m course execute notebooks/*.ipynb
	$(PY) -m course translations execute

# Re-pin the dependencies after changing the top-level list below.
LOCK_TOP := tensorflow-cpu==2.21.* setuptools keras numpy babel jupyterlab matplotlib pydot nbval h5py pillow psutil pyyaml pytest pytest-xdist nbclient nbformat nbgrader selenium sphinx myst-nb sphinx-book-theme jupyter-server-mathjax check-jsonschema zizmor
lock:
	rm -rf /tmp/course-lock-venv && $(PYTHON) -m venv /tmp/course-lock-venv
	/tmp/course-lock-venv/bin/pip install --quiet $(LOCK_TOP)
	{ head -3 requirements.lock; /tmp/course-lock-venv/bin/pip freeze --all --exclude-editable | grep -v "^pip=="; } > requirements.lock.new
	mv requirements.lock.new requirements.lock

clean:
	rm -rf $(VENV) data/generated
