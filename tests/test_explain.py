"""`explain` for every registered example, offline on the synthetic twin, in English and Chinese."""

from __future__ import annotations

import ast
import functools
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BACKEND
from keras_classics import explaining, registry
from keras_classics.cli import main

HAN = re.compile(r"[\u4e00-\u9fff]")
WALKTHROUGHS = Path(registry.walkthrough("addition_rnn").__file__).parent
# Two or more English words in a row, whole words only (not the 'train' of 'x_train').
PHRASE = re.compile(r"(?<![\w.'])[A-Za-z]+(?:'[a-z]+)?(?: [A-Za-z]+(?:'[a-z]+)?)+(?!\w)")
# English that walkthroughs print outside say() on purpose: labels the original scripts print
# (print('Number of samples:', ...)), code they echo, a sample sentence they feed to the code.
PRINTED = {
    "Number of samples",
    "Number of unique input tokens",
    "Number of unique output tokens",
    "Max sequence length for inputs",
    "Max sequence length for outputs",
    "Vocab size",
    "unique words",
    "Story max length",
    "Query max length",
    "STATELESS LSTM WILL",
    "ALSO CONVERGE",
    "NOT CONVERGE",
    "corpus length",
    "total chars",
    "nb sequences",
    "for k in range",
    "for i in range",
    "Bob dropped the apple",
    "Where is the apple",
}
# Walkthroughs whose headings are bilingual but whose prose is not yet: the prose check skips them.
PROSE_NOT_YET_BILINGUAL = {
    "antirectifier",
    "babi_rnn",
    "cifar10_resnet",
    "class_activation_maps",
    "deep_dream",
    "imdb_fasttext",
    "mnist_acgan",
    "mnist_cnn",
    "mnist_denoising_autoencoder",
    "mnist_hierarchical_rnn",
    "mnist_irnn",
    "mnist_mlp",
    "mnist_net2net",
}


def written_phrases(source: str) -> set[str]:
    """The English phrases in a module's string literals that can reach a body as plain text:
    not in say(...) (bilingual), not a Section's two headings, not a docstring."""
    tree = ast.parse(source)
    skipped: set[int] = set()
    for node in ast.walk(tree):
        name = getattr(getattr(node, "func", None), "id", None)
        if name == "say":
            skipped.update(id(inner) for arg in node.args for inner in ast.walk(arg))
        elif name == "Section":
            skipped.update(id(inner) for arg in node.args[:2] for inner in ast.walk(arg))
        elif isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and ast.get_docstring(
            node, clean=False
        ):
            skipped.add(id(node.body[0].value))
    return {
        phrase
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skipped
        for phrase in PHRASE.findall(node.value)
    }


@functools.cache
def phrases_of(name: str) -> frozenset[str]:
    """written_phrases of walkthroughs/<name>.py and of the walkthrough modules it imports
    (_imdb.py), less what they print on purpose (PRINTED)."""
    source = (WALKTHROUGHS / f"{name}.py").read_text()
    helpers = [
        alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.module == "keras_classics.walkthroughs"
        for alias in node.names
    ]
    found = written_phrases(source).union(
        *(written_phrases((WALKTHROUGHS / f"{helper}.py").read_text()) for helper in helpers)
    )
    return frozenset(found - PRINTED)


def english_prose(sections, phrases) -> list[str]:
    """What is not Chinese in the prose of `sections` rendered in Chinese.

    Prose is what the walkthrough's author wrote: a say(en, zh) must have Chinese in zh, and no
    English phrase of the walkthroughs' source (`phrases`) may appear in the plain text of a body.
    Printed data (summaries, arrays, decoded reviews, stories) is computed, never written in the
    source, so it is never flagged, however English it reads; an English sentence added to a
    body without say() is. (Prose from outside the walkthrough modules is not seen.)"""
    problems = []
    rendered = explaining.render(sections, "zh")
    for section in sections:
        text = section.text
        parts = text.parts if isinstance(text, explaining.Text) else (text,)
        plain = "\n".join(part for part in parts if isinstance(part, str))
        for part in parts:
            if isinstance(part, tuple) and (not HAN.search(part[1]) or part[0].strip() in rendered):
                problems.append(f"{section.en!r}: say({part[0]!r}, {part[1]!r})")
        problems += [
            f"{section.en!r}: {phrase!r} outside say()"
            for phrase in sorted(phrases)
            if re.search(rf"(?<![\w.]){re.escape(phrase)}(?!\w)", plain)
        ]
    return problems


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


@pytest.mark.skipif(BACKEND != "jax", reason="the text does not depend on the backend")
@pytest.mark.parametrize("name", registry.names())
def test_explain_in_chinese(name, capsys, monkeypatch):
    shown = []  # the sections as rendered, to tell their prose (say) from printed data

    def render(sections, lang="en"):
        shown.append(list(sections))
        return original(shown[-1], lang)

    original = explaining.render
    monkeypatch.setattr(explaining, "render", render)
    assert main(["explain", name, "--data", "synthetic", "--offline", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    headings = re.findall(r"^## \d+\. (.+)$", out, flags=re.MULTILINE)
    assert headings and all(HAN.search(heading) for heading in headings)
    if name not in PROSE_NOT_YET_BILINGUAL:
        problems = english_prose(shown[0], phrases_of(name))
        assert not problems, "\n".join(problems)
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


def test_the_prose_check_flags_plain_english_and_spares_printed_data():
    from keras_classics.explaining import Section, say

    source = """
def explain(config, context):
    yield Section("Shapes", "形状", f"{x.shape}\\nEach row is one image." + say("Two.", "两个。"))
    yield Section("Reviews", "评论", review + say("One review.", "一条评论。"))
"""
    phrases = written_phrases(source)
    assert phrases == {"Each row is one image"}  # headings, say and data are not
    review = "<START> i saw this film at the cinema and it was charming"  # data: not flagged
    sections = [
        Section("Shapes", "形状", "(3, 4)\nEach row is one image." + say("Two.", "两个。")),
        Section("Reviews", "评论", review + say("One review.", "一条评论。")),
    ]
    assert english_prose(sections, phrases) == ["'Shapes': 'Each row is one image' outside say()"]
    untranslated = [Section("Shapes", "形状", "(3, 4)\n" + say("Two.", "Two."))]
    assert english_prose(untranslated, phrases) == ["'Shapes': say('Two.', 'Two.')"]
    assert english_prose(sections[1:], phrases) == []


@pytest.mark.parametrize("npz", [True, False])
def test_imdb_origin_names_the_same_reviews_in_both_languages(monkeypatch, tmp_path, npz):
    from keras_classics.datasets import DataSource, imdb
    from keras_classics.walkthroughs import _imdb

    synthetic = _imdb.origin(DataSource(kind="synthetic"))
    assert synthetic.in_language("en") == "read from the synthetic twin (generated reviews)"
    assert synthetic.in_language("zh") == "数据来源：合成数据（生成的评论）"
    folder = tmp_path / "aclImdb"
    monkeypatch.setattr(imdb.cache, "find", lambda *_: tmp_path / "imdb.npz" if npz else None)
    monkeypatch.setattr(imdb, "find_aclimdb", lambda _: folder)
    real = _imdb.origin(DataSource(data_dir=tmp_path, offline=True))
    english, chinese = real.in_language("en"), real.in_language("zh")
    assert english == f"read from {imdb.describe_origin(DataSource(data_dir=tmp_path))}"
    assert ("imdb.npz (" in english) == ("imdb.npz（" in chinese) == npz
    assert (str(folder) in english) == (str(folder) in chinese) == (not npz)
