"""The JupyterHub image (hub/Dockerfile) and the teacher's guide (CLASSROOM.md), checked without Docker.

The image cannot be built here (no Docker engine), so the Dockerfile is read: what it copies must be in the build
context and not left out by .dockerignore, its base image must be pinned to Python 3.11, and what it installs and
runs must exist in the repository and agree with the package (CONVNETS_COURSE_DATA), nbgrader's configuration and
the classroom release. The start-up hook that makes each user's workbook and `python -m course lab configure
--classroom` are run for real, into scratch folders.
"""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_core.paths import jupyter_path
from traitlets.config import Config

from course import classroom, lab, links, lessons
from helpers.datasets import DATA_ENV, default_data_dir

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "hub" / "Dockerfile"
GUIDE = ROOT / "CLASSROOM.md"


# --- reading the Dockerfile -------------------------------------------------------------------------------------

def instructions(text):
    """[(INSTRUCTION, arguments)] of a Dockerfile: comment lines dropped, continued lines joined."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined, current = [], ""
    for line in lines:
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        current += line
        if current.strip():
            keyword, _, arguments = current.strip().partition(" ")
            joined.append((keyword.upper(), arguments.strip()))
        current = ""
    return joined


STEPS = instructions(DOCKERFILE.read_text())


def environment_before(index):
    """The ENV values set before step ``index``: {name: value}."""
    values = {}
    for keyword, arguments in STEPS[:index]:
        if keyword == "ENV":
            words = shlex.split(arguments)
            if len(words) == 2 and "=" not in words[0]:  # the old form, ENV NAME value
                values[words[0]] = words[1]
            else:
                values.update(word.split("=", 1) for word in words)
    return values


def expand(word, values):
    return re.sub(r"\$\{?(\w+)\}?", lambda match: values.get(match.group(1), match.group(0)), word)


def run_commands():
    """(step index, one shell command of a RUN step) for every command of every RUN step."""
    found = []
    for index, (keyword, arguments) in enumerate(STEPS):
        if keyword == "RUN":
            found += [(index, command.strip()) for command in re.split(r"&&|;|\|\|", arguments) if command.strip()]
    return found


def copies():
    """(sources, destination) of every COPY and ADD step."""
    found = []
    for keyword, arguments in STEPS:
        if keyword in ("COPY", "ADD"):
            words = [word for word in shlex.split(arguments) if not word.startswith("--")]
            found.append((words[:-1], words[-1]))
    return found


def dockerignored(path):
    """Whether .dockerignore keeps ``path`` (relative to the repository) out of the build context: a pattern
    matches the path or a folder above it; `*` stays within a folder, `**` crosses folders, `!` re-includes."""
    patterns = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
    parts = Path(path).parts
    candidates = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    excluded = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        regex = ""
        for piece in re.split(r"(\*\*/?|\*|\?)", pattern):
            regex += {"**/": "(.*/)?", "**": ".*", "*": "[^/]*", "?": "[^/]"}.get(piece, re.escape(piece))
        if any(re.fullmatch(regex, candidate) for candidate in candidates):
            excluded = not negated
    return excluded


def test_the_dockerignore_reader_follows_docker_rules():
    assert dockerignored(".venv/bin/python") and dockerignored("notebooks/output/HappyModel.png")
    assert dockerignored("helpers/__pycache__/models.cpython-311.pyc") and dockerignored("data/generated/x.h5")
    assert not dockerignored("notebooks/05_identity_block.ipynb") and not dockerignored("data/train_signs.h5")


GOES_IN = {"data/*.h5"}  # what .gitignore leaves out but the image takes: the course's own files, if you have them


def gitignored_examples():
    """(pattern, path): for each pattern of .gitignore, a path it ignores; for one that matches at any depth (no
    slash but a trailing one, or a leading **/), also that path one folder down, as in ko/workbook/."""
    for line in (ROOT / ".gitignore").read_text().splitlines():
        pattern = line.strip()
        if not pattern or pattern.startswith(("#", "!")) or pattern in GOES_IN:
            continue
        body = pattern.strip("/")
        path = body.replace("**/", "").replace("*", "x") + ("/x" if pattern.endswith("/") else "")
        yield pattern, path
        if pattern.startswith("**/") or "/" not in body:
            yield pattern, "ko/" + path


def test_what_git_leaves_out_the_image_leaves_out():
    """Generated and personal files (a translated edition's workbook, make canary's environment, the website's
    build, ...) stay out of the hub's image as they stay out of the repository: .dockerignore follows .gitignore."""
    examples = list(gitignored_examples())
    assert len(examples) > 10 and ("workbook/", "ko/workbook/x") in examples
    assert [(pattern, path) for pattern, path in examples if not dockerignored(path)] == []


# --- the image --------------------------------------------------------------------------------------------------

def test_the_base_image_is_pinned_to_python_3_11():
    bases = [arguments.split()[0] for keyword, arguments in STEPS if keyword == "FROM"]
    assert len(bases) == 1, f"hub/Dockerfile should have one FROM, found {bases}"
    image = bases[0]
    name, _, tag = image.rpartition(":")
    assert name and "/" not in tag, f"the base image {image} has no tag: pin it"
    assert tag != "latest" and re.search(r"python-3\.11(\.\d+)?$", tag), (
        f"the base image's tag {tag!r} should name Python 3.11, the version the course is tested on")


def test_every_copied_file_is_in_the_build_context():
    assert copies(), "hub/Dockerfile copies nothing"
    for sources, destination in copies():
        for source in sources:
            assert (ROOT / source).exists(), f"COPY {source}: no such file in the repository"
            assert source == "." or not dockerignored(source), f"COPY {source}: .dockerignore leaves it out"


def course_folder():
    """Where `COPY . <folder>` puts the repository."""
    folders = [destination for sources, destination in copies() if sources == ["."]]
    assert len(folders) == 1, "hub/Dockerfile should copy the repository once (COPY . /opt/convnets-course)"
    return folders[0].rstrip("/")


def test_the_files_the_image_needs_reach_it():
    """The repository goes in whole (COPY .): what the image installs and runs must survive .dockerignore."""
    needed = ["requirements.lock", "pyproject.toml", "helpers/__init__.py", "helpers/datasets.py",
              "course/__init__.py", "course/__main__.py", "course/workbook.py", "course/lab.py", "locale",
              "notebooks/images"]
    needed += [str(path.relative_to(ROOT)) for path in lessons()]
    for path in needed:
        assert (ROOT / path).exists(), path
        assert not dockerignored(path), f".dockerignore leaves {path} out of the image"


def test_it_installs_graphviz_the_lock_and_the_package():
    commands = [command for _, command in run_commands()]
    apt = [command for command in commands if command.startswith("apt-get install")]
    assert any("graphviz" in command.split() for command in apt), "Graphviz (dot) must be installed with apt-get"
    pips = [shlex.split(command) for command in commands if command.startswith(("pip install", "python -m pip"))]
    lock = [n for n, words in enumerate(pips) for flag in ("-r", "--requirement")
            if flag in words and words[words.index(flag) + 1] == "requirements.lock"]
    assert lock, "the image must pip install requirements.lock"
    package = [n for n, words in enumerate(pips) if words[-1] in (".", course_folder())]
    assert package and package[0] > lock[0], "the helpers package is installed after the lock"
    assert "--no-deps" in pips[package[0]], "the lock pins the package's dependencies: pip install --no-deps"
    assert not {"-e", "--editable"} & set(pips[package[0]]), "the course folder is read-only: install it non-editable"
    workdirs = [arguments for keyword, arguments in STEPS if keyword == "WORKDIR"]
    assert course_folder() in workdirs, "pip install . runs in the course folder (WORKDIR)"


def test_the_datasets_are_prepared_where_every_notebook_looks():
    commands = [(index, shlex.split(command)) for index, command in run_commands()
                if "helpers.datasets" in command]
    assert commands, "the image must prepare the datasets: python -m helpers.datasets"
    index, words = commands[0]
    values = environment_before(index)
    assert DATA_ENV in values, f"set ENV {DATA_ENV} before preparing the datasets"
    folder = values[DATA_ENV]
    target = expand(words[words.index("helpers.datasets") + 1], values) if words[-1] != "helpers.datasets" else folder
    assert target == folder, f"the datasets go to {target}, but {DATA_ENV} says {folder}"
    assert folder.startswith(course_folder() + "/"), "the datasets live in the read-only course folder"
    assert default_data_dir(environ={DATA_ENV: folder}) == Path(folder), "helpers.datasets must read them there"


def test_it_configures_the_lab_for_students_from_the_course_folder():
    """`python -m course` is found in the working folder (the course's tools are not installed): it runs in the
    course folder, the RUN step's WORKDIR, before any `cd`."""
    configures = [(index, command) for index, command in run_commands() if "-m course lab configure" in command]
    assert configures, "the image configures JupyterLab: python -m course lab configure --classroom"
    for index, command in configures:
        assert "--classroom" in command.split(), (
            "students of a hub need nbgrader's assignment list: python -m course lab configure --classroom")
        assert [arguments for keyword, arguments in STEPS[:index] if keyword == "WORKDIR"][-1] == course_folder()
        step = [c for i, c in run_commands() if i == index]
        assert not any(c.startswith("cd ") for c in step[:step.index(command)]), "it must run in the course folder"
    assert (ROOT / "course" / "__main__.py").is_file()


def test_the_startup_hook_is_run_not_sourced():
    """docker-stacks sources hooks named *.sh into its start script (an `exit` there would end it) and runs the
    other executable files; hub/update-workbook exits, so it must be installed without .sh."""
    hooks = [(sources, destination) for sources, destination in copies() if "before-notebook.d" in destination]
    assert hooks, "hub/Dockerfile should install hub/update-workbook as a start-up hook"
    for sources, destination in hooks:
        assert not destination.endswith(".sh"), destination
        assert os.access(ROOT / sources[0], os.X_OK), f"{sources[0]} must be executable"


def test_the_exchange_configuration_matches_the_release():
    config = Config()
    exec((ROOT / "hub" / "nbgrader_config.py").read_text(), {"get_config": lambda: config})
    assert config.CourseDirectory.course_id == classroom.COURSE_ID
    exchange = config.Exchange.root
    commands = [command for _, command in run_commands()]
    assert f"mkdir -p {exchange}" in commands and f"chmod 777 {exchange}" in commands, (
        f"the image must create the exchange {exchange}, writable by every user")
    course_timeout = int(re.search(r"c\.Execute\.timeout = (\d+)", classroom.CONFIG).group(1))
    assert config.Execute.timeout >= course_timeout, "Validate must not stop a training cell that grading allows"
    assert ([destination for sources, destination in copies() if sources == ["hub/nbgrader_config.py"]]
            == ["/etc/jupyter/nbgrader_config.py"]), "every user's nbgrader reads /etc/jupyter/nbgrader_config.py"


# --- python -m course lab configure [--classroom] ---------------------------------------------------------------

NBGRADER_PLUGINS = {"formgrader", "assignment-list", "course-list", "create-assignment", "validate-assignment", "menu"}


def installed_plugin_ids():
    """The plugin ids that nbgrader's installed JupyterLab extension defines."""
    for folder in jupyter_path("labextensions"):
        static = Path(folder) / "@jupyter" / "nbgrader" / "static"
        if static.is_dir():
            text = "".join(path.read_text(errors="ignore") for path in static.glob("*.js"))
            return set(re.findall(r'"@jupyter/nbgrader:([a-z-]+)"', text))
    pytest.fail("nbgrader's JupyterLab extension is not installed (requirements.lock has nbgrader)")


@pytest.mark.parametrize("argv, disabled", [
    ([], {"@jupyter/nbgrader"}),
    (["--classroom"], {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:course-list",
                       "@jupyter/nbgrader:create-assignment"}),
])
def test_configure_lab_turns_off_what_the_learner_does_not_use(tmp_path, argv, disabled):
    lab.configure(prefix=tmp_path, classroom=argv == ["--classroom"])
    page = json.loads((tmp_path / "etc/jupyter/labconfig/page_config.json").read_text())
    assert {name for name, off in page["disabledExtensions"].items() if off} == disabled
    settings = json.loads((tmp_path / "share/jupyter/lab/settings/overrides.json").read_text())
    assert settings["@jupyterlab/apputils-extension:notification"]["checkForUpdates"] is False


def test_a_classroom_keeps_the_students_plugins_of_the_installed_nbgrader():
    plugins = installed_plugin_ids()
    assert NBGRADER_PLUGINS <= plugins, f"nbgrader's plugins changed: {sorted(plugins)}"
    off = {name.split(":", 1)[1] for name in lab.CLASSROOM_PAGE_CONFIG["disabledExtensions"]}
    assert off <= plugins
    assert plugins - off >= {"assignment-list", "validate-assignment", "menu"}, (
        "students fetch and submit from the assignment list (opened from nbgrader's menu) and press Validate")


# --- the start-up hook: each user's workbook --------------------------------------------------------------------

@pytest.fixture
def course(tmp_path):
    """A course folder as the image has it: the lessons, the course tools and the languages (no .venv: python from
    PATH)."""
    folder = tmp_path / "opt" / "convnets-course"
    ignore = shutil.ignore_patterns("output", ".*", "__pycache__")
    for name in ("notebooks", "course", "locale"):
        shutil.copytree(ROOT / name, folder / name, ignore=ignore)
    return folder


def hook(course, home):
    home.mkdir(exist_ok=True)
    environment = {key: value for key, value in os.environ.items() if key != "NB_USER"}
    environment.update(HOME=str(home), CONVNETS_COURSE_DIR=str(course),
                       PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    return subprocess.run(["sh", str(ROOT / "hub" / "update-workbook")], env=environment, capture_output=True,
                          text=True, timeout=300)


def test_the_hook_makes_a_workbook_in_the_home_folder_and_keeps_the_users_work(course, tmp_path):
    home = tmp_path / "home"
    result = hook(course, home)
    assert result.returncode == 0 and "8 added" in result.stdout, result.stdout + result.stderr
    assert (home / "notebooks").is_symlink() and (home / "notebooks").resolve() == (course / "notebooks").resolve()
    made = sorted(path.name for path in (home / "workbook").glob("*.ipynb"))
    assert made == [path.name for path in lessons(course / "notebooks")]
    first = nbformat.read(home / "workbook" / "05_identity_block.ipynb", as_version=4)
    assert "(../notebooks/05_identity_block.ipynb)" in first.cells[0].source, "the link to the solved lesson"
    first.cells[2].source += "\n# my own note"
    nbformat.write(first, home / "workbook" / "05_identity_block.ipynb")
    again = hook(course, home)
    assert again.returncode == 0 and "0 added" in again.stdout, again.stdout + again.stderr
    assert "# my own note" in nbformat.read(home / "workbook" / "05_identity_block.ipynb", as_version=4).cells[2].source


def test_the_hook_never_stops_a_server_from_starting(course, tmp_path):
    (course / "course" / "workbook.py").unlink()
    result = hook(course, tmp_path / "home")
    assert result.returncode == 0
    assert "update-workbook: ~/workbook was not brought up to date" in result.stderr


# --- the teacher's guide ----------------------------------------------------------------------------------------

def makefile_targets():
    return set(re.findall(r"^([A-Za-z][\w-]*)\s*:(?!=)", (ROOT / "Makefile").read_text(), flags=re.MULTILINE))


def test_the_guide_names_every_assignment():
    guide = GUIDE.read_text()
    for path in classroom.graded_lessons():
        assert f"`{path.stem}`" in guide, f"CLASSROOM.md does not mention the assignment {path.stem}"


def test_every_make_command_in_the_guide_is_a_target():
    commands = re.findall(r"\bmake ([a-z][\w-]*)", GUIDE.read_text())
    assert commands, "CLASSROOM.md tells no make command"
    missing = sorted(set(commands) - makefile_targets())
    assert not missing, f"CLASSROOM.md runs make targets the Makefile lacks: {missing}"


def test_every_course_file_the_guide_names_exists():
    guide = GUIDE.read_text()
    for path in set(re.findall(r"(?<![\w/.])((?:hub|scripts)/[\w.-]+|(?<!-)course/\w+\.py)", guide)):
        assert (ROOT / path).exists(), f"CLASSROOM.md names {path}, which does not exist"
    for path in set(re.findall(r"/opt/convnets-course/((?:hub|scripts)/[\w.-]+|(?<!-)course/\w+\.py)", guide)):
        assert (ROOT / path).exists(), f"CLASSROOM.md runs /opt/convnets-course/{path}, which does not exist"
    assert f"git clone {links.repository()}.git" in guide, "the guide clones the course's repository"


def test_the_hub_limits_are_the_ones_measured_for_the_lessons():
    """make profile writes each lesson's peak memory and the per-student limit derived from it into the guide; the
    TLJH and Z2JH settings the guide gives must be that limit, and the memory guarantee must cover the peak."""
    guide = GUIDE.read_text()
    measured = re.search(r"<!-- profile:begin.*?-->(.*?)<!-- profile:end -->", guide, flags=re.S).group(1)
    peaks = [float(peak) for peak in re.findall(r"^\| `\d\d_\w+` \| ([\d.]+) GB \|", measured, flags=re.M)]
    assert len(peaks) == len(lessons()), "make profile: the guide's table lacks a lesson"
    limit = re.search(r"a memory limit of \*\*([\d.]+) GB\*\*", measured).group(1)
    assert f"limits.memory {limit}G" in guide, f"the TLJH memory limit is not the measured {limit} GB"
    z2jh = re.search(r"memory:\n\s+guarantee: ([\d.]+)G\n\s+limit: ([\d.]+)G", guide)
    assert z2jh and z2jh.group(2) == limit, f"the Z2JH memory limit is not the measured {limit} GB"
    assert max(peaks) <= float(z2jh.group(1)) <= float(limit), "the Z2JH memory guarantee does not cover the peak"
    grading = re.search(r"<!-- class:begin.*?-->(.*?)<!-- class:end -->", guide, flags=re.S).group(1)
    graded = set(re.findall(r"^\| `(\d\d_\w+)` \| \d+ \|", grading, flags=re.M))
    assert graded == {path.stem for path in classroom.graded_lessons()}, "make class: the grading times lack an assignment"
