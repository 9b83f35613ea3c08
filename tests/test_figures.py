"""Every figure a notebook shows, tested through its data: nbval compares text, never images, so a figure that
went blank or changed would otherwise pass.

- Model diagrams: the boxes and arrows of plot_model's graph (keras.utils.model_to_dot, which
  helpers.plots.show_model draws) against the model's layers and connections, read from the model's own
  configuration (course.diagrams.check_diagram); a skip connection must be an arrow.
- Matplotlib figures of helpers.plots: the plotted values, the axis labels and the titles.
- The inventory: every notebook cell that stores an image calls one of the functions tested here.
"""
import json
import re
from pathlib import Path

import keras
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from course import diagrams, lessons
from course.languages import languages
from helpers import models, plots

matplotlib.use("Agg")
ROOT = Path(__file__).resolve().parent.parent

# The functions that draw the notebooks' figures, each tested below.
FIGURE_FUNCTIONS = {"show_model", "model_to_dot", "show_block_overview", "show_images", "show_images_by_class",
                    "plot_history", "show_prediction", "plot_activation_histograms", "plot_layer_norms",
                    "plot_degradation", "show_image_rows", "plot_histograms_with_theory", "plot_confusion_matrix",
                    "show_class_probabilities", "plot_learning_rate", "plot_per_epoch"}


IMG = re.compile(r'<img src="data:(image/[a-z+]+);base64,[^"]*" alt="([^"]*)"')


def figure_cells():
    for path in lessons():
        for cell in json.loads(path.read_text())["cells"]:
            images = [output for output in cell.get("outputs", [])
                      if any(kind.startswith("image/") for kind in output.get("data", {}))
                      or IMG.search("".join(output.get("data", {}).get("text/html", "")))]
            if images:
                yield path.name, cell.get("id"), "".join(cell["source"])


def stored_pictures():
    """(notebook, cell id, output) of every output with a picture, in every lesson of every edition."""
    for path in lessons() + [path for language in languages() for path in lessons(ROOT / language / "notebooks")]:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if any(kind.startswith("image/") for kind in data) or "<img" in "".join(data.get("text/html", "")):
                    yield path.relative_to(ROOT), cell.get("id"), output


def test_every_stored_figure_has_a_description_of_what_it_shows():
    """A screen reader reads a figure's alt text: every picture a lesson stores is an <img> with a description made
    from its data (not a file name, not "Figure 1"), in the output's metadata too."""
    found = list(stored_pictures())
    assert len(found) >= 25
    for where, cell_id, output in found:
        data = output["data"]
        assert not any(kind.startswith("image/") for kind in data), f"{where} {cell_id}: a picture without a description"
        html = "".join(data["text/html"])
        match = IMG.search(html)
        assert match, f"{where} {cell_id}: {html[:200]}"
        alt = match.group(2)
        assert len(alt.split()) >= 8 and not re.search(r"\.(png|jpe?g)\b|^Figure \d", alt), f"{where} {cell_id}: {alt}"
        assert output["metadata"]["text/html"]["alt"] == __import__("html").unescape(alt)


def test_every_figure_in_the_notebooks_comes_from_a_tested_function():
    cells = list(figure_cells())
    assert len(cells) >= 25
    for notebook, cell_id, source in cells:
        called = set(re.findall(r"\b([a-z_]+)\(", source)) & FIGURE_FUNCTIONS
        assert called, f"{notebook} cell {cell_id} shows a figure that no tested function draws:\n{source}"


# ---- model diagrams ----------------------------------------------------------------------------------------------

def block_model(kind):
    X_input = keras.Input((8, 8, 16), name="block_input")
    if kind == "identity":
        X = models.identity_block(X_input, 3, [4, 4, 16], stage=2, block="a")
    else:
        X = models.convolutional_block(X_input, 3, [4, 4, 32], s=2, stage=3, block="a")
    return keras.Model(X_input, X, name=f"{kind}_block")


def test_the_identity_blocks_diagram_has_its_skip_connection(tmp_path):
    model = block_model("identity")
    dot = keras.utils.model_to_dot(model, show_shapes=True)
    names, edges = diagrams.diagram_connections(dot, model)
    assert names == {layer.name for layer in model.layers}
    add = next(layer.name for layer in model.layers if isinstance(layer, keras.layers.Add))
    assert ("block_input", add) in edges, "the shortcut: the block's input goes straight to the addition"
    assert ("block_input", "res2a_branch2a") in edges and ("bn2a_branch2c", add) in edges
    assert diagrams.check_diagram(dot, model) == len(model.layers) - 1 + 1  # a chain, plus the shortcut
    image = plots.show_model(model, to_file=tmp_path / "identity.png")
    assert image.path.read_bytes()[:8] == plots.PNG_SIGNATURE


def test_the_convolutional_blocks_diagram_has_its_projection_shortcut():
    model = block_model("convolutional")
    _, edges = diagrams.diagram_connections(keras.utils.model_to_dot(model), model)
    add = next(layer.name for layer in model.layers if isinstance(layer, keras.layers.Add))
    assert {("block_input", "res3a_branch1"), ("res3a_branch1", "bn3a_branch1"), ("bn3a_branch1", add),
            ("block_input", "res3a_branch2a"), ("bn3a_branch2c", add)} <= edges


def test_resnet50s_diagram_is_the_model():
    model = models.ResNet50()
    n_edges = diagrams.check_diagram(keras.utils.model_to_dot(model), model)
    n_adds = sum(isinstance(layer, keras.layers.Add) for layer in model.layers)
    assert n_adds == 16 and n_edges == len(model.layers) - 1 + n_adds


def test_a_diagram_that_lost_an_arrow_or_gained_a_box_is_refused():
    model = block_model("identity")
    dot = keras.utils.model_to_dot(model)
    add = model.get_layer(next(layer.name for layer in model.layers if isinstance(layer, keras.layers.Add)))
    dot.del_edge(str(id(model.get_layer("block_input"))), str(id(add)))
    with pytest.raises(diagrams.DiagramError, match=r"arrows missing: \[\('block_input', 'add"):
        diagrams.check_diagram(dot, model)
    dot = keras.utils.model_to_dot(model)
    dot.add_node(__import__("pydot").Node("stray"))
    with pytest.raises(diagrams.DiagramError, match=r"boxes that are no layer: \['\?stray'\]"):
        diagrams.check_diagram(dot, model)


def test_show_model_draws_plot_models_graph_which_holds_every_connection(tmp_path, monkeypatch):
    model = block_model("identity")
    real, drawn = keras.utils.model_to_dot, []

    def recorded(*args, **kwargs):
        drawn.append(real(*args, **kwargs))
        return drawn[-1]

    monkeypatch.setattr(keras.utils, "model_to_dot", recorded)
    plots.show_model(model, to_file=tmp_path / "block.png")
    assert len(drawn) == 1 and (tmp_path / "block.png").read_bytes()[:8] == plots.PNG_SIGNATURE
    assert diagrams.check_diagram(drawn[0], model) == len(model.layers) - 1 + 1  # a chain, plus the shortcut


def test_sequential_and_subclassed_models():
    sequential = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="d1"), keras.layers.Dense(1, name="d2")])
    assert diagrams.model_connections(sequential) == ({"d1", "d2"}, {("d1", "d2")})
    assert diagrams.check_diagram(keras.utils.model_to_dot(sequential), sequential) == 1

    class Small(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.first, self.second = keras.layers.Dense(3, name="s1"), keras.layers.Dense(1, name="s2")

        def call(self, x):
            return self.second(self.first(x))

    small = Small(name="small")
    small(np.zeros((1, 4)))
    assert diagrams.model_connections(small) == ({"small"}, set())  # no graph to read: drawn as one box
    assert diagrams.check_diagram(keras.utils.model_to_dot(small), small) == 0


def test_block_overview_graph_has_a_box_per_block_in_order():
    model = models.ResNet50()
    graph = plots.block_overview_graph(model)
    nodes = [node for node in graph.get_nodes() if node.get_name() not in ("node", "edge", "graph")]
    labels = [node.get("label") for node in nodes]
    assert len(nodes) == 1 + 1 + 16 + 1  # input, stem, 16 blocks, head
    assert labels[0].strip('"').startswith("input  64 x 64 x 3")
    orange = [label for node, label in zip(nodes, labels) if node.get("fillcolor") == "#fdd9a8"]
    assert len(orange) == 4 and all("convolutional block" in label for label in orange)
    assert [label.strip('"').split(":")[0] for label in labels[2:6]] == ["block 2a", "block 2b", "block 2c",
                                                                        "block 3a"]
    assert labels[-1].strip('"').endswith("->  6")
    chain = [(edge.get_source(), edge.get_destination()) for edge in graph.get_edges()]
    order = [node.get_name() for node in nodes]
    assert chain == list(zip(order, order[1:]))


# ---- matplotlib figures ------------------------------------------------------------------------------------------

def texts(fig):
    return {"suptitle": fig._suptitle.get_text() if fig._suptitle else None,
            "titles": [ax.get_title() for ax in fig.axes], "xlabels": [ax.get_xlabel() for ax in fig.axes],
            "ylabels": [ax.get_ylabel() for ax in fig.axes]}


def shown_images(fig):
    return [ax.get_images()[0].get_array() for ax in fig.axes if ax.get_images()]


def test_plot_history_plots_every_value_with_its_labels():
    logs = {"loss": [0.9, 0.5, 0.3], "accuracy": [0.5, 0.8, 0.9], "val_loss": [1.0, 0.6, 0.4],
            "val_accuracy": [0.4, 0.7, 0.85]}
    fig = plots.plot_history(logs, title="curves")
    t = texts(fig)
    assert t["suptitle"] == "curves" and t["titles"] == ["loss per epoch", "accuracy per epoch"]
    assert t["xlabels"] == ["epoch", "epoch"] and t["ylabels"] == ["loss", "accuracy"]
    for ax, metric in zip(fig.axes, ("loss", "accuracy")):
        training, test = ax.get_lines()
        assert list(training.get_xdata()) == [1, 2, 3]
        np.testing.assert_array_equal(training.get_ydata(), logs[metric])
        np.testing.assert_array_equal(test.get_ydata(), logs["val_" + metric])
        assert [text.get_text() for text in ax.get_legend().get_texts()] == ["training", "test"]


def test_show_images_shows_the_chosen_images_with_their_labels():
    rng = np.random.default_rng(0)
    X = rng.integers(0, 256, (6, 4, 4, 3), dtype=np.uint8)
    fig = plots.show_images(X, np.array([[0, 1, 0, 1, 1, 0]]), class_names={0: "no", 1: "yes"}, n_rows=1,
                            n_cols=3, indices=[5, 1, 3], title="grid")
    images = shown_images(fig)
    assert len(images) == 3
    for image, index in zip(images, [5, 1, 3]):
        np.testing.assert_array_equal(image, X[index])
    assert texts(fig)["titles"] == ["no", "yes", "yes"] and texts(fig)["suptitle"] == "grid"


def test_show_images_by_class_puts_each_class_on_its_row_with_its_count():
    X = np.stack([np.full((4, 4, 3), value, np.uint8) for value in range(7)])
    Y = np.array([[0, 1, 0, 2, 1, 0, 2]])
    fig = plots.show_images_by_class(X, Y, classes=[0, 1, 2], per_class=3, class_names={0: "a", 1: "b", 2: "c"})
    rows = np.reshape(fig.axes, (3, 3))
    assert [row[0].get_ylabel() for row in rows] == ["a\n(n=3)", "b\n(n=2)", "c\n(n=2)"]
    for row, label in zip(rows, [0, 1, 2]):
        shown = [int(ax.get_images()[0].get_array()[0, 0, 0]) for ax in row if ax.get_images()]
        assert shown == list(np.flatnonzero(Y[0] == label)), "each class's own images, in order"


def test_show_prediction_draws_the_probability_and_the_decision():
    fig = plots.show_prediction(np.zeros((1, 8, 8, 3)), np.array([[0.73]]), title="mine")
    left, right = fig.axes
    (bar,) = right.patches
    assert bar.get_width() == pytest.approx(0.73)
    assert right.get_title() == "p = 0.73: smiling" and right.get_xlabel() == "predicted probability of 'smiling'"
    assert left.get_title() == "input (8x8)" and texts(fig)["suptitle"] == "mine"
    assert right.get_lines()[0].get_xdata()[0] == 0.5, "the threshold line"


def test_show_class_probabilities_draws_one_bar_per_class():
    probabilities = np.array([0.1, 0.6, 0.3])
    fig = plots.show_class_probabilities(np.zeros((8, 8, 3)), probabilities, ["0", "1", "2"], title="t",
                                         caption="hand.png")
    left, right = fig.axes
    np.testing.assert_allclose([bar.get_height() for bar in right.patches], probabilities)
    assert [tick.get_text() for tick in right.get_xticklabels()] == ["0", "1", "2"]
    assert right.get_title() == "prediction: 1 (p = 0.60)" and left.get_title() == "hand.png"
    assert right.get_ylabel() == "predicted probability"


def test_plot_confusion_matrix_shows_the_counts():
    fig = plots.plot_confusion_matrix([0, 1, 2, 2, 1, 0], [0, 2, 2, 2, 1, 1], class_names=["a", "b", "c"])
    expected = np.array([[1, 1, 0], [0, 1, 1], [0, 0, 2]])
    np.testing.assert_array_equal(fig.confusion, expected)
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.get_images()[0].get_array(), expected)
    numbers = {(round(text.get_position()[1]), round(text.get_position()[0])): text.get_text() for text in ax.texts}
    assert numbers == {(t, p): str(expected[t, p]) for t in range(3) for p in range(3)}
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"


def test_plot_activation_histograms_bins_each_layer():
    rng = np.random.default_rng(0)
    layers = [rng.uniform(0, 1, 500) ** (k + 1) for k in range(3)]
    fig = plots.plot_activation_histograms(layers, title="sigmoid", n_cols=2, bins=10)
    for k, ax in enumerate(fig.axes[:3]):
        heights = [patch.get_height() for patch in ax.patches if isinstance(patch, matplotlib.patches.Rectangle)]
        counts, _ = np.histogram(layers[k], bins=10, range=(0, 1))
        np.testing.assert_array_equal(heights[:10], counts)
        low, high = np.percentile(layers[k], [1, 99])
        assert ax.get_title() == f"layer {k + 1}: {low:.2f}-{high:.2f}"
    assert not fig.axes[3].axison, "the unused panel is hidden"


def test_plot_layer_norms_keeps_each_cases_values_and_colour():
    panels = {"gradients": ("norm", {"plain": [1.0, 0.1, 0.01], "residual": [1.0, 0.9, 0.8]}),
              "spread": ("std", {"plain": [0.5, 0.2, 0.1]})}
    fig = plots.plot_layer_norms(panels, title="norms")
    left, right = fig.axes[:2]
    assert left.get_yscale() == "log" and left.get_title() == "gradients" and right.get_ylabel() == "std"
    lines = {line.get_label(): line for line in left.get_lines()}
    np.testing.assert_array_equal(lines["residual"].get_ydata(), [1.0, 0.9, 0.8])
    assert list(lines["plain"].get_xdata()) == [1, 2, 3]
    assert right.get_lines()[0].get_color() == lines["plain"].get_color()


def test_plot_per_epoch_draws_each_case_and_says_every_value():
    curves = {"fit": [0.5, 0.75, 1.0], "evaluate": [0.5, 0.5, 0.91]}
    fig = plots.plot_per_epoch(curves, "accuracy", "two ways")
    (ax,) = fig.axes
    lines = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_array_equal(lines["evaluate"].get_ydata(), [0.5, 0.5, 0.91])
    assert list(lines["fit"].get_xdata()) == [1, 2, 3] and lines["fit"].get_color() != lines["evaluate"].get_color()
    assert ax.get_ylabel() == "accuracy" and ax.get_xlabel() == "epoch" and fig._suptitle.get_text() == "two ways"
    assert [tick for tick in ax.get_xticks() if 1 <= tick <= 3] == [1, 2, 3], "whole epochs only"
    assert fig.description == ("two ways, one value per epoch over 3 epochs: fit: 0.50, 0.75, 1.00; "
                               "evaluate: 0.50, 0.50, 0.91.")


def test_plot_degradation_puts_plain_left_and_residual_right():
    losses = {("plain", 8): [2.0, 1.5], ("plain", 20): [2.0, 1.8], ("residual", 20): [2.0, 1.0]}
    fig = plots.plot_degradation(losses, title="degradation")
    left, right = fig.axes
    assert left.get_title() == "plain networks" and right.get_title() == "residual networks"
    assert {line.get_label(): list(line.get_ydata()) for line in left.get_lines()} == {
        "plain-8": [2.0, 1.5], "plain-20": [2.0, 1.8]}
    assert [list(line.get_ydata()) for line in right.get_lines()] == [[2.0, 1.0]]
    assert left.get_ylabel() == "training loss (cross-entropy)"


def test_plot_degradation_draws_every_seed_and_names_each_network_once():
    losses = {("plain", 8): {0: [2.0, 1.0], 1: [2.1, 1.1], 2: [2.2, 1.2]},
              ("plain", 32): {0: [2.0, 1.8], 1: [2.0, 1.7], 2: [2.0, 1.6]}, ("residual", 32): {0: [2.0, 0.3]}}
    fig = plots.plot_degradation(losses, title="degradation")
    left, right = fig.axes
    assert [list(line.get_ydata()) for line in left.get_lines()] == [
        [2.0, 1.0], [2.1, 1.1], [2.2, 1.2], [2.0, 1.8], [2.0, 1.7], [2.0, 1.6]]
    assert [text.get_text() for text in left.get_legend().get_texts()] == ["plain-8 (3 seeds)", "plain-32 (3 seeds)"]
    by_depth = {line.get_label(): line for line in left.get_lines() if not line.get_label().startswith("_")}
    eight, thirty_two = by_depth["plain-8 (3 seeds)"], by_depth["plain-32 (3 seeds)"]
    assert eight.get_marker() != thirty_two.get_marker() and eight.get_linestyle() != thirty_two.get_linestyle()
    assert [text.get_text() for text in right.get_legend().get_texts()] == ["residual-32"]


def test_show_image_rows_stretches_each_image_to_the_full_range():
    rows = {"original": np.arange(2 * 2 * 2 * 3, dtype=float).reshape(2, 2, 2, 3),
            "normalised": -np.ones((2, 2, 2, 3)) * np.arange(12).reshape(1, 2, 2, 3)}
    fig = plots.show_image_rows(rows, title="rows")
    images = shown_images(fig)
    assert len(images) == 4
    for image in images:
        assert image.min() == 0 and image.max() == pytest.approx(1)
    assert [ax.get_ylabel() for ax in fig.axes[::2]] == ["original", "normalised"]


def test_plot_histograms_with_theory_draws_density_and_curve():
    values = np.random.default_rng(0).normal(0, 1, 2000)
    fig = plots.plot_histograms_with_theory({"normal": values}, {"normal": lambda x: np.exp(-x * x / 2) / 2.5066},
                                            title="weights", bins=20)
    ax = fig.axes[0]
    heights = np.array([patch.get_height() for patch in ax.patches])
    density, edges = np.histogram(values, bins=20, density=True)
    np.testing.assert_allclose(heights, density)
    (curve,) = ax.get_lines()
    np.testing.assert_allclose(curve.get_ydata(), np.exp(-curve.get_xdata() ** 2 / 2) / 2.5066)
    assert ax.get_title() == "normal" and ax.get_ylabel() == "density" and ax.get_xlabel() == "weight value"


def test_plot_learning_rate_plots_the_schedule_at_every_step():
    schedule = keras.optimizers.schedules.CosineDecay(initial_learning_rate=1e-3, decay_steps=10)
    fig = plots.plot_learning_rate(schedule, 10, title="cosine")
    (line,) = fig.axes[0].get_lines()
    assert list(line.get_xdata()) == list(range(11))
    np.testing.assert_allclose(line.get_ydata(), [float(schedule(step)) for step in range(11)])
    assert line.get_ydata()[0] == pytest.approx(1e-3) and line.get_ydata()[-1] == pytest.approx(0, abs=1e-12)
    assert texts(fig)["titles"] == ["cosine"] and texts(fig)["xlabels"] == ["training step"]


def test_each_figure_is_described_from_its_data():
    logs = {"loss": [0.9, 0.5, 0.3], "accuracy": [0.5, 0.8, 0.9]}
    assert "from 0.50 to 0.90" in plots.plot_history(logs, title="curves").description
    fig = plots.plot_confusion_matrix([0, 1, 2, 2, 1, 0], [0, 2, 2, 2, 1, 1], class_names=["a", "b", "c"])
    assert "4 on the diagonal" in fig.description and "true b predicted as c: 1" in fig.description
    fig = plots.show_prediction(np.zeros((4, 4, 3)), 0.8)
    assert "0.80" in fig.description and "smiling" in fig.description
    fig = plots.plot_learning_rate(lambda step: 1e-3 * (1 - step / 10), 10, title="lr")
    assert "0.001 at the first" in fig.description and "0 at the last" in fig.description
    fig = plots.plot_degradation({("plain", 8): {0: [1.0, 0.5]}, ("residual", 8): {0: [1.0, 0.25]}}, title="d")
    assert "plain-8 ends at 0.50" in fig.description and "residual-8 ends at 0.25" in fig.description
    bare = plt.figure()
    bare.gca().plot([1, 2])
    bare.gca().set_title("two points")
    assert "two points" in plots.figure_html(bare)[1]["alt"]


def test_a_diagram_is_described_with_its_layers_and_where_paths_join(tmp_path):
    picture = plots.show_model(block_model("identity"), to_file=tmp_path / "block.png")
    html, metadata = picture._repr_html_()
    assert 'alt="Diagram of the model identity_block, 11 layers' in html and metadata["alt"] in html
    assert re.search(r"Where paths join: Add add(_\d+)? joins bn2a_branch2c \+ block_input\.", metadata["alt"])


def test_lines_are_told_apart_by_more_than_colour():
    fig = plots.plot_history({"loss": [1, 0.5], "val_loss": [1.2, 0.7]}, metrics=("loss",))
    training, test = fig.axes[0].get_lines()
    assert (training.get_marker(), training.get_linestyle()) != (test.get_marker(), test.get_linestyle())
