"""What a user sees of runs: curves, report.html, the gallery (checked in a real browser), the
text report, train.log, `info` and the checks made before keras is imported."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import BACKEND
from keras_classics import commands, curves, reports, runs
from keras_classics.cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A tiny finished mnist_mlp run, with a hostile text artifact beside its own."""
    folder = tmp_path_factory.mktemp("reports")
    options = commands.Options(
        preset="tiny", data="synthetic", runs_dir=folder / "runs", offline=True, backend=BACKEND
    )
    run = commands.train("mnist_mlp", options)
    run.write_text("note.txt", "<script>document.title='owned'</script> & <b>not bold</b>\n")
    reports.write_run_report(run)
    return run


def test_every_epoch_redraws_the_curves_and_the_run_keeps_its_log(finished):
    assert (finished.path / "artifacts" / "curves.png").stat().st_size > 5000
    log = (finished.path / "train.log").read_text()
    assert "epoch 2/2" in log and "final: test_accuracy" in log and "report: " in log
    assert oct((finished.path / "config.json").stat().st_mode & 0o777) == "0o644"


def test_curves_pair_train_validation_and_test_columns():
    groups = curves.panels(["epoch", "loss", "accuracy", "val_loss", "test_accuracy", "lr"])
    assert groups == {
        "loss": {"train": "loss", "validation": "val_loss"},
        "accuracy": {"train": "accuracy", "test": "test_accuracy"},
    }
    assert curves.draw([], Path("/nonexistent/curves.png")) is None


def test_the_run_report_says_what_ran_and_escapes_what_it_shows(finished):
    html = (finished.path / "report.html").read_text()
    for fragment in (
        "mnist_mlp",
        "98.40% test accuracy after 20 epochs",  # the original's documented result
        "synthetic",
        "data:image/png;base64,",  # the curves, embedded: the page works offline
        "Metrics per epoch",
        "<tr><th>epochs</th><td>2</td></tr>",  # the resolved config
    ):
        assert fragment in html, fragment
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;" in html
    assert "http://" not in html and "https://" not in html  # no CDN


def test_text_report_json_and_markdown_show_the_run(finished, capsys):
    runs_dir = str(finished.path.parent.parent)
    assert main(["report", "--runs-dir", runs_dir]) == 0
    out = capsys.readouterr().out
    for column in ("status", "data", "dataset", "preset", "backend", "wall", "synthetic", "tiny"):
        assert column in out
    assert main(["report", "--runs-dir", runs_dir, "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)["runs"]
    assert row["status"] == "finished" and row["key"][0] == "accuracy" and row["epochs"] == 2
    assert main(["report", "--runs-dir", runs_dir, "--markdown"]) == 0
    assert capsys.readouterr().out.startswith("| run | status |")


def test_damaged_and_interrupted_runs_are_reported_not_fatal(finished, tmp_path, capsys):
    runs_dir = tmp_path / "runs"
    shutil.copytree(finished.path, runs_dir / "mnist_mlp" / "good")
    broken = runs_dir / "mnist_mlp" / "broken"
    broken.mkdir()
    (broken / "config.json").write_text("{not json")
    stopped = runs.Run.start(runs_dir, "mnist_mlp", {"config": {"epochs": 3}}, {"backend": "jax"})
    stopped.interrupt()
    assert main(["report", "--runs-dir", str(runs_dir)]) == 0
    out = capsys.readouterr().out
    assert "interrupted" in out and "finished" in out
    assert f"{broken}: damaged" in out
    assert main(["report", "--runs-dir", str(runs_dir), "--html", str(tmp_path / "site")]) == 0
    page = (tmp_path / "site" / "index.html").read_text()
    assert "Damaged runs" in page and page.count('class="card"') == 2
    assert main(["report", str(stopped.path)]) == 0
    assert "stopped by the user" in (stopped.path / "report.html").read_text()
    # `evaluate NAME` passes over a newer run whose status is unreadable, and says so.
    newest = runs_dir / "mnist_mlp" / "zzz-newest"
    shutil.copytree(finished.path, newest)
    (newest / runs.STATUS_FILE).write_text("{not json")
    capsys.readouterr()
    assert commands.latest_run(runs_dir, "mnist_mlp").path == runs_dir / "mnist_mlp" / "good"
    assert f"skipped {newest}: " in capsys.readouterr().err


@pytest.mark.skipif(BACKEND != "jax", reason="the pages do not depend on the backend")
def test_report_and_gallery_render_in_chromium(finished, tmp_path):
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (the Makefile installs Debian's chromium as root)")
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright (dev extra) missing")
    gallery = reports.write_gallery(finished.path.parent.parent, tmp_path / "site")
    pages = {"report": finished.path / "report.html", "gallery": gallery}
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for name, path in pages.items():
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            errors: list[str] = []
            page.on("console", lambda m, errors=errors: m.type == "error" and errors.append(m.text))
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            widths = page.evaluate("Array.from(document.images).map(i => i.naturalWidth)")
            assert errors == [], (name, errors)
            assert widths and all(width > 0 for width in widths), (name, widths)
            assert page.title() != "owned"  # the hostile artifact stayed text
            shot = tmp_path / f"{name}.png"
            page.screenshot(path=str(shot), full_page=True)
            _assert_not_blank(shot)
        browser.close()


def _assert_not_blank(path: Path) -> None:
    from PIL import Image, ImageStat

    with Image.open(path) as image:
        spread = ImageStat.Stat(image.convert("L")).stddev[0]
    assert spread > 10, f"{path} looks blank (grey-level spread {spread:.1f})"


def test_info_lists_keys_presets_and_differences(capsys):
    assert main(["info", "Mnist_CNN"]) == 0
    out = capsys.readouterr().out
    for fragment in (
        "learning_rate",
        "float = 1.0",
        "tiny: epochs=2",
        "Differences from the original",
    ):
        assert fragment in out, fragment


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["train", "mnist_cnn", "--preset", "huge"], "unknown preset 'huge'"),
        (["train", "mnist_cnn", "--set", "learning_rat=1"], "unknown key"),
        (["summary", "mnist_cnn", "--set", "epochs=many"], "expected an integer"),
        (["explain", "nope_net"], "unknown example"),
    ],
)
def test_mistakes_are_caught_before_keras_is_imported(argv, fragment):
    code = (
        "import sys\nfrom keras_classics.cli import main\n"
        f"code = main({argv!r})\nassert 'keras' not in sys.modules, 'keras was imported'\n"
        "sys.exit(code)"
    )
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 2, done.stderr
    assert fragment in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert time.perf_counter() - start < 5  # a bare interpreter start; keras alone takes longer
