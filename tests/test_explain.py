"""`explain` for every registered example, offline on the synthetic twin, in English and Chinese."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import BACKEND
from keras_classics import registry
from keras_classics.cli import main

HAN = re.compile(r"[\u4e00-\u9fff]")
# Five English words in a row (a sentence), not parts of identifiers, paths or calls.
WORD = r"(?<![\w./-])[A-Za-z][a-z']*(?![\w./(-])"
PROSE = re.compile(rf"{WORD}(?:[,;:]? {WORD}){{4,}}")
# Walkthroughs whose prose is all bilingual (explaining.say); the others are being translated.
BILINGUAL = {
    "antirectifier", "babi_rnn", "cifar10_resnet", "class_activation_maps", "deep_dream",
    "imdb_fasttext", "mnist_acgan", "mnist_cnn", "mnist_denoising_autoencoder",
    "mnist_hierarchical_rnn", "mnist_irnn", "mnist_mlp", "mnist_net2net",
}  # fmt: skip
# English that a walkthrough prints as data, not as prose: bAbI's stories, the example's own
# output lines and tables.
DATA_LINES = re.compile(r"^(\d+ [A-Z]|\(\[|\d+ +[\d.e-]+ |imdb_fasttext: Embedding|Model: |[│┃])")
NAMES_NOTE = re.compile(
    r"automatic layer names from 0 \(([^)]*)\)|its layers are ([^(]*) \(built first"
)


@pytest.mark.parametrize("name", registry.names())
def test_explain_prints_its_sections_offline(name, capsys, tmp_path):
    if BACKEND not in registry.spec(name).backends:
        pytest.skip(f"{name} does not run on {BACKEND}")
    assert (
        main(["explain", name, "--data", "synthetic", "--offline", "--runs-dir", str(tmp_path)])
        == 0
    )
    out = capsys.readouterr().out
    first = out.splitlines()[0]
    assert first.startswith("data: synthetic")
    headings = re.findall(r"^## \d+\. (.+)$", out, flags=re.MULTILINE)
    assert len(headings) >= 3, out[:500]
    assert "total " in out  # every walkthrough ends with (at least) one model summary
    if name in ("class_activation_maps", "deep_dream"):  # no trained run under tmp_path
        said = "; weights: random, not ImageNet's: every number below comes from the built-in "
        assert said + "network, untrained" in first
    # A names note quotes the names the summary above it prints.
    for match in NAMES_NOTE.finditer(out):
        for quoted in filter(None, match.groups()):
            for layer in quoted.split(", "):
                # "dense (Dense)", or a long name whose type Keras wraps onto the next line
                printed = rf"^(│ )?{re.escape(layer)}( \(| +│)"
                assert re.search(printed, out, re.MULTILINE), layer


@pytest.mark.skipif(BACKEND != "jax", reason="headings do not depend on the backend")
@pytest.mark.parametrize("name", registry.names())
def test_explain_headings_in_chinese(name, capsys):
    assert main(["explain", name, "--data", "synthetic", "--offline", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    headings = re.findall(r"^## \d+\. (.+)$", out, flags=re.MULTILINE)
    assert headings and all(HAN.search(heading) for heading in headings)
    if name in BILINGUAL:  # the prose is Chinese too: no English sentence left
        english = [line for line in out.splitlines() if PROSE.search(line)]
        assert not [line for line in english if not DATA_LINES.match(line)], name
        assert len(HAN.findall(out)) > 100


def test_a_fallback_starts_afresh_so_the_names_note_stays_true(capsys, tmp_path):
    # The first attempt builds the model before it finds no data; the retry numbers from 0 again.
    assert main(["explain", "mnist_hierarchical_rnn", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("data: synthetic (real data not found offline)\n")
    assert re.search(r"^│ lstm_1 \(LSTM\)", out, re.MULTILINE)  # the row LSTM is lstm
    assert "layer names from 0 (input_layer, lstm_1, dense) where the seed's Keras 2" in out


@pytest.mark.skipif(BACKEND == "tensorflow", reason="TensorFlow is the backend there")
def test_explain_seeds_every_attempt_alike_without_importing_tensorflow():
    code = (
        "import sys\n"
        "from keras_classics import backend\n"
        f"backend.activate({BACKEND!r})\n"
        "from keras_classics import commands\n"
        "options = commands.Options(data='synthetic', offline=True)\n"
        "first, second = (commands.explain('mnist_irnn', options, 'en') for _ in range(2))\n"
        "assert first == second, 'not the same random draws'\n"
        "assert 'tensorflow' not in sys.modules, 'TensorFlow was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]


def test_names_note_says_what_the_summary_prints():
    import keras

    from keras_classics.explaining import names_note

    def model():
        return keras.Sequential([keras.Input((4,)), keras.layers.Dense(2), keras.layers.Dense(1)])

    keras.backend.clear_session()
    first, second = model(), model()
    fresh = names_note(first, ["dense_1", "dense_2"])
    assert "from 0 (dense, dense_1) where the seed's Keras 2 printed dense_1, dense_2" in (
        fresh.in_language("en")
    )
    bumped = names_note(second, ["dense_1", "dense_2"]).in_language("en")
    assert "from 0" not in bumped
    assert "its layers are dense_2, dense_3 (built first they would be dense, dense_1)" in bumped
    assert "dense_2, dense_3" in names_note(second, ["dense_1", "dense_2"]).in_language("zh")


def test_explain_with_real_files_absent_falls_back_and_says_so_briefly(capsys, tmp_path):
    assert main(["explain", "mnist_mlp", "--data-dir", str(tmp_path)]) == 0
    first, *why = capsys.readouterr().out.split("\n\n")[0].splitlines()
    assert first == "data: synthetic (real data not found offline)"  # the details come below
    assert why and all(line.startswith("  ") and len(line) <= 100 for line in why)
    assert "mnist.npz" in " ".join(why) and str(tmp_path) in " ".join(why)


def test_explain_with_a_malformed_real_file_is_an_error_not_a_fallback(capsys, tmp_path):
    folder = tmp_path / "babi" / "tasks_1-20_v1-2" / "en-10k"
    folder.mkdir(parents=True)
    for split in ("train", "test"):
        (folder / f"qa1_single-supporting-fact_{split}.txt").write_text("garbage line\n")
    assert main(["explain", "babi_memnn", "--data-dir", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.strip().splitlines()
    assert line.startswith("keras-classics: error: ") and "expected '<number> <sentence>'" in line


def test_bilingual_prose_renders_in_the_chosen_language_and_refuses_str():
    from keras_classics.explaining import Section, render, say

    body = "x_train (3, 4)\n" + say("Each row is an image.", "每一行是一张图像。") + "\n"
    section = Section("Shapes", "形状", body)
    assert section.body == "x_train (3, 4)\nEach row is an image.\n"
    assert render([section], "zh") == "## 1. 形状\nx_train (3, 4)\n每一行是一张图像。\n"
    assert render([section], "en") == "## 1. Shapes\nx_train (3, 4)\nEach row is an image.\n"
    with pytest.raises(TypeError, match="in_language"):
        f"{body}"  # an f-string would drop the Chinese: refused
