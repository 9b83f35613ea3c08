"""The course package away from a checkout: a read-only pip install used by another user, and Colab's path.

1. **Read-only, non-root.** `pip install <clone>` (not editable) into a fresh virtual environment, which is
   then made read-only; a user who owns nothing of it (nobody, when the tests run as root) imports the package
   from `/` and loads SIGNS. The data must go to that user's per-user folder (~/.keras/datasets/convnets-course)
   or to $CONVNETS_COURSE_DATA, never into the package.
2. **Colab, simulated.** Colab cannot be reached from here, so its path is played out: a fresh virtual
   environment with the course's dependencies already there (as Colab has TensorFlow, Keras and the rest) but
   not the course; a kernel in which `google.colab` is imported, as on Colab; notebook 00 alone in an empty
   folder, its first cell installing the course from a local clone's URL (git+file://) instead of GitHub's.
   It must run to the end with no error, with the package from that environment and the data in the
   per-user folder.
"""
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE_PACKAGES = Path(sysconfig.get_paths()["purelib"])
NOBODY = 65534


@pytest.fixture(scope="module")
def world_readable(tmp_path_factory):
    """A folder every user may enter (pytest's own is private to its user)."""
    folder = Path(tempfile.mkdtemp(prefix="course-install-"))
    folder.chmod(0o755)
    yield folder
    subprocess.run(["chmod", "-R", "u+w", str(folder)], check=False)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def clone(world_readable):
    """The course as committed, cloned the way a learner's pip would fetch it."""
    target = world_readable / "clone"
    subprocess.run(["git", "clone", "--quiet", f"file://{ROOT}", str(target)], check=True)
    return target


def as_user():
    """How to run a command as a user who owns nothing here: nobody when we are root, else ourselves."""
    if os.geteuid() != 0:
        return []
    return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


def python_for(user_prefix):
    """A Python 3.11 that the other user can run (the project's may live under /root)."""
    for candidate in [sys._base_executable, "/usr/bin/python3.11", "/usr/local/bin/python3.11"]:
        if candidate and Path(candidate).exists() and subprocess.run(
                [*user_prefix, candidate, "-c", "import sys; assert sys.version_info[:2] == (3, 11)"],
                capture_output=True).returncode == 0:
            return candidate
    pytest.fail("no Python 3.11 that a non-root user can run: install Debian's python3.11")


def test_read_only_install_used_by_another_user(world_readable, clone):
    user = as_user()
    venv = world_readable / "venv"
    subprocess.run([python_for(user), "-m", "venv", "--without-pip", str(venv)], check=True)
    target = Path(subprocess.run([str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 capture_output=True, text=True, check=True).stdout.strip())
    # What helpers.datasets needs, as pip would have installed it (copied from this environment: no download).
    for name in ["numpy", "numpy.libs", "h5py", "h5py.libs", "PIL", "pillow.libs"]:
        if (SITE_PACKAGES / name).exists():
            shutil.copytree(SITE_PACKAGES / name, target / name)
    # pip install <repository>, not editable (built with this environment's setuptools: nothing fetched).
    # --target, not --prefix: with --prefix pip would first uninstall this environment's own install of the course.
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
                    "--no-build-isolation", "--target", str(target), str(clone)], check=True)
    assert (target / "helpers" / "datasets.py").is_file() and not list(target.glob("__editable__*"))
    subprocess.run(["chmod", "-R", "a-w", str(venv)], check=True)
    home = world_readable / "home"
    home.mkdir()
    if user:
        os.chown(home, NOBODY, NOBODY)
    script = """
import os, sys
from pathlib import Path
import helpers
from helpers import datasets
assert Path(helpers.__file__).is_relative_to(sys.prefix), helpers.__file__
try:
    (Path(helpers.__file__).parent / "probe").touch()
    sys.exit("the install is writable: the test would prove nothing")
except PermissionError:
    pass
X_train, Y_train, X_test, Y_test, classes = datasets.load_signs_dataset()
print("RESULT", datasets.DATA_DIR, X_train.shape, X_test.shape, [int(c) for c in classes])
"""
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    result = subprocess.run([*user, str(venv / "bin" / "python"), "-c", script], cwd="/", env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    per_user = home / ".keras" / "datasets" / "convnets-course"
    assert result.stdout.split("RESULT ")[1].split()[0] == str(per_user), result.stdout
    assert "(1080, 64, 64, 3) (120, 64, 64, 3) [0, 1, 2, 3, 4, 5]" in result.stdout
    assert list((per_user / "generated").glob("*signs*.h5"))
    if user:
        assert all(path.stat().st_uid == NOBODY for path in per_user.rglob("*"))

    # $CONVNETS_COURSE_DATA wins over the per-user folder.
    elsewhere = world_readable / "shared-data"
    shutil.copytree(per_user, elsewhere)
    if user:
        subprocess.run(["chown", "-R", f"{NOBODY}:{NOBODY}", str(elsewhere)], check=True)
    result = subprocess.run([*user, str(venv / "bin" / "python"), "-c", script], cwd="/",
                            env={**env, "CONVNETS_COURSE_DATA": str(elsewhere)}, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("RESULT ")[1].split()[0] == str(elsewhere), result.stdout
    # and this environment's own install of the course is untouched
    here = subprocess.run([sys.executable, "-c", "import helpers; print(helpers.__file__)"], cwd="/",
                          capture_output=True, text=True)
    assert here.stdout.strip() == str(ROOT / "helpers" / "__init__.py"), here.stdout + here.stderr


FAKE_COLAB = '''"""Stands in for Colab's google.colab: the course only asks whether it has been imported."""
'''
RUN_NOTEBOOK = """
import sys
import nbformat
from nbclient import NotebookClient
path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": sys.argv[2]}}).execute()
nbformat.write(nb, path)
"""


def test_colab_path_runs_notebook_00_outside_the_repository(world_readable, clone):
    colab = world_readable / "colab-venv"
    subprocess.run([sys._base_executable, "-m", "venv", "--without-pip", str(colab)], check=True)
    colab_python = colab / "bin" / "python"
    target = Path(subprocess.run([str(colab_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 capture_output=True, text=True, check=True).stdout.strip())
    # Colab's preinstalled packages: this environment's, seen through a path (its .pth files, among them the
    # course's editable install, are not read), so the course itself is not there until the first cell.
    (target / "preinstalled.pth").write_text(f"{SITE_PACKAGES}\n")
    assert subprocess.run([str(colab_python), "-c", "import helpers"], cwd="/", capture_output=True).returncode != 0
    fake = world_readable / "fake-colab"
    (fake / "google" / "colab").mkdir(parents=True)  # google/ stays a namespace package, as protobuf's is
    (fake / "google" / "colab" / "__init__.py").write_text(FAKE_COLAB)
    ipython = world_readable / "ipython"
    (ipython / "profile_default" / "startup").mkdir(parents=True)
    (ipython / "profile_default" / "startup" / "00-colab.py").write_text("import google.colab\n")
    content = world_readable / "content"  # Colab's working folder: the notebook and nothing else
    content.mkdir()
    shutil.copy(ROOT / "notebooks" / "00_start_here.ipynb", content)
    home = world_readable / "colab-home"
    home.mkdir()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("CONVNETS_COURSE", "PYTHON", "VIRTUAL_ENV"))},
           "HOME": str(home), "PATH": f"{colab / 'bin'}:/usr/bin:/bin", "PYTHONPATH": str(fake),
           "IPYTHONDIR": str(ipython), "JUPYTER_DATA_DIR": str(home / "jupyter"),
           "CONVNETS_COURSE_SOURCE": f"git+file://{clone}"}
    notebook = content / "00_start_here.ipynb"
    result = subprocess.run([str(colab_python), "-c", RUN_NOTEBOOK, str(notebook), str(content)], cwd=content,
                            env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    nb = nbformat.read(notebook, as_version=4)
    errors = [output for cell in nb.cells for output in cell.get("outputs", []) if output.output_type == "error"]
    assert not errors
    colab_cell = next(cell for cell in nb.cells if cell.get("id") == "colab-setup")
    printed = "".join(output.get("text", "") for output in colab_cell.outputs)
    assert "SIGNS: stand-ins ready" in printed and "example photo: drew" in printed, printed
    assert (target / "helpers" / "__init__.py").is_file(), "the first cell did not install the course"
    per_user = home / ".keras" / "datasets" / "convnets-course" / "generated"
    assert list(per_user.glob("*signs*.h5")) and list(per_user.glob("*happy*.h5"))
    assert (content / "images" / "my_image.jpg").is_file()
    # The setup cell printed the versions, and the last code cell ran.
    setup = next(cell for cell in nb.cells if cell.cell_type == "code" and "setup(seed=0)" in cell.source)
    assert "TensorFlow 2.21" in "".join(output.get("text", "") for output in setup.outputs)
    last = [cell for cell in nb.cells if cell.cell_type == "code"][-1]
    assert last.execution_count == sum(cell.cell_type == "code" for cell in nb.cells)
