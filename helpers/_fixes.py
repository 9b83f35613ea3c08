"""What to do about a set-up problem on this platform, and whether Graphviz draws: the install commands that
``helpers.doctor`` and ``helpers.plots`` print, and the Graphviz self-check behind every model diagram (in a
notebook, Keras' ``plot_model`` only prints a message when pydot or Graphviz's ``dot`` is missing). A lesson
never calls this module; the doctor and the diagrams do."""
import ast
import contextlib
import io
import platform
import shutil
from pathlib import Path

from helpers.datasets import is_checkout
from helpers.i18n import N_, _
from helpers.session import CHECKOUT, REQUIRED_PYTHON


ETC = Path("/etc")  # where a Linux distribution leaves the file that names it
DISTRIBUTIONS = (("debian", "debian_version"), ("fedora", "fedora-release"), ("fedora", "redhat-release"),
                 ("arch", "arch-release"), ("alpine", "alpine-release"), ("suse", "SUSE-brand"),
                 ("suse", "SuSE-release"))


def system_name(system=None):
    """'debian', 'fedora', 'arch', 'alpine', 'suse', 'macos', 'windows' or 'other': whose install commands to print."""
    system = system or platform.system()
    if system in ("Darwin", "Windows"):
        return {"Darwin": "macos", "Windows": "windows"}[system]
    return next((name for name, marker in DISTRIBUTIONS if (ETC / marker).exists()), "other")


PYTHON_FIXES = {  # platform -> (English, shown with _(); the install command, the same in every language)
    "debian": (N_("{command}, then `make lab` (it builds .venv with it)"),
               "sudo apt-get install python{version} python{version}-venv"),
    "fedora": (N_("{command}, then `make lab`"), "sudo dnf install python{version}"),
    "arch": (N_("install Python {version} (e.g. with pyenv), then `make lab PYTHON=/path/to/python{version}`"), None),
    "macos": (N_("requirements.lock's TensorFlow (tensorflow-cpu) has no macOS build: on Apple silicon, {command}, "
                 "then follow the README's route for it (PyTorch); on an Intel Mac, open the course on Colab or Binder "
                 "(the README's lesson table links them)"), "brew install python@{version}"),
    "windows": (N_("install Python {version} from python.org, then `py -{version} -m venv .venv` and "
                   "`.venv\\Scripts\\pip install -r requirements.lock -e .`"), None),
}


def python_fix(system=None):
    """What to do on this platform to get the course's Python (REQUIRED_PYTHON) and its environment."""
    other = (N_("install Python {version}, or `conda env create -f environment.yml`"), None)
    message, command = PYTHON_FIXES.get(system_name(system), other)
    version = "{}.{}".format(*REQUIRED_PYTHON)
    return _(message).format(command=command and command.format(version=version), version=version)


GRAPHVIZ_FIXES = {  # platform -> the command that installs Graphviz (English; shown with _())
    "debian": N_("sudo apt-get install graphviz   (`make lab` does it for you)"),
    "fedora": "sudo dnf install graphviz",
    "arch": "sudo pacman -S graphviz",
    "alpine": "sudo apk add graphviz",
    "suse": "sudo zypper install graphviz",
    "macos": "brew install graphviz",
    "windows": N_("winget install graphviz, then restart Jupyter so that PATH includes Graphviz's bin folder"),
}


def graphviz_fix(system=None):
    """The command that installs Graphviz's ``dot`` on this platform (also in helpers.plots' errors, and what
    ``make`` prints where it cannot install Graphviz itself: ``python -m helpers.doctor --graphviz-fix``)."""
    other = N_("install your system's graphviz package, or: conda install -c conda-forge graphviz")
    return _(GRAPHVIZ_FIXES.get(system_name(system), other))


def reinstall_fix(root=CHECKOUT):
    """How to install the locked versions: in a checkout with make, elsewhere with pip."""
    if is_checkout(root):
        return _("run `make lab` (or `.venv/bin/pip install -r requirements.lock`) in the course's folder")
    return _("pip install -r requirements.lock from the course's repository")


def backend_fix(name, root=CHECKOUT):
    """How to install the locked versions of a JAX or PyTorch set-up."""
    if is_checkout(root):
        return _("run `make lab BACKEND={backend}` (or `make backend-{backend}`, which only installs it) in the "
                 "course's folder").format(backend=name)
    return _("pip install -r requirements-{backend}.lock from the course's repository").format(backend=name)


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class GraphvizMissingError(RuntimeError):
    """pydot or Graphviz's ``dot`` does not work, so no model diagram can be drawn: ``problem`` and its ``fix``."""

    def __init__(self, problem, fix):
        super().__init__(_("{problem}. To fix it: {fix}").format(problem=problem, fix=fix))
        self.problem, self.fix = problem, fix


def restart_after(fix):
    """``fix``, then a restart of the kernel (Keras looks for pydot once, when it is imported; the kernel keeps the
    PATH it started with)."""
    return _("{fix}. Then restart the kernel").format(fix=fix)


def broken_graphviz_fix():
    """What to do when ``dot`` is there but draws no PNG."""
    return _("check that `dot -V` works in a terminal and that Graphviz can write PNG files; install it with: {hint}"
             ).format(hint=graphviz_fix())


def _dot_error(printed, error):
    """What ``dot`` said on stderr (pydot prints it, as bytes, before raising): its error line, else its last line."""
    said = [line.strip() for line in printed.splitlines() if line.strip().startswith(("b'", 'b"'))]
    lines = ast.literal_eval(said[-1]).decode(errors="replace").strip().splitlines() if said else []
    return next((line for line in reversed(lines) if "error" in line.lower()), lines[-1] if lines else str(error).strip())


def require_graphviz():
    """Raise GraphvizMissingError unless pydot imports and draws a two-node graph as a PNG with Graphviz's ``dot``, the
    way plot_model draws a diagram: the check that ``helpers.plots.show_model`` and ``show_block_overview`` make, and
    the doctor's."""
    try:
        import pydot
    except ImportError:
        raise GraphvizMissingError(_("the Python package pydot is missing"), restart_after(reinstall_fix())) from None
    windows = system_name() == "windows"  # Windows' fix already says to restart Jupyter
    install = graphviz_fix() if windows else restart_after(graphviz_fix())
    broken = broken_graphviz_fix()
    graph = pydot.Dot(graph_type="digraph")
    graph.add_edge(pydot.Edge("input", "dense"))
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            png = graph.create(format="png")
    except (OSError, pydot.PydotException, AssertionError) as exc:
        dot = shutil.which("dot")
        if not dot:
            raise GraphvizMissingError(_("`dot` is not on the PATH: model diagrams cannot be drawn"), install) from None
        raise GraphvizMissingError(_("`dot` at {path} fails ({detail}): model diagrams cannot be drawn").format(
            path=dot, detail=_dot_error(printed.getvalue(), exc)), broken) from None
    if not png.startswith(PNG_SIGNATURE):
        raise GraphvizMissingError(_("`dot` ran but did not write a PNG (first bytes {first_bytes!r})").format(
            first_bytes=png[:8]), broken)
