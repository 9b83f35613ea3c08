"""`python -m course <verb> ...`: the one entry point of the course's tools (the Makefile's targets call it)."""
import argparse
import importlib
import sys

# verb -> (module, what it does); each module has main(args) and add_arguments(parser)
VERBS = {
    "workbook": ("course.workbook", "the learner's workbook: update, or refresh one lesson"),
    "lab": ("course.lab", "start JupyterLab on the workbook (or `lab configure`)"),
    "translations": ("course.translations", "the translated editions: update, status, fill, build, execute"),
    "book": ("course.book", "the static website"),
    "classroom": ("course.classroom", "the nbgrader course (build), or a simulated class graded (simulate)"),
    "execute": ("course.execute", "execute notebooks top to bottom in a fresh kernel and save them"),
    "test": ("course.testing", "the whole test run of make test (more arguments go to pytest)"),
    "canary": ("course.canary", "the suite, less the JAX and PyTorch tests, against the next TensorFlow and Keras"),
    "bench": ("course.bench", "how fast this machine trains the course's models"),
    "standins": ("course.standins", "the offline datasets' previews, notebook 02's example photo and how hard they are"),
    "backends": ("course.backends", "the unit tests and every lesson on Keras' JAX and PyTorch backends; "
                                    "--install-jax-path: the .pth line that shows JAX to KERAS_BACKEND=jax "
                                    "processes (make backend-jax)"),
    "profile": ("course.profile", "each lesson's peak memory, CPU and wall time (make profile)"),
}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] in (["lab"], ["test"]):  # their other arguments belong to JupyterLab and pytest
        module = importlib.import_module(VERBS[argv[0]][0])
        if argv[0] == "lab":
            return module.main(argv[1:])
        return module.main(argparse.Namespace(pytest_args=argv[1:]))
    parser = argparse.ArgumentParser(prog="python -m course", description=__doc__)
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="verb")
    for verb, (name, text) in VERBS.items():
        if verb in ("lab", "test"):
            verbs.add_parser(verb, help=text)
            continue
        sub = verbs.add_parser(verb, help=text)
        sub.set_defaults(module=name)
        if argv[:1] == [verb]:  # only the chosen verb's module is imported (bench imports TensorFlow)
            importlib.import_module(name).add_arguments(sub)
    args = parser.parse_args(argv)
    return importlib.import_module(args.module).main(args)


if __name__ == "__main__":
    sys.exit(main())
