"""The GitHub Actions workflows (.github/workflows): they cannot run here, so they are linted and read.

Two linters from the package index, both pinned in requirements.lock and both offline: check-jsonschema
validates each file against the workflow schema it carries (SchemaStore's), and zizmor checks what a schema
cannot (expressions, permissions, how actions are pinned: .github/zizmor.yml). Each is also shown a broken
workflow, so that a linter that stopped looking would fail here. Then the workflows are read: tests on push and
pull request with Graphviz and the browser and a pip cache, the canary weekly, the site built.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
BIN = Path(sys.executable).parent


def load(name):
    return yaml.safe_load((WORKFLOWS / name).read_text())


def triggers(workflow):
    # PyYAML reads the key `on` as the boolean True (YAML 1.1)
    return workflow.get("on", workflow.get(True))


def schema_lint(*paths):
    return subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows",
                           *map(str, paths)], capture_output=True, text=True)


def zizmor(path):
    return subprocess.run([str(BIN / "zizmor"), "--offline", "--config", str(ROOT / ".github" / "zizmor.yml"),
                           str(path)], capture_output=True, text=True)


def test_the_three_workflows_are_there():
    assert sorted(path.name for path in WORKFLOWS.glob("*.yml")) == ["book.yml", "canary.yml", "test.yml", "weekly.yml"]


def test_workflows_pass_the_schema():
    result = schema_lint(*sorted(WORKFLOWS.glob("*.yml")))
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_pass_zizmor():
    result = zizmor(WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_linters_catch_broken_workflows(tmp_path):
    text = (WORKFLOWS / "test.yml").read_text()
    misspelt = tmp_path / "misspelt.yml"
    misspelt.write_text(text.replace("runs-on:", "run-on:"))
    result = schema_lint(misspelt)
    assert result.returncode != 0 and "run" in result.stdout + result.stderr
    unpinned = tmp_path / ".github" / "workflows" / "unpinned.yml"
    unpinned.parent.mkdir(parents=True)
    unpinned.write_text(text.replace("actions/cache@v4", "someone/cache-action@v1"))
    result = zizmor(unpinned)
    assert result.returncode != 0 and "unpinned" in result.stdout + result.stderr


def steps_text(job):
    return "\n".join(str(step.get("run", "")) + " " + str(step.get("uses", "")) for step in job["steps"])


def test_tests_run_the_readme_command_on_push_and_pull_request_with_graphviz_browser_and_pip_cache():
    workflow = load("test.yml")
    on = triggers(workflow)
    assert "pull_request" in on and on["push"]["branches"] == ["main"]
    job = workflow["jobs"]["test"]
    text = steps_text(job)
    assert "bash .ci/run" in text, ".ci/run is the README's test command (make test)"
    for package in ("python3.11", "graphviz", "chromium", "chromium-driver", "git"):
        assert f" {package} " in text.replace("\\\n", " ") + " ", f"{package} is not installed"
    cache = [step for step in job["steps"] if str(step.get("uses", "")).startswith("actions/cache@")]
    assert cache and "hashFiles('requirements.lock')" in cache[0]["with"]["key"]
    assert "~/.cache/pip" in cache[0]["with"]["path"]
    assert workflow["permissions"] == {"contents": "read"}
    assert job["timeout-minutes"] >= 60, "make test needs room: README gives its time on 2 cores"


def test_canary_runs_weekly_and_keeps_its_report():
    workflow = load("canary.yml")
    on = triggers(workflow)
    (schedule,) = on["schedule"]
    minute, hour, day, month, weekday = schedule["cron"].split()
    assert day == "*" and month == "*" and weekday not in ("*",), "once a week"
    job = workflow["jobs"]["canary"]
    assert "make canary" in steps_text(job)
    upload = [step for step in job["steps"] if str(step.get("uses", "")).startswith("actions/upload-artifact@")]
    assert upload and upload[0]["if"] == "always()" and ".canary/report.md" in upload[0]["with"]["path"]


def test_the_class_and_the_other_backends_run_weekly():
    workflow = load("weekly.yml")
    (schedule,) = triggers(workflow)["schedule"]
    assert schedule["cron"].split()[4] != "*", "once a week"
    text = steps_text(workflow["jobs"]["class-and-backends"])
    assert "make class" in text and "make backends" in text


def test_the_site_is_built_on_every_push_and_published_from_main_only():
    workflow = load("book.yml")
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert "make book" in steps_text(build)
    upload = [step for step in build["steps"] if str(step.get("uses", "")).startswith("actions/upload-pages-artifact@")]
    assert upload and upload[0]["with"]["path"] == "book/_build/html"
    assert deploy["needs"] == "build" and "refs/heads/main" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}


@pytest.mark.parametrize("name", ["test.yml", "canary.yml", "book.yml", "weekly.yml"])
def test_make_targets_the_workflows_call_exist(name):
    makefile = (ROOT / "Makefile").read_text()
    for target in ("test", "canary", "book", "class", "backends"):
        if f"make {target}" in (WORKFLOWS / name).read_text():
            assert f"\n{target}:" in makefile
    assert shutil.which("make")


def test_make_test_and_the_canary_run_one_pytest_command(monkeypatch, tmp_path):
    """make test's recipe is `python -m course test`; the canary, given no --pytest, runs the same arguments, less the
    tests of JAX and PyTorch, which its environment (LOCK_TOP's packages, newest) does not have."""
    import re
    from types import SimpleNamespace

    from course import canary, testing

    recipe = re.search(r"^test:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M).group(1)
    set_up, command = recipe.splitlines()  # the set-up, two steps at a time; then the tests
    assert set_up.split()[:3] == ["@$(MAKE)", "--no-print-directory", "-j2"]
    assert {word for word in set_up.split()[3:] if not word.startswith("-")} == {
        "setup", "browser", "translated", "backend-jax", "backend-torch"}
    assert command.split() == ["$(PY)", "-m", "course", "test", "$(PYTEST_ARGS)"]
    ran, folders, font_caches = [], [], []

    def run(command, env, **kw):  # the run's own matplotlib folder: there while it runs, gone after it
        folder = Path(env["MPLCONFIGDIR"])
        if command[1:] == ["-c", "import matplotlib.font_manager"]:
            font_caches.append((folder, command[0], kw.get("check"), len(ran)))  # built before pytest starts
            if folder.parent == tmp_path:  # the canary's: a failed build does not stop it
                return SimpleNamespace(returncode=1)
        elif command[1:3] == ["-m", "pytest"]:
            assert [cache[0] for cache in font_caches] == [folder]
            folders.append((folder, folder.is_dir()))
            ran.append(command)
        threads = str(testing.threads_per_worker(testing.pytest_arguments()))
        assert env == {**{k: v for k, v in os.environ.items() if k != "MATPLOTLIBRC"}, "MPLCONFIGDIR": str(folder),
                       "TF_NUM_INTRAOP_THREADS": threads, "OMP_NUM_THREADS": threads}
        return SimpleNamespace(returncode=0)

    monkeypatch.setenv("MATPLOTLIBRC", str(tmp_path))
    for variable in ("TF_NUM_INTRAOP_THREADS", "OMP_NUM_THREADS"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(testing.subprocess, "run", run)
    testing.main(SimpleNamespace(pytest_args=[]))
    assert ran[0][1:3] == ["-m", "pytest"] and ran[0][3:] == testing.pytest_arguments()
    [(folder, was_there)] = folders
    assert was_there and not folder.exists()
    monkeypatch.setattr(canary, "make_environment", lambda *a: "python")
    monkeypatch.setattr(canary, "HOME", tmp_path)
    monkeypatch.setattr(canary, "ROOT", tmp_path.parent)
    canary_envs = []
    monkeypatch.setattr(canary, "run", lambda command, log, env: canary_envs.append(env) or ran.append(command) or 5)
    assert canary.main(SimpleNamespace(lock_top="", reuse=True, pytest=None)) == 2  # no JUnit report: none ran
    assert ran[1][1:3] == ["-m", "pytest"] and ran[1][3:3 + len(ran[0]) - 3] == ran[0][3:]
    assert ran[1][len(ran[0]):len(ran[0]) + len(canary.LEFT_OUT)] == canary.LEFT_OUT == [
        "--ignore=tests/test_backends.py"]
    lock_top = re.search(r"^LOCK_TOP := (.*)$", (ROOT / "Makefile").read_text(), re.M).group(1).split()
    assert not {"jax", "jaxlib", "torch"} & {name.lower() for name in sum(canary.top_level(lock_top), [])}
    [canary_folder] = {env["MPLCONFIGDIR"] for env in canary_envs}  # its own, new, and gone after the run
    assert font_caches[0][1:3] == (sys.executable, True)
    # the canary's font cache: built by the canary's Python, before its pytest (ran held 1 command), failure let pass
    assert font_caches[1:] == [(Path(canary_folder), "python", False, 1)]
    assert Path(canary_folder).parent == tmp_path and not Path(canary_folder).exists()
    assert canary_envs[0]["CONVNETS_COURSE_VENV"] == str(tmp_path / "venv")
    shares = {str(testing.threads_per_worker(testing.pytest_arguments()))}
    assert {env["TF_NUM_INTRAOP_THREADS"] for env in canary_envs} == shares


def test_every_translated_edition_has_lessons_under_nbval(tmp_path):
    """The translated lessons under nbval are those of every language found in locale/, none named in code."""
    from course import testing

    for code in ("ko", "fr"):
        (tmp_path / "locale" / code).mkdir(parents=True)
        (tmp_path / "locale" / code / "editions.po").write_text("")
    assert testing.translated_nbval(tmp_path) == [f"{code}/notebooks/{lesson}.ipynb" for code in ("fr", "ko")
                                                  for lesson in testing.TRANSLATED_NBVAL_LESSONS]
    assert testing.translated_nbval() and all((ROOT / path).is_file() for path in testing.translated_nbval())
    assert set(testing.translated_nbval()) <= set(testing.pytest_arguments())


def test_make_test_starts_the_longest_files_first():
    """course.longest_first puts the long files' tests first, in its order, each file's own order kept; every file
    it names exists (a renamed one would silently lose its place)."""
    from types import SimpleNamespace

    from course import longest_first, testing

    assert all((ROOT / path).is_file() for path in longest_first.LONGEST_FIRST)
    assert {"--no-loadscope-reorder", "course.longest_first"} <= set(testing.pytest_arguments())
    first, second = longest_first.LONGEST_FIRST[:2]
    items = [SimpleNamespace(nodeid=nodeid) for nodeid in
             ["tests/test_a.py::x", f"{second}::1", f"{first}::Cell 0", f"{second}::2", f"{first}::Cell 1", "b::y"]]
    longest_first.pytest_collection_modifyitems(items)
    assert [item.nodeid for item in items] == [f"{first}::Cell 0", f"{first}::Cell 1", f"{second}::1", f"{second}::2",
                                               "tests/test_a.py::x", "b::y"]


def test_each_worker_gets_its_share_of_the_cores(monkeypatch, tmp_path):
    """TF_NUM_INTRAOP_THREADS and OMP_NUM_THREADS: the cores divided by the workers -n asks for (the last -n wins;
    -n 0 is one process), rounded up, unless the user set them; the canary's run gets them too."""
    from course import testing

    for variable in ("TF_NUM_INTRAOP_THREADS", "OMP_NUM_THREADS"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(testing, "cores", lambda: 2)
    assert testing.threads_per_worker(testing.pytest_arguments()) == 1
    assert testing.threads_per_worker(testing.pytest_arguments(["-n", "0"])) == 2
    monkeypatch.setattr(testing, "cores", lambda: 8)
    assert testing.WORKERS == 3 and testing.threads_per_worker(testing.pytest_arguments()) == 3
    assert testing.threads_per_worker(testing.pytest_arguments(["-n", "auto"])) == 1
    assert testing.threads_per_worker(["-n", "2"]) == 4
    monkeypatch.setattr(testing, "cores", lambda: 1)
    assert testing.threads_per_worker(testing.pytest_arguments()) == 1
    monkeypatch.setattr(testing, "cores", lambda: 8)
    monkeypatch.setenv("OMP_NUM_THREADS", "7")  # set by the user: kept
    env = testing.environment(tmp_path, testing.pytest_arguments())
    assert (env["TF_NUM_INTRAOP_THREADS"], env["OMP_NUM_THREADS"]) == ("3", "7")
    monkeypatch.setenv("TF_NUM_INTRAOP_THREADS", "5")
    assert testing.environment(tmp_path, ["-n", "0"])["TF_NUM_INTRAOP_THREADS"] == "5"
    assert testing.cores() >= 1


def test_the_lock_is_installed_in_two_halves_then_whole(tmp_path):
    """scripts/install-lock.sh (make's set-up): two pip runs with --no-deps (started side by side), which split the
    lock's pinned packages between them, none in both; then one pip run with the whole lock and its requirements."""
    fake_python = tmp_path / "python"
    fake_python.write_text('#!/bin/sh\n'  # records each pip run: its options and the packages it was given
                           'n=$$; last=""; for a in "$@"; do\n'
                           '  [ "$last" = "-r" ] && cp "$a" "$RUNS/$n.packages"; last=$a; done\n'
                           'echo "$@" > "$RUNS/$n.args"\n')
    fake_python.chmod(0o755)
    runs = tmp_path / "runs"
    runs.mkdir()
    result = subprocess.run(["sh", str(ROOT / "scripts" / "install-lock.sh"), str(fake_python),
                             str(ROOT / "requirements.lock")], env={**os.environ, "RUNS": str(runs)},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    pinned = [line for line in (ROOT / "requirements.lock").read_text().splitlines() if "==" in line]
    args = {path.stem: path.read_text().split() for path in runs.glob("*.args")}
    halves = [path.read_text().split() for path in sorted(runs.glob("*.packages"))
              if "--no-deps" in args[path.stem]]
    whole = [path.read_text().splitlines() for path in runs.glob("*.packages") if "--no-deps" not in args[path.stem]]
    assert len(halves) == 2 and all(halves) and not set(halves[0]) & set(halves[1])
    assert sorted(halves[0] + halves[1]) == sorted(pinned)
    assert len(whole) == 1 and whole[0] == (ROOT / "requirements.lock").read_text().splitlines()
    assert len(args) == 3 and all(run[:3] == ["-m", "pip", "install"] for run in args.values())


@pytest.mark.skipif(not Path("/etc/debian_version").exists(), reason="the script asks apt-get only on Debian/Ubuntu")
def test_the_browser_step_installs_only_what_is_missing_and_says_what_when_apt_fails(tmp_path):
    """scripts/ensure-browser.sh (make test): with Node.js and npm already there (NodeSource's, say, whose nodejs
    conflicts with Debian's npm package), it asks apt-get for Chromium and ChromeDriver only; when apt-get fails (no
    such packages, as on Ubuntu), it still ends with its own message naming what the tests need."""
    scripts, bin_ = tmp_path / "scripts", tmp_path / "bin"
    scripts.mkdir()
    bin_.mkdir()
    shutil.copy(ROOT / "scripts" / "ensure-browser.sh", scripts)
    (scripts / "apt-install.sh").write_text('echo "$@" > "$ASKED"\nexit 100\n')  # what apt-get was asked for; fails
    for tool, stub in (("node", "echo v20"), ("npm", "echo 10")):
        (bin_ / tool).write_text(f"#!/bin/sh\n{stub}\n")
        (bin_ / tool).chmod(0o755)
    for tool in ("sh", "dirname"):  # and nothing else: no chromium, no chromedriver
        (bin_ / tool).symlink_to(shutil.which(tool))
    asked = tmp_path / "asked"
    result = subprocess.run(["/bin/sh", str(scripts / "ensure-browser.sh")], capture_output=True, text=True,
                            env={"PATH": str(bin_), "ASKED": str(asked)}, timeout=60)
    assert asked.read_text().split() == ["for", "the", "browser", "tests", "chromium", "chromium-driver"]
    assert result.returncode == 1 and "need Chromium and ChromeDriver" in result.stderr, result.stderr


@pytest.mark.parametrize("python, says", [("3.12.1", ".venv runs Python 3.12.1, not 3.11"),
                                          (None, "-m venv failed: on Debian/Ubuntu, sudo apt-get install python3.11-venv")])
def test_make_stops_on_a_venv_it_cannot_use(tmp_path, python, says):
    """make's set-up stops with the fix when .venv runs another Python than the lock's 3.11, and when venv cannot
    make one (Debian without python3.11-venv), removing the half-made .venv so that the next make tries again."""
    shutil.copy(ROOT / "Makefile", tmp_path)
    (tmp_path / "helpers").mkdir()
    shutil.copy(ROOT / "helpers" / "session.py", tmp_path / "helpers")  # the Makefile reads REQUIRED_PYTHON there
    for name in ("requirements.lock", "pyproject.toml"):
        (tmp_path / name).write_text("")
    fake = tmp_path / "fake-python"
    if python:  # a .venv made by another Python
        (tmp_path / ".venv" / "bin").mkdir(parents=True)
        venv_python = tmp_path / ".venv" / "bin" / "python"
        venv_python.write_text(f'#!/bin/sh\ncase "$2" in *version_info*) exit 1;; *) echo {python};; esac\n')
        venv_python.chmod(0o755)
    fake.write_text("#!/bin/sh\nmkdir -p .venv/bin && touch .venv/bin/python && chmod +x .venv/bin/python\n"
                    "echo 'The virtual environment was not created successfully because ensurepip is not available.'"
                    " >&2\nexit 1\n")
    fake.chmod(0o755)
    result = subprocess.run(["make", "--no-print-directory", ".venv/.installed-stamp", f"PYTHON={fake}"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and says in result.stdout + result.stderr, result.stdout + result.stderr
    assert (tmp_path / ".venv").exists() == bool(python)  # a venv that failed half-way is gone


@pytest.mark.parametrize("changed, reinstalls", [("course/backends.py", False), ("pyproject.toml", False),
                                                  ("requirements-jax.lock", True)])
def test_make_backend_jax_writes_the_path_line_again_and_reinstalls_jax_only_for_its_lock(tmp_path, changed,
                                                                                         reinstalls):
    """make backend-jax's two steps, in a set-up that is complete: a change to course/backends.py (which writes the
    .pth line) or to the set-up (pyproject.toml) writes the line again and leaves JAX's packages alone; a new
    requirements-jax.lock installs them again, then writes the line."""
    shutil.copy(ROOT / "Makefile", tmp_path)
    (tmp_path / "helpers").mkdir()
    shutil.copy(ROOT / "helpers" / "session.py", tmp_path / "helpers")  # the Makefile reads REQUIRED_PYTHON there
    files = ["requirements.lock", "pyproject.toml", "requirements-jax.lock", "course/backends.py",
             ".venv/.installed-stamp", ".venv/backends/jax.stamp", ".venv/backends/jax-path.stamp"]
    for age, name in enumerate(files):  # each older than the next: everything is up to date
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
        os.utime(tmp_path / name, (1_700_000_000 + age, 1_700_000_000 + age))
    dry_run = ["make", "--no-print-directory", "-n", "backend-jax"]
    untouched = subprocess.run(dry_run, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert untouched.returncode == 0 and "pip install" not in untouched.stdout and "--install-jax-path" not in \
        untouched.stdout, untouched.stdout + untouched.stderr
    result = subprocess.run([*dry_run, "-W", changed], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    commands = result.stdout.splitlines()
    assert commands[-2:] == [".venv/bin/python -m course backends --install-jax-path",
                             "touch .venv/backends/jax-path.stamp"], result.stdout
    assert any("pip install" in command and "--target .venv/backends/jax" in command for command in commands) \
        == reinstalls == ("rm -rf .venv/backends/jax" in commands), result.stdout


def test_the_course_python_is_written_once():
    """helpers.session.REQUIRED_PYTHON is the course's Python: the Makefile reads it there, and the files that cannot
    (environment.yml, the hub's Dockerfile, the workflows, the website's first page, pyproject.toml's floor, the
    README and CLASSROOM.md) name the same version wherever they name one, but for the other Pythons those two
    describe in words, and so do the lessons' texts (fails when one of them, or REQUIRED_PYTHON, changes alone)."""
    import nbformat

    from course import lessons
    from helpers.session import REQUIRED_PYTHON

    version = "{}.{}".format(*REQUIRED_PYTHON)
    others = {"3.12": "TLJH's Python (CLASSROOM.md)", "3.13": "Colab's Python (README)"}
    assert version not in others, f"{version} is now the course's: update this test's list of other Pythons"
    makefile = (ROOT / "Makefile").read_text()
    assert not re.search(r"\b3\.1\d\b|\(3, *1\d\)", makefile), "the Makefile names a Python version of its own"
    environment = {name: value for name, value in os.environ.items() if name != "PYTHON"}  # make's default, not yours
    result = subprocess.run(["make", "-s", "--no-print-directory", "--eval", "show: ; @echo $(PYTHON)", "show"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60, env=environment)
    assert result.stdout.strip() == f"python{version}", result.stdout + result.stderr
    assert re.search(r'^requires-python = ">=(3\.\d+)"', (ROOT / "pyproject.toml").read_text(), re.M)[1] == version
    paths = ["environment.yml", "hub/Dockerfile", "book/index.md", "README.md", "CLASSROOM.md",
             *(str(path.relative_to(ROOT)) for path in sorted((ROOT / ".github" / "workflows").glob("*.yml")))]
    texts = {path: (ROOT / path).read_text() for path in paths}
    for lesson in lessons():  # the markdown of every lesson: notebook 00 names the course's Python
        texts[lesson.name] = "\n".join(cell.source for cell in nbformat.read(lesson, as_version=4).cells
                                       if cell.cell_type == "markdown")
    assert re.search(r"\bPython 3\.\d+", texts["00_start_here.ipynb"]), "notebook 00 no longer names the course's Python"
    for path, text in texts.items():
        commands = {f"{major}.{minor}" for major, minor in re.findall(r"\b(?:python[=@-]?|py)(3)\.?(\d\d)\b", text)}
        prose = {f"{major}.{minor}" for major, minor in re.findall(r"\b(?:Python|older than) (3)\.(\d+)", text)}
        named = commands | (prose - set(others) if path in ("README.md", "CLASSROOM.md") else prose)
        wanted = named <= {version} if path.endswith(".ipynb") else named == {version}  # a lesson may name none
        assert wanted, f"{path} names Python {sorted(named)}, helpers.session {version}"
