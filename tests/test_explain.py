"""`explain` for every registered example, offline on the synthetic twin, in English and Chinese."""

from __future__ import annotations

import re

import pytest

from conftest import BACKEND
from keras_classics import registry
from keras_classics.cli import main

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("name", registry.names())
def test_explain_prints_its_sections_offline(name, capsys):
    if BACKEND not in registry.spec(name).backends:
        pytest.skip(f"{name} does not run on {BACKEND}")
    assert main(["explain", name, "--data", "synthetic", "--offline"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("data: synthetic")
    headings = re.findall(r"^## \d+\. (.+)$", out, flags=re.MULTILINE)
    assert len(headings) >= 3, out[:500]
    assert "total " in out  # every walkthrough ends with (at least) one model summary


@pytest.mark.skipif(BACKEND != "jax", reason="headings do not depend on the backend")
@pytest.mark.parametrize("name", registry.names())
def test_explain_headings_in_chinese(name, capsys):
    assert main(["explain", name, "--data", "synthetic", "--offline", "--lang", "zh"]) == 0
    headings = re.findall(r"^## \d+\. (.+)$", capsys.readouterr().out, flags=re.MULTILINE)
    assert headings and all(HAN.search(heading) for heading in headings)


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
