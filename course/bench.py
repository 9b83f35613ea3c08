"""`make bench`: how fast this machine trains the course's models, measured side by side in one run.

    python -m course bench                  # everything (about 15 minutes on 2 CPU cores)
    python -m course bench --seeds 0        # one ResNet50 training run instead of three
    python -m course bench --skip-time-to-accuracy   # throughput and peak only (about 3 minutes)
    python -m course bench --skip-throughput --recipe epochs=6 batch_size=16   # try another recipe
    python -m course bench --skip-throughput --recipe mirror=False epochs=7    # the previous recipe
    python -m course bench --backend tensorflow jax torch --seeds 0   # Keras' backends side by side

It measures, on whatever machine runs it:
(a) images per second, training and prediction, of helpers.models.ResNet50 and keras.applications.ResNet50 at
    64x64x3 (batch 32), in interleaved repeats (one model, then the other, again and again, so that both see the
    same machine: single runs vary by tens of percent), with the median and the spread (min-max);
(b) the first epoch's overhead: how much longer the first epoch of notebook 07's recipe takes than a later one
    (building and optimising the training graph, which happens once), and where the first step's time goes
    (Keras' fit with its variables created inside the first step or beforehand; a plain tf.function step);
(c) the wall time from the start of `fit` to a test accuracy of at least 0.95 on SIGNS with notebook 07's recipe
    (helpers.recipes.RESNET50_SIGNS), for each model seed; the same for HappyModel on Happy House with notebook
    02's recipe (Adam with its defaults, batch 32, evaluated on the test set after every epoch);
(d) the machine's matrix-multiply peak (float32, on the backend) and the share of it that ResNet50's training reaches.

The parts that take TensorFlow's tracing apart run on the TensorFlow backend only.

Results go to bench/results.json (git-ignored) and to a table; the last line reads
`bench: resnet50_time_to_95_s=<n> happy_time_to_95_s=<n> first_epoch_overhead_s=<n> train_img_s=<n>`.

How time to accuracy is counted: the recipe runs as notebook 07 runs it, by the same two calls,
``recipe.compile`` and ``recipe.fit`` (Adam's and the metrics' variables created, `fit` on the recipe's batches,
BatchNormalization's statistics recomputed), then `evaluate` on the test set; the clock runs from the start of
``recipe.fit`` to the end of `evaluate`, and counts if the test accuracy is at least 0.95. With --per-epoch the
test accuracy is also measured after every epoch (recomputation and evaluation, with the clock stopped: they
change no weight), and the clock may stop at an earlier epoch.
"""
import gc
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

from course import HAPPY_FIT, ROOT, TARGET
from helpers.session import setup  # (quiet TensorFlow before it is imported)

setup(seed=0, verbose=False)

import dataclasses  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402

from helpers import datasets, models  # noqa: E402
from helpers.checks import reaches  # noqa: E402
from helpers.recipes import RESNET50_SIGNS  # noqa: E402
from helpers.training import create_training_variables, recompute_batchnorm_statistics  # noqa: E402

RESULTS = ROOT / "bench" / "results.json"


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from helpers.doctor import accelerators
    from helpers.session import versions

    backend_title, backend_version = list(versions().items())[1]
    return {"cpu": cpu, "cores": os.cpu_count(), "gpus": accelerators(), "python": platform.python_version(),
            "backend": keras.backend.backend(), "backend_title": backend_title, "backend_version": backend_version,
            "keras": keras.__version__, "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS")}


def spread(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values),
            "values": [round(v, 3) for v in values]}


# (d) the matrix-multiply peak ----------------------------------------------------------------------------------

def matmul_peak(n=2048, repeats=10):
    rng = np.random.default_rng(0)
    a, b = (keras.ops.convert_to_tensor(rng.random((n, n), dtype=np.float32)) for _ in range(2))
    keras.ops.convert_to_numpy(keras.ops.matmul(a, b))
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        keras.ops.convert_to_numpy(keras.ops.matmul(a, b))
        best = min(best, time.perf_counter() - start)
    return 2 * n ** 3 / best / 1e9


def forward_flops(model):
    """Multiply-adds x 2 of the convolutions and dense layers for one image (batch norm, ReLU, adds: ignored)."""
    total = 0
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            kh, kw = layer.kernel_size
            c_in = layer.input.shape[-1]
            _, h, w, c_out = layer.output.shape
            total += 2 * kh * kw * c_in * c_out * h * w
        elif isinstance(layer, keras.layers.Dense):
            total += 2 * layer.input.shape[-1] * layer.units
    return total


# (a) throughput ------------------------------------------------------------------------------------------------

def resnet_pair():
    course = models.ResNet50(input_shape=(64, 64, 3), classes=6)
    applications = keras.applications.ResNet50(weights=None, input_shape=(64, 64, 3), classes=6)
    for model in (course, applications):
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="categorical_crossentropy")
    return {"helpers.models.ResNet50": course, "keras.applications.ResNet50": applications}


def throughput(repeats, train_steps=6, predict_images=512, batch=32):
    rng = np.random.default_rng(0)
    X = rng.random((batch, 64, 64, 3), dtype=np.float32)
    Y = np.eye(6, dtype=np.float32)[rng.integers(0, 6, batch)]
    X_predict = rng.random((predict_images, 64, 64, 3), dtype=np.float32)
    pair = resnet_pair()
    first = {}
    for name, model in pair.items():  # the first steps build the graphs: timed apart
        start = time.perf_counter()
        model.train_on_batch(X, Y)
        first[name] = {"first_train_step_s": time.perf_counter() - start}
        start = time.perf_counter()
        model.train_on_batch(X, Y)
        first[name]["second_train_step_s"] = time.perf_counter() - start
        start = time.perf_counter()
        model.predict(X_predict[:batch], batch_size=batch, verbose=0)
        first[name]["first_predict_s"] = time.perf_counter() - start
    train = {name: [] for name in pair}
    predict = {name: [] for name in pair}
    for _ in range(repeats):
        for name, model in pair.items():
            start = time.perf_counter()
            for _ in range(train_steps):
                model.train_on_batch(X, Y)
            train[name].append(train_steps * batch / (time.perf_counter() - start))
            start = time.perf_counter()
            model.predict(X_predict, batch_size=batch, verbose=0)
            predict[name].append(predict_images / (time.perf_counter() - start))
    results = {name: {"train_img_s": spread(train[name]), "predict_img_s": spread(predict[name]),
                      "forward_gflop_per_image": forward_flops(model) / 1e9, **first[name]}
               for name, model in pair.items()}
    fresh_start()
    return results


def fresh_start():
    """Forget the models and graphs built so far: models left in memory make the next `fit` start later."""
    keras.backend.clear_session()
    gc.collect()


# (b) where the first step's time goes -----------------------------------------------------------------------

def first_step_breakdown(batch=32, optimise=True):  # TensorFlow's tracing: only on the TensorFlow backend
    """One training step of the course's ResNet50, as fit runs it (a tf.function of forward pass, gradient and
    Adam's update), split into: tracing it into a graph (Python), its first run (TensorFlow's graph optimiser,
    Grappler, then the kernels' set-up), and a later run. optimise=False turns Grappler off for the comparison."""
    import tensorflow as tf

    keras.backend.clear_session()
    tf.config.optimizer.set_experimental_options({"disable_meta_optimizer": not optimise})
    try:
        model = models.ResNet50(input_shape=(64, 64, 3), classes=6)
        optimizer = keras.optimizers.Adam(1e-3)
        loss_fn = keras.losses.CategoricalCrossentropy()
        optimizer.build(model.trainable_variables)
        rng = np.random.default_rng(0)
        X = tf.constant(rng.random((batch, 64, 64, 3), dtype=np.float32))
        Y = tf.constant(np.eye(6, dtype=np.float32)[rng.integers(0, 6, batch)])

        @tf.function
        def step(x, y):
            with tf.GradientTape() as tape:
                loss = loss_fn(y, model(x, training=True))
            gradients = tape.gradient(loss, model.trainable_variables)
            optimizer.apply(gradients, model.trainable_variables)
            return loss

        start = time.perf_counter()
        concrete = step.get_concrete_function(X, Y)
        trace = time.perf_counter() - start
        start = time.perf_counter()
        concrete(X, Y).numpy()
        first = time.perf_counter() - start
        later = []
        for _ in range(3):
            start = time.perf_counter()
            concrete(X, Y).numpy()
            later.append(time.perf_counter() - start)
        n_ops = len(concrete.graph.get_operations())
    finally:
        tf.config.optimizer.set_experimental_options({"disable_meta_optimizer": False})
    return {"trace_s": trace, "first_run_s": first, "later_run_s": statistics.median(later), "graph_ops": n_ops,
            "grappler": optimise}


def fit_first_steps(variables_first, batch=32, steps=3):
    """The first `steps` steps of `fit` on the course's ResNet50 (Adam, categorical cross-entropy, accuracy),
    timed one by one, with Adam's and the metrics' variables created inside the first step (Keras' default:
    the step is traced twice) or beforehand (`create_training_variables`: traced once)."""
    fresh_start()
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    X = rng.random((batch * steps, 64, 64, 3), dtype=np.float32)
    Y = np.eye(6, dtype=np.float32)[rng.integers(0, 6, batch * steps)]
    model = models.ResNet50(input_shape=(64, 64, 3), classes=6)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="categorical_crossentropy", metrics=["accuracy"])
    start = time.perf_counter()
    if variables_first:
        create_training_variables(model, X, Y)
    before = time.perf_counter() - start

    class Steps(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.times = []

        def on_train_batch_begin(self, batch, logs=None):
            self.start = time.perf_counter()

        def on_train_batch_end(self, batch, logs=None):
            self.times.append(time.perf_counter() - self.start)

    timer = Steps()
    model.fit(X, Y, batch_size=batch, epochs=1, shuffle=False, verbose=0, callbacks=[timer])
    return {"variables_first": variables_first, "create_variables_s": before, "step_s": timer.times}


# (b), (c) time to accuracy -------------------------------------------------------------------------------------

class Clock(keras.callbacks.Callback):
    """Times every epoch; after each, optionally measures the test accuracy with the clock stopped."""

    def __init__(self, measure, stop_at=None):
        super().__init__()
        self.measure, self.stop_at = measure, stop_at
        self.epoch_s, self.accuracy, self.measure_s, self.reached_s = [], [], [], None

    def on_train_begin(self, logs=None):
        self.start = self.epoch_start = time.perf_counter()
        self.paused = 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch_start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        now = time.perf_counter()
        self.epoch_s.append(now - self.epoch_start)
        if self.measure is None:
            return
        accuracy = self.measure(self.model, logs)
        measured = time.perf_counter() - now
        self.accuracy.append(accuracy)
        self.measure_s.append(measured)
        if self.reached_s is None and reaches(accuracy, TARGET):
            self.reached_s = now - self.start - self.paused + measured
            if self.stop_at == "target":
                self.model.stop_training = True
        self.paused += measured
        self.epoch_start = time.perf_counter()


def resnet50_time_to_accuracy(seed, signs, recipe=RESNET50_SIGNS, per_epoch=False):
    X_train, Y_train, X_test, Y_test = signs
    fresh_start()
    keras.utils.set_random_seed(seed)
    model = models.ResNet50(input_shape=(64, 64, 3), classes=6, seed=seed)
    recipe.compile(model, len(X_train))

    def measure(model, logs):
        recompute_batchnorm_statistics(model, X_train[:recipe.bn_images], batch_size=recipe.bn_batch_size)
        return float(model.evaluate(X_test, Y_test, verbose=0, return_dict=True)["accuracy"])

    clock = Clock(measure if per_epoch else None)
    start = time.perf_counter()
    recipe.fit(model, X_train, Y_train, seed=seed, verbose=0, callbacks=[clock])  # as notebook 07
    fit_returned = time.perf_counter()
    final = float(model.evaluate(X_test, Y_test, verbose=0, return_dict=True)["accuracy"])
    total_s = time.perf_counter() - start - clock.paused
    reached = [s for s in (clock.reached_s, total_s if reaches(final, TARGET) else None) if s is not None]
    steady = statistics.median(clock.epoch_s[1:])
    return {"seed": seed, "epochs": recipe.epochs, "epoch_s": [round(s, 2) for s in clock.epoch_s],
            "test_accuracy": [round(a, 4) for a in clock.accuracy], "final_accuracy": final,
            "time_to_95_s": min(reached) if reached else None, "recipe_total_s": total_s,
            "first_epoch_s": clock.epoch_s[0], "steady_epoch_s": steady,
            "first_epoch_overhead_s": clock.epoch_s[0] - steady, "fit_s": fit_returned - start - clock.paused,
            "final_measure_s": time.perf_counter() - fit_returned, "measure_s": [round(s, 2) for s in clock.measure_s]}


def train_happy_model(seed, X_train, Y_train, X_test, Y_test, epochs=HAPPY_FIT["epochs"], callbacks=()):
    """HappyModel from model seed ``seed``, trained as notebook 02 trains it (course.HAPPY_FIT) on images in 0-255
    and labels of shape (m, 1); returns (model, the test accuracy after each epoch)."""
    fresh_start()
    keras.utils.set_random_seed(seed)
    model = models.HappyModel(X_train.shape[1:])
    model.compile(optimizer=HAPPY_FIT["optimizer"], loss=HAPPY_FIT["loss"], metrics=["accuracy"])
    history = model.fit(X_train / 255., Y_train, batch_size=HAPPY_FIT["batch_size"], epochs=epochs,
                        validation_data=(X_test / 255., Y_test), callbacks=list(callbacks), verbose=0)
    return model, np.array(history.history["val_accuracy"])


def happy_time_to_accuracy(seed=0):
    X_train, Y_train, X_test, Y_test, _ = datasets.load_happy_dataset()
    # Notebook 02 passes validation_data: the test accuracy after each epoch is part of its fit, so it is timed.
    clock = Clock(lambda model, logs: float(logs["val_accuracy"]), stop_at="target")
    start = time.perf_counter()
    train_happy_model(seed, X_train, Y_train.T, X_test, Y_test.T, callbacks=[clock])
    return {"seed": seed, "time_to_95_s": clock.reached_s, "epochs_to_95": len(clock.accuracy)
            if clock.reached_s is not None else None, "test_accuracy": [round(a, 4) for a in clock.accuracy],
            "first_epoch_s": clock.epoch_s[0], "wall_s": time.perf_counter() - start}  # wall_s: model, compile, fit


def signs_data():
    X_train_orig, Y_train_orig, X_test_orig, Y_test_orig, _ = datasets.load_signs_dataset()
    return (X_train_orig / 255., datasets.convert_to_one_hot(Y_train_orig, 6).T,
            X_test_orig / 255., datasets.convert_to_one_hot(Y_test_orig, 6).T)


# ---------------------------------------------------------------------------------------------------------------

def fmt(value, digits=1):
    return "—" if value is None else f"{value:.{digits}f}"


def add_arguments(parser):
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="ResNet50 model seeds (0 1 2)")
    parser.add_argument("--repeats", type=int, default=5, help="interleaved throughput repeats (5)")
    parser.add_argument("--skip-time-to-accuracy", action="store_true", help="only (a) and (d)")
    parser.add_argument("--skip-throughput", action="store_true", help="leave out (a)")
    parser.add_argument("--per-epoch", action="store_true",
                        help="also measure ResNet50's test accuracy after every epoch (clock stopped meanwhile)")
    parser.add_argument("--recipe", nargs="+", default=[], metavar="FIELD=VALUE",
                        help="time another recipe: notebook 07's with these fields changed, e.g. epochs=6")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--backend", nargs="+", choices=["tensorflow", "jax", "torch"], default=None,
                        help="Keras backends to measure side by side, one process each (default: this one)")


def side_by_side(args):
    """Run the bench once per backend of --backend, each in its own process (a process has one Keras backend), and
    print their summaries side by side."""
    import subprocess

    from course.backends import environ

    rows = {}
    for backend in args.backend:
        output = args.output.with_name(f"results-{backend}.json")
        command = [sys.executable, "-m", "course", "bench", "--seeds", *map(str, args.seeds), "--repeats",
                   str(args.repeats), "--output", str(output), *(["--recipe", *args.recipe] if args.recipe else []),
                   *(["--skip-time-to-accuracy"] if args.skip_time_to_accuracy else []),
                   *(["--skip-throughput"] if args.skip_throughput else []),
                   *(["--per-epoch"] if args.per_epoch else [])]
        print(f"== {backend} ==", flush=True)
        subprocess.run(command, env=environ(backend), cwd=ROOT, check=True)
        rows[backend] = json.loads(output.read_text())
    print("\nside by side:")
    print(f"    {'backend':12} {'ResNet50 to 0.95 (s, per seed)':34} {'first-epoch overhead':>20} "
          f"{'later epoch':>11} {'train img/s':>11}")
    for backend, result in rows.items():
        runs = result.get("resnet50_signs", [])
        to_95 = " / ".join(fmt(run["time_to_95_s"]) for run in runs) or "-"
        overhead = fmt(statistics.median(run["first_epoch_overhead_s"] for run in runs)) if runs else "-"
        later = fmt(statistics.median(run["steady_epoch_s"] for run in runs)) if runs else "-"
        train = fmt(result["summary"]["train_img_s"])
        print(f"    {result['machine']['backend_title'] + ' ' + result['machine']['backend_version']:12} {to_95:34} "
              f"{overhead:>20} {later:>11} {train:>11}")
    return 0


def main(args):
    if args.backend and args.backend != [keras.backend.backend()]:
        return side_by_side(args)
    fields = {field.name: field.type for field in dataclasses.fields(RESNET50_SIGNS)}
    changes = {}
    for item in args.recipe:
        name, _, value = item.partition("=")
        if name not in fields:
            raise SystemExit(f"--recipe: no field {name!r}; the fields are {', '.join(fields)}")
        changes[name] = (None if value == "None" else value == "True" if fields[name] is bool
                         else int(value) if name in ("epochs", "batch_size", "bn_batch_size", "bn_images") else float(value))
    recipe = dataclasses.replace(RESNET50_SIGNS, **changes)

    results = {"machine": machine(), "recipe": dataclasses.asdict(recipe), "date": time.strftime("%Y-%m-%d %H:%M")}
    info = results["machine"]
    print(f"machine: {info['cpu']}, {info['cores']} cores, accelerators: {', '.join(info['gpus']) or 'none'}, "
          f"{info['backend_title']} {info['backend_version']}, Keras {keras.__version__}")
    peak = matmul_peak()
    results["matmul_peak_gflop_s"] = peak
    print(f"(d) float32 matmul peak: {peak:.0f} GFLOP/s")

    resnet_95 = happy_95 = overhead = None
    if not args.skip_time_to_accuracy:
        signs = signs_data()
        runs = []
        print(f"(b, c) ResNet50 on SIGNS, {'notebook 07' if recipe == RESNET50_SIGNS else 'another'} recipe: {recipe}")
        for seed in args.seeds:
            run = resnet50_time_to_accuracy(seed, signs, recipe, per_epoch=args.per_epoch)
            runs.append(run)
            by_epoch = f"test accuracy by epoch {run['test_accuracy']}; " if args.per_epoch else ""
            print(f"    seed {seed}: {by_epoch}time to {TARGET}: "
                  f"{fmt(run['time_to_95_s'])} s; recipe total {run['recipe_total_s']:.1f} s "
                  f"(final {run['final_accuracy']:.3f}); first epoch {run['first_epoch_s']:.1f} s, later "
                  f"{run['steady_epoch_s']:.1f} s (overhead {run['first_epoch_overhead_s']:.1f} s); fit {run['fit_s']:.1f} s, "
                  f"recomputing the statistics and evaluating {run['final_measure_s']:.1f} s")
        results["resnet50_signs"] = runs
        times = [run["time_to_95_s"] for run in runs]
        resnet_95 = None if None in times else max(times)
        overhead = statistics.median(run["first_epoch_overhead_s"] for run in runs)
        happy = happy_time_to_accuracy()
        results["happy"] = happy
        happy_95 = happy["time_to_95_s"]
        print(f"(c) HappyModel on Happy House, notebook 02's recipe: time to {TARGET}: {fmt(happy_95)} s "
              f"(epoch {happy['epochs_to_95']}, first epoch {happy['first_epoch_s']:.1f} s)")
    # Throughput after the training runs: those then start, as notebook 07 does, in a process that has built no
    # other model (after the throughput section, one fit spent 20 s more outside its epochs).
    results["throughput"] = {} if args.skip_throughput else throughput(args.repeats)
    if results["throughput"]:
        print(f"(a) ResNet50 at 64x64x3, batch 32, {args.repeats} interleaved repeats: images/s, median [min-max]")
        print(f"    {'model':30} {'train':>22} {'predict':>22} {'1st step s':>10} {'share of peak':>13}")
        for name, row in results["throughput"].items():
            train, predict = row["train_img_s"], row["predict_img_s"]
            row["train_share_of_peak"] = train["median"] * 3 * row["forward_gflop_per_image"] / peak
            print(f"    {name:30} {train['median']:8.1f} [{train['min']:5.1f}-{train['max']:5.1f}]"
                  f" {predict['median']:8.1f} [{predict['min']:5.1f}-{predict['max']:5.1f}]"
                  f" {row['first_train_step_s']:10.1f} {row['train_share_of_peak']:13.0%}")
        print("    (share of peak: training images/s x 3 x the forward pass's GFLOP per image / the matmul peak)")

    if not args.skip_throughput:
        steps = [fit_first_steps(variables_first=False), fit_first_steps(variables_first=True)]
        results["fit_first_steps"] = steps
        print("(b) fit's first steps on ResNet50 (batch 32), with Adam's and the metrics' variables created:")
        for row in steps:
            print(f"    {'beforehand (create_training_variables)' if row['variables_first'] else 'in the first step (default)':40}"
                  f" {row['create_variables_s']:4.1f} s before fit; steps "
                  + ", ".join(f"{s:.2f}" for s in row["step_s"]) + " s")
        breakdown = ([first_step_breakdown(optimise=True), first_step_breakdown(optimise=False)]
                     if keras.backend.backend() == "tensorflow" else [])
        results["first_step"] = breakdown
        if breakdown:
            print("(b) the first training step of ResNet50 (batch 32) as one tf.function, taken apart:")
        for row in breakdown:
            print(f"    Grappler {'on ' if row['grappler'] else 'off'}: tracing {row['trace_s']:.1f} s "
                  f"({row['graph_ops']:,} graph operations), first run {row['first_run_s']:.1f} s, "
                  f"a later run {row['later_run_s']:.2f} s")
    train_img_s = (results["throughput"]["helpers.models.ResNet50"]["train_img_s"]["median"]
                   if results["throughput"] else None)
    results["summary"] = {"resnet50_time_to_95_s": resnet_95, "happy_time_to_95_s": happy_95,
                          "first_epoch_overhead_s": overhead, "train_img_s": train_img_s}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"results: {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}"
          " (ResNet50's time to 0.95 is the slowest seed's)")
    print(f"bench: resnet50_time_to_95_s={fmt(resnet_95)} happy_time_to_95_s={fmt(happy_95)} "
          f"first_epoch_overhead_s={fmt(overhead)} train_img_s={fmt(train_img_s)}")
    return 0
