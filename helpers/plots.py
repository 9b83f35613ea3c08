"""Every picture the notebooks draw, with a description of what it shows, computed from its data, as its
text alternative; photos as JPEG, line plots and diagrams as PNG."""
import base64
import collections
import contextlib
import functools
import html
import io
import re
import subprocess
import warnings
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np

from helpers._fixes import PNG_SIGNATURE, GraphvizMissingError, broken_graphviz_fix, require_graphviz
from helpers.i18n import N_, _, language

METRICS = {"loss": N_("loss"), "accuracy": N_("accuracy")}
NETWORKS = {"plain": N_("plain networks"), "residual": N_("residual networks")}


def use_language_fonts(lang=None):
    """Let matplotlib draw the edition language's letters with the first installed font that has them."""
    lang = lang or language()
    return None if lang == "en" else _language_font(lang)


@functools.lru_cache(maxsize=None)
def _language_font(lang):
    from matplotlib import font_manager
    try:
        listed = subprocess.run(["fc-list", f":lang={lang.split('-')[0]}", "file"], capture_output=True, text=True,
                                timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        listed = ""
    files = sorted(line.split(":")[0].strip() for line in listed.splitlines() if line.strip().endswith(":"))
    plain = ("Bold", "Light", "Thin", "Italic", "Oblique", "Black", "Heavy", "Medium")
    files = sorted((f for f in files if f.endswith((".ttf", ".otf"))), key=lambda f: (any(w in f for w in plain), f))
    if not files:
        warnings.warn(_("No installed font has the letters of this language, so figures would show empty boxes "
                        "instead of them. Install a font for it (make lab does), then restart the kernel."),
                      stacklevel=3)
        return None
    font_manager.fontManager.addfont(files[0])
    name = font_manager.FontProperties(fname=files[0]).get_name()
    plt.rcParams["font.family"] = [plt.rcParams["font.family"][0], name]
    plt.rcParams["font.sans-serif"] = [*plt.rcParams["font.sans-serif"], name]
    return name


def _titled(fig, title, text):
    """Give ``fig`` its title (if any), lay it out, and attach ``text``, what it shows, as its text alternative."""
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.description = text
    return fig


def _own_words(fig):
    """A description made of a figure's own titles and axis labels, for a figure drawn without ``_titled``."""
    title = fig._suptitle.get_text() if fig._suptitle is not None else ""
    panels = ["; ".join(filter(None, (ax.get_title(), ax.get_xlabel() and _("x: {label}").format(
        label=ax.get_xlabel()), ax.get_ylabel() and _("y: {label}").format(label=ax.get_ylabel()))))
        for ax in fig.axes if ax.get_visible() and ax.has_data()]
    return _("Figure: {title} ({panels}).").format(title=title or _("untitled"),
                                                   panels=" | ".join(filter(None, panels)))


def _img(data, mime, text, width=None):
    size = f' width="{int(width)}"' if width else ""
    return f'<img src="data:{mime};base64,{data}" alt="{html.escape(text, quote=True)}"{size}/>', {"alt": text}


def figure_html(fig):
    """The HTML of a matplotlib figure for Jupyter: PNG (JPEG for photos), with its description as alt text."""
    from IPython.core.pylabtools import print_figure
    kind = getattr(fig, "image_format", "png")
    options = {"pil_kwargs": {"quality": 85}} if kind == "jpeg" else {}
    data = print_figure(fig, kind, bbox_inches="tight", base64=True, **options)
    return _img(data, f"image/{kind}", getattr(fig, "description", None) or _own_words(fig))


class Picture:
    """An image file (a diagram) with its description, shown as HTML with alt text."""

    def __init__(self, path, description, width=None):
        self.path, self.description, self.width = Path(path), description, width

    def _repr_html_(self):
        return _img(base64.b64encode(self.path.read_bytes()).decode("ascii"), "image/png", self.description,
                    self.width)

    def __repr__(self):
        return f"<picture {self.path.name}>"


def _show_as_html():
    """In IPython, show every matplotlib figure through ``figure_html`` instead of a bare PNG."""
    from helpers.session import ipython_shell
    shell = ipython_shell()
    if shell is None:
        return
    from matplotlib.figure import Figure
    # Jupyter's inline backend sets the figure formatters when it is loaded (on the first figure): load it first
    plt.switch_backend(matplotlib.get_backend())
    formatters = shell.display_formatter.formatters
    for kind in ("image/png", "image/jpeg", "image/svg+xml", "application/pdf"):
        formatters[kind].pop(Figure, None)
    formatters["text/html"].for_type(Figure, figure_html)


def _show_photos(fig):
    """In Jupyter, display a figure of photos as a JPEG and close it. Returns fig."""
    fig.image_format = "jpeg"
    if "inline" in matplotlib.get_backend():
        from IPython.display import display
        display(fig)
        plt.close(fig)
    return fig


def _check_png(path):
    """Raise GraphvizMissingError unless ``path`` holds a PNG; then shrink it to a palette of 64 colours."""
    from PIL import Image as PILImage
    if not path.exists() or path.read_bytes()[:8] != PNG_SIGNATURE:
        raise GraphvizMissingError(_("{path} holds no PNG diagram").format(path=path), broken_graphviz_fix())
    with PILImage.open(path) as opened:
        rgb = opened.convert("RGBA")
        flat = PILImage.new("RGB", rgb.size, (255, 255, 255))
        flat.paste(rgb, mask=rgb.getchannel("A"))
    flat.quantize(64, method=PILImage.Quantize.MEDIANCUT).save(path, optimize=True)


def show_model(model, to_file=None, show_shapes=True, show_layer_names=True, width=None, dpi=96, **kwargs):
    """Draw ``model`` as keras.utils.plot_model does (into ``to_file``, default output/<name>.png) and return
    the PNG with its description; GraphvizMissingError when pydot or Graphviz is missing."""
    import keras

    from helpers.session import output_path
    require_graphviz()
    to_file = Path(to_file) if to_file is not None else output_path(f"{model.name}.png")
    dot = keras.utils.model_to_dot(model, show_shapes=show_shapes, show_layer_names=show_layer_names, dpi=dpi,
                                   **kwargs)
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # pydot prints dot's error before raising it
            dot.write(str(to_file), format="png")
    except Exception as exc:  # pydot raises AssertionError when dot fails
        # Graphviz's router for right-angled edges (Keras' default splines="ortho") aborts on some graphs
        # ("maze.c: chkSgraph: Assertion failed", a Graphviz bug): draw those with polyline edges instead.
        if "chkSgraph" not in str(exc) and "returned code: -6" not in str(exc):
            raise
        dot.set("splines", "polyline")
        dot.write(str(to_file), format="png")
    _check_png(to_file)
    return Picture(to_file, model_description(model), width)


def _feeds(model):
    """{layer name: names of the layers whose outputs it receives}, read from a functional model's configuration."""
    def sources(node):
        if isinstance(node, dict):
            history = node.get("config", {}).get("keras_history") if isinstance(node.get("config"), dict) else None
            return [history[0]] if history else [name for value in node.values() for name in sources(value)]
        return [name for value in node for name in sources(value)] if isinstance(node, (list, tuple)) else []

    try:
        return {layer["name"]: sources(layer.get("inbound_nodes", [])) for layer in model.get_config()["layers"]}
    except (KeyError, TypeError, NotImplementedError):
        return {}


def model_description(model, most=16):
    """A model diagram in words: its layers in order (or counted by kind), and where two paths join."""
    layers, feeds = model.layers, _feeds(model)
    joins = [_("{name} joins {sources}").format(name=f"{type(layer).__name__} {layer.name}",
                                                  sources=" + ".join(feeds[layer.name]))
             for layer in layers if len(feeds.get(layer.name, [])) > 1]
    if len(layers) <= most:
        body = " → ".join(f"{type(layer).__name__} {layer.name}" for layer in layers)
    else:
        kinds = collections.Counter(type(layer).__name__ for layer in layers)
        body = ", ".join(f"{count} {kind}" for kind, count in kinds.items())
    ends = [getattr(model, side, None) for side in ("inputs", "outputs")]  # a subclassed model has neither
    text = _("Diagram of the model {name}, {count} layers from input {first} to output {last}: {layers}.").format(
        name=model.name, count=len(layers), first=_shape_text(ends[0][0].shape) if ends[0] else "?",
        last=_shape_text(ends[1][0].shape) if ends[1] else "?", layers=body)
    return text + (" " + _("Where paths join: {joins}.").format(joins="; ".join(joins)) if joins else "")


def _shape_text(shape):
    return " x ".join(str(d) for d in shape[1:])


def show_images(X, labels=None, class_names=None, n_rows=2, n_cols=8, title=None, size=1.4, indices=None):
    """Show images in a grid with their labels (``class_names[label]``), the first ones or ``indices``."""
    X = np.asarray(X)
    if indices is None:
        indices = np.arange(min(len(X), n_rows * n_cols))
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(size * n_cols, size * n_rows + (0.4 if title else 0)))
    for ax in np.ravel(axes):
        ax.axis("off")
    for ax, index in zip(np.ravel(axes), indices):
        ax.imshow(X[index])
        if labels is not None:
            label = np.ravel(labels)[index] if not isinstance(labels, (list, tuple)) else labels[index]
            ax.set_title(class_names[label] if class_names is not None else str(label), fontsize=9)
    shown = [ax.get_title() for ax, _index in zip(np.ravel(axes), indices)]
    described = (_("{title}: 1 image, labelled {labels}.") if len(indices) == 1
                 else _("{title}: {count} images, labelled {labels}."))
    return _show_photos(_titled(fig, title, described.format(
        title=title or _("Images"), count=len(indices), labels=", ".join(shown) if any(shown) else "-")))


def show_images_by_class(X, Y, classes, per_class=8, class_names=None, title=None, size=1.2):
    """Show ``per_class`` examples of every class, one row per class, with the count per class."""
    y = np.ravel(Y)
    fig, axes = plt.subplots(len(classes), per_class, figsize=(size * per_class, size * len(classes) + 0.5))
    names = {label: class_names[label] if class_names is not None else str(label) for label in classes}
    for row, label in enumerate(classes):
        chosen = np.flatnonzero(y == label)[:per_class]
        for col, ax in enumerate(axes[row]):
            ax.set(xticks=[], yticks=[])
            if col < len(chosen):
                ax.imshow(X[chosen[col]])
            else:
                ax.axis("off")
        axes[row, 0].set_ylabel(f"{names[label]}\n(n={int(np.sum(y == label))})", rotation=0, ha="right",
                                va="center", fontsize=9)
    rows = "; ".join(_("{name}: {count} images").format(name=str(names[label]).replace("\n", " "),
                                                         count=int(np.sum(y == label))) for label in classes)
    return _show_photos(_titled(fig, title, _("{title}: {per_class} examples of each class, one row per class "
                                              "({rows}).").format(title=title or _("Images by class"),
                                                                  per_class=per_class, rows=rows)))


def _epoch_axis(ax):
    """Label the x axis "epoch" and tick whole epochs only (no epoch 1.5), in steps of 1, 2 or 5 times a power of ten
    (0, 5, ..., 30 for 30 epochs); min_n_ticks=1 so that a single epoch gets the one tick 1, not 0.95, 0.975, ..."""
    ax.set_xlabel(_("epoch"))
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True, steps=[1, 2, 5, 10], min_n_ticks=1))


def plot_history(history, metrics=("loss", "accuracy"), title=None):
    """Plot training (and validation, if recorded) curves per epoch, one panel per metric."""
    logs = history.history if hasattr(history, "history") else history
    metrics = [m for m in metrics if m in logs]
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.5), squeeze=False)
    said = []
    for ax, metric in zip(axes[0], metrics):
        epochs = np.arange(1, len(logs[metric]) + 1)
        ax.plot(epochs, logs[metric], marker="o", markersize=4, linestyle="-", label=_("training"))
        if "val_" + metric in logs:
            ax.plot(epochs, logs["val_" + metric], marker="s", markersize=4, linestyle="--", label=_("test"))
        name = _(METRICS[metric]) if metric in METRICS else metric
        _epoch_axis(ax)
        ax.set(ylabel=name, title=_("{metric} per epoch").format(metric=name))
        ax.grid(alpha=0.3)
        ax.legend()
        said.append(_("{metric} on the training images goes from {first:.2f} to {last:.2f}").format(
            metric=name, first=logs[metric][0], last=logs[metric][-1]))
        if "val_" + metric in logs:
            said.append(_("on the test images from {first:.2f} to {last:.2f}").format(
                first=logs["val_" + metric][0], last=logs["val_" + metric][-1]))
    title = title or _("Learning curves")
    return _titled(fig, title, _("{title}, over {epochs} epochs: {curves}.").format(
        title=title, epochs=len(logs[metrics[0]]) if metrics else 0, curves="; ".join(said)))


def _one_image(image):
    """A batch of one image or one image -> the image (n_H, n_W, 3); ValueError for any other shape."""
    image = np.asarray(image)
    if image.ndim == 4 and image.shape[0] == 1:
        image = image[0]
    if image.ndim != 3 or image.shape[-1] != 3:
        raise ValueError(_("image must have shape (1, n_H, n_W, 3) or (n_H, n_W, 3), got {shape}.").format(
            shape=image.shape))
    return image


def _image_beside(image, caption, figsize, width_ratios):
    """A figure of two panels: ``image`` on the left under ``caption``; returns (fig, the right panel's axes)."""
    fig, (left, right) = plt.subplots(1, 2, figsize=figsize, gridspec_kw={"width_ratios": width_ratios})
    left.imshow(image)
    left.set_title(caption or _("input ({height}x{width})").format(height=image.shape[0], width=image.shape[1]),
                   fontsize=10)
    left.axis("off")
    return fig, right


def show_prediction(image, probability, class_names=None, threshold=0.5, title=None):
    """Show one image beside the model's predicted probability of class 1, as a bar from 0 to 1."""
    image = _one_image(image)
    values = np.ravel(probability)
    if values.size != 1 or not 0.0 <= float(values[0]) <= 1.0:
        raise ValueError(_("probability must be one number in [0, 1] (a sigmoid output), got {probability!r}.")
                         .format(probability=probability))
    p = float(values[0])
    class_names = class_names or (_("not smiling"), _("smiling"))
    decision = class_names[1] if p >= threshold else class_names[0]
    fig, right = _image_beside(image, None, (7.5, 3.2), [1, 1.6])
    right.barh([0], [p], height=0.6, color="tab:green" if p >= threshold else "tab:red")
    right.axvline(threshold, color="black", linestyle="--", linewidth=1)
    right.text(threshold, 0.72, " " + _("threshold {threshold:g}").format(threshold=threshold), fontsize=8,
               va="center")
    right.set(xlim=(0, 1), ylim=(-1, 1), yticks=[], xlabel=_("predicted probability of '{name}'").format(
        name=class_names[1]))
    right.set_title(f"p = {p:.2f}: {decision}", fontsize=10)
    title = title or _("The model's prediction")
    return _titled(fig, title, _("{title}: the image the model saw, and its predicted probability of '{name}', "
                                 "{p:.2f}, read as '{decision}' (threshold {threshold:g}).").format(
        title=title, name=class_names[1], p=p, decision=decision, threshold=threshold))


def plot_activation_histograms(activations, title, n_cols=5, bins=50, value_range=(0.0, 1.0)):
    """One histogram per layer's activations, in depth order, titled with its middle 98%."""
    n_rows = int(np.ceil(len(activations) / n_cols))
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(2.3 * n_cols, 1.7 * n_rows + 0.8), sharex=True)
    for ax in np.ravel(axes)[len(activations):]:
        ax.axis("off")
    ranges = []
    for index, (ax, values) in enumerate(zip(np.ravel(axes), activations)):
        values = np.ravel(np.asarray(values))
        low, high = np.percentile(values, [1, 99])
        ranges.append(f"{index + 1}: {low:.2f}-{high:.2f}")
        ax.hist(values, bins=bins, range=value_range, color="tab:blue")
        ax.axvspan(low, high, color="tab:orange", alpha=0.15)
        ax.set_title(_("layer {number}: {low:.2f}-{high:.2f}").format(number=index + 1, low=low, high=high),
                     fontsize=9)
        ax.set(yticks=[], xlim=value_range)
    fig.supxlabel(_("activation value (shaded: 1st to 99th percentile)"))
    fig.supylabel(_("count"))
    return _titled(fig, title, _("{title}: a histogram of the activations of each of {count} layers; 98% of each "
                                 "layer's values lie in (layer: range) {ranges}.").format(
        title=title, count=len(activations), ranges=", ".join(ranges)))


# Lines told apart by more than colour: a colour-blind-safe palette, each with a marker and a line style
LINE_STYLES = [dict(color=colour, marker=marker, linestyle=style) for colour, marker, style in zip(
    ["#006BA4", "#FF800E", "#595959", "#ABABAB", "#5F9ED1", "#C85200", "#898989", "#A2C8EC", "#FFBC79", "#CFCFCF"],
    "osD^vP*Xph", ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)), "-", "--", "-.", ":"])]


def plot_per_epoch(curves, ylabel, title):
    """Line plots of one number per epoch, one line per case, in one panel: {case: values}. Its description
    gives every value, so a reader who cannot see the lines gets all of them."""
    fig, ax = plt.subplots(figsize=(7.0, 3.8))
    said = []
    for (name, values), style in zip(curves.items(), LINE_STYLES):
        values = np.asarray(values, dtype=float)
        ax.plot(np.arange(1, len(values) + 1), values, label=name, markersize=5, linewidth=1.5, **style)
        said.append(f"{name}: " + ", ".join(f"{value:.2f}" for value in values))
    _epoch_axis(ax)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    return _titled(fig, title, _("{title}, one value per epoch over {epochs} epochs: {curves}.").format(
        title=title, epochs=max(len(values) for values in curves.values()), curves="; ".join(said)))


def plot_layer_norms(panels, title, xlabel=None):
    """Log-scale line plots of one number per layer, one panel per quantity: {title: (y label, {case:
    values})}; each case keeps its ``LINE_STYLES`` entry across panels."""
    fig, axes = plt.subplots(1, len(panels), figsize=(6.2 * len(panels), 4.4), squeeze=False)
    styles, said = {}, []
    for ax, (panel_title, (ylabel, cases)) in zip(axes[0], panels.items()):
        for name, values in cases.items():
            values = np.asarray(values, dtype=float)
            style = styles.setdefault(name, LINE_STYLES[len(styles) % len(LINE_STYLES)])
            ax.semilogy(np.arange(1, len(values) + 1), values, label=name, markersize=4, linewidth=1.3, **style)
        ax.set(xlabel=xlabel or _("layer (1 = nearest the input)"), ylabel=ylabel, title=panel_title)
        ax.grid(alpha=0.3, which="both")
        lines = "; ".join(_("{case} from {first:.1e} at layer 1 to {last:.1e} at layer {layers}").format(
            case=name, first=float(np.asarray(values)[0]), last=float(np.asarray(values)[-1]), layers=len(values))
            for name, values in cases.items())
        said.append(_("{panel} ({label}, log scale): {lines}").format(panel=panel_title, label=ylabel, lines=lines))
    axes[0][-1].legend(fontsize=8, loc="best")
    return _titled(fig, title, f"{title}. " + ". ".join(said) + ".")


def plot_degradation(losses, title):
    """Training loss per epoch of plain (left) and residual (right) networks, He et al. 2016's figure 4:
    losses is {(kind, depth): losses, or {seed: losses}}."""
    runs_of = {key: runs if isinstance(runs, dict) else {None: runs} for key, runs in losses.items()}
    depths = sorted({depth for _, depth in losses})
    colours = {depth: plt.cm.viridis(i / max(1, len(depths) - 1) * 0.85) for i, depth in enumerate(depths)}
    markers, styles = "os^Dv", ["-", "--", "-.", ":"]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    for ax, kind in zip(axes, ("plain", "residual")):
        for index, depth in enumerate(depths):
            runs = runs_of.get((kind, depth), {})
            for number, values in enumerate(runs.values()):
                seeds = " " + _("({count} seeds)").format(count=len(runs)) if len(runs) > 1 else ""
                ax.plot(np.arange(1, len(values) + 1), values, color=colours[depth], marker=markers[index % 5],
                        linestyle=styles[index % 4], linewidth=1.2, markersize=4,
                        label=None if number else f"{kind}-{depth}{seeds}")
        ax.set(xlabel=_("epoch"), title=_(NETWORKS[kind]))
        ax.grid(alpha=0.3)
        ax.legend()
    axes[0].set_ylabel(_("training loss (cross-entropy)"))
    ends = "; ".join(_("{network} ends at {losses}").format(
        network=f"{kind}-{depth}", losses=", ".join(f"{values[-1]:.2f}" for values in runs_of[kind, depth].values()))
        for kind, depth in sorted(losses))
    return _titled(fig, title, _("{title}: the training loss per epoch of the plain networks (left) and the residual "
                                 "networks (right); {ends}.").format(title=title, ends=ends))


def show_image_rows(rows, title, size=1.5):
    """Show images in rows, {row label: images}, each image stretched on its own to the full range."""
    labels = list(rows)
    n = len(rows[labels[0]])
    fig, axes = plt.subplots(len(labels), n, figsize=(size * n + 1.2, size * len(labels) + 0.5), squeeze=False)
    for row, label in enumerate(labels):
        for col, ax in enumerate(axes[row]):
            image = np.asarray(rows[label][col], dtype=float)
            ax.imshow((image - image.min()) / max(image.max() - image.min(), 1e-12))
            ax.set(xticks=[], yticks=[])
        axes[row, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
    return _show_photos(_titled(fig, title, _("{title}: {count} images in each of {n_rows} rows: {rows}.").format(
        title=title, count=n, n_rows=len(labels), rows="; ".join(str(label).replace("\n", " ") for label in labels))))


def plot_histograms_with_theory(samples, densities, title, xlabel=None, bins=80):
    """Histograms of drawn values (as densities) with a theoretical density curve on top."""
    fig, axes = plt.subplots(1, len(samples), figsize=(5.2 * len(samples), 3.6), sharex=True, squeeze=False)
    for ax, (name, values) in zip(axes[0], samples.items()):
        values = np.ravel(np.asarray(values))
        ax.hist(values, bins=bins, density=True, color="tab:blue", alpha=0.6, label=_("drawn"))
        x = np.linspace(values.min() * 1.15, values.max() * 1.15, 400)
        ax.plot(x, densities[name](x), color="black", linewidth=1.5, label=_("theory"))
        ax.set(title=name, xlabel=xlabel or _("weight value"), ylabel=_("density"))
        ax.legend(fontsize=8)
    panels = "; ".join(_("{name}: values from {low:.3f} to {high:.3f}, standard deviation {std:.3f}").format(
        name=name, low=float(np.min(values)), high=float(np.max(values)), std=float(np.std(values)))
        for name, values in samples.items())
    return _titled(fig, title, _("{title}: histograms of the drawn values with the theoretical density over them; "
                                 "{panels}.").format(title=title, panels=panels))


def plot_confusion_matrix(true, predicted, class_names, title=None, xlabel=None, ylabel=None):
    """Draw how often each true class (row) was predicted as each class (column): ``fig.confusion``."""
    true, predicted = np.ravel(true).astype(int), np.ravel(predicted).astype(int)
    if true.shape != predicted.shape:
        raise ValueError(_("true and predicted must hold one label per example: got {true} and {predicted}.").format(
            true=true.size, predicted=predicted.size))
    n = len(class_names)
    confusion = np.zeros((n, n), dtype=int)
    np.add.at(confusion, (true, predicted), 1)
    fig, ax = plt.subplots(figsize=(1.0 + 0.6 * n, 0.6 + 0.6 * n))
    image = ax.imshow(confusion, cmap="Blues")
    for t in range(n):
        for p in range(n):
            ax.text(p, t, confusion[t, p], ha="center", va="center",
                    color="white" if confusion[t, p] > confusion.max() / 2 else "black")
    ax.set_xticks(range(n), class_names)
    ax.set_yticks(range(n), class_names)
    ax.set(xlabel=xlabel or _("predicted class"), ylabel=ylabel or _("true class"))
    title = title or _("Confusion matrix")
    ax.set_title(_("{title}, {count} images").format(title=title, count=true.size), fontsize=10)
    fig.colorbar(image, ax=ax, label=_("number of images"))
    fig.confusion = confusion
    mistakes = "; ".join(_("true {true} predicted as {predicted}: {count}").format(
        true=class_names[t], predicted=class_names[q], count=confusion[t, q])
        for t in range(n) for q in range(n) if t != q and confusion[t, q])
    return _titled(fig, None, _("{title}, {count} images: {correct} on the diagonal, predicted right; mistakes: "
                                "{mistakes}.").format(title=title, count=true.size, correct=int(np.trace(confusion)),
                                                      mistakes=mistakes or _("none")))


def show_class_probabilities(image, probabilities, class_names, title, xlabel=None, caption=None):
    """Show one image beside the model's predicted probability of every class, as bars."""
    image = _one_image(image)
    probabilities = np.ravel(probabilities)
    if probabilities.size != len(class_names):
        raise ValueError(_("probabilities has {count} values for {classes} classes.").format(
            count=probabilities.size, classes=len(class_names)))
    fig, right = _image_beside(image, caption, (8, 3), [1, 1.8])
    right.bar(range(probabilities.size), probabilities, color="tab:blue")
    right.set_xticks(range(probabilities.size), class_names)
    right.set(ylim=(0, 1), xlabel=xlabel or _("class"), ylabel=_("predicted probability"))
    best = int(np.argmax(probabilities))
    right.set_title(_("prediction: {name} (p = {p:.2f})").format(name=class_names[best], p=probabilities[best]),
                    fontsize=10)
    return _titled(fig, title, _("{title}: the image the model saw, and its predicted probability of each class "
                                 "({values}); the highest is {name}.").format(
        title=title, name=class_names[best],
        values=", ".join(f"{name}: {value:.2f}" for name, value in zip(class_names, probabilities))))


def plot_learning_rate(schedule, n_steps, title):
    """The learning rate a Keras schedule gives at each training step, from step 0 to ``n_steps``."""
    steps = np.arange(n_steps + 1)
    fig, ax = plt.subplots(figsize=(6, 2.4))
    ax.plot(steps, [float(schedule(step)) for step in steps])
    ax.set(xlabel=_("training step"), ylabel=_("learning rate"), title=title)
    ax.grid(alpha=0.3)
    first, middle, last = (float(schedule(step)) for step in (0, n_steps // 2, n_steps))
    return _titled(fig, None, _("{title}: the learning rate at each of {steps} training steps: {first:g} at the "
                                "first, {middle:g} half-way, {last:g} at the last.").format(
        title=title, steps=n_steps, first=first, middle=middle, last=last))


def block_overview(model):
    """A ResNet's parts in order, as dicts: "name" ("stage 1", "block 2a", "output"), "kind" ("stem",
    "convolutional", "identity", "head"), "layers" and "output_shape"; a ReLU or Add belongs to the block before."""
    parts = [{"name": "stage 1", "kind": "stem", "layers": []}]
    for layer in model.layers:
        match = re.fullmatch(r"(?:res|bn)(\d)([a-z])_branch\w+", layer.name)  # res3b_branch2a -> block 3b
        if layer.name == "avg_pool":
            parts.append({"name": "output", "kind": "head", "layers": []})
        elif match and parts[-1]["name"] != f"block {match[1]}{match[2]}":
            parts.append({"name": f"block {match[1]}{match[2]}", "kind": "identity", "layers": []})
        parts[-1]["layers"].append(layer.name)
        parts[-1]["output_shape"] = tuple(layer.output.shape)
        if layer.name.endswith("_branch1"):
            parts[-1]["kind"] = "convolutional"
    return parts


def block_overview_graph(model, dpi=80):
    """The pydot graph ``show_block_overview`` draws: one box per part, each joined to the next."""
    import pydot
    parts = block_overview(model)
    if len(parts) < 3:
        raise ValueError(_("Model {name!r} has no layers named like the course's ResNet blocks (res2a_branch2a, "
                           "bn2a_branch2a, ...): give the blocks stage= and block=.").format(name=model.name))
    graph = pydot.Dot(graph_type="digraph", rankdir="TB", dpi=dpi, nodesep="0.2", ranksep="0.15")
    graph.set_node_defaults(shape="box", style="rounded,filled", fontname="Helvetica", fontsize="11",
                            fillcolor="white", width="4.2", height="0.3")
    graph.add_node(pydot.Node("input", label=_("input") + f"  {_shape_text(model.inputs[0].shape)}",
                              fillcolor="#e8e8e8"))
    previous = "input"
    for index, part in enumerate(parts):
        n_weighted = sum(1 for name in part["layers"] if model.get_layer(name).count_params())
        shape, colour = _shape_text(part["output_shape"]), "#e8e8e8"
        if part["kind"] == "stem":
            label = _("stage 1") + f": conv1, bn_conv1, ReLU, max-pool  ->  {shape}"
        elif part["kind"] == "head":
            label = f"{', '.join(part['layers'])}  ->  {shape}"
        else:
            block, convolutional = part["name"].split()[-1], part["kind"] == "convolutional"
            filters = [model.get_layer(f"res{block}_branch2{c}").filters for c in "abc"]
            stride = model.get_layer(f"res{block}_branch2a").strides[0]
            kind = _("convolutional block") if convolutional else _("identity block")
            label = (_("block {block}").format(block=block) + f": {kind} {filters}"
                     + (f", s={stride}" if convolutional else "") + f"  ->  {shape}")
            colour = "#fdd9a8" if convolutional else "white"
        graph.add_node(pydot.Node(f"part{index}", label=label, fillcolor=colour,
                                  tooltip=_("{count} layers with weights").format(count=n_weighted)))
        graph.add_edge(pydot.Edge(previous, f"part{index}", arrowsize="0.6"))
        previous = f"part{index}"
    return graph


def show_block_overview(model, to_file=None, width=None, dpi=80):
    """Draw a ResNet with the course's layer names one box per part, with its output shape; a Picture."""
    from helpers.session import output_path
    require_graphviz()
    graph = block_overview_graph(model, dpi=dpi)
    to_file = Path(to_file) if to_file is not None else output_path(f"{model.name}_overview.png")
    to_file.write_bytes(graph.create_png())
    _check_png(to_file)
    parts = "; ".join(str(node.get_label()).strip("\"") for node in graph.get_nodes()
                      if node.get_name() not in ("node", "edge"))
    return Picture(to_file, _("Map of {name}, one box per part, in order, each with its output shape: {parts}.")
                   .format(name=model.name, parts=parts), width)


use_language_fonts()  # a translated edition's figures draw its letters from the start
_show_as_html()  # figures carry their descriptions from the first one on
