"""fra-eng: parsing two and three columns, malformed lines, the real file, token tables, the twin."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

from keras_classics.datasets import DataSource, fra_eng, fra_eng_synthetic
from keras_classics.errors import DataError
from keras_classics.examples.families import seq2seq

pytestmark = pytest.mark.backend_free  # numpy and files only: run in the jax pass

# The seed's print(input_token_index) / print(target_token_index) begin like this; the real
# subset in shared/data is another release with a few more characters ('4', ...), so only the
# entries before the first difference are compared.
SEED_INPUT_START = {" ": 0, "!": 1, "$": 2, "%": 3, "&": 4, "'": 5, ",": 6, "-": 7, ".": 8,
                    "0": 9, "1": 10, "2": 11, "3": 12}  # fmt: skip
SEED_TARGET_START = {"\t": 0, "\n": 1, " ": 2, "!": 3, "$": 4, "%": 5, "&": 6, "'": 7, "(": 8,
                     ")": 9, ",": 10, "-": 11, ".": 12, "0": 13, "1": 14}  # fmt: skip


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Go.\tVa !\n", ("Go.", "Va !")),
        ("Go.\tVa !\tCC-BY 2.0 (France) Attribution: tatoeba.org #2877272\n", ("Go.", "Va !")),
        ("Hi.\tSalut !\r\n", ("Hi.", "Salut !")),
        ("   \n", None),
    ],
)
def test_two_and_three_column_lines_parse_alike(line, expected):
    assert fra_eng.parse_line(line, 1) == expected


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Go. Va !\n", "1 tab-separated column,"),
        ("a\tb\tc\td\n", "4 tab-separated columns"),
        ("Go.\t\n", "empty French column"),
        ("\tVa !\n", "empty English column"),
    ],
)
def test_malformed_lines_are_problems_with_their_line_number(line, reason):
    problem = fra_eng.parse_line(line, 7)
    assert isinstance(problem, fra_eng.Problem) and problem.line_number == 7
    assert reason in problem.reason and str(problem).startswith("line 7: ")


LINES = [b"Go.\tVa !\n", b"\n", b"broken line\n", b"Run!\tCours !\tCC-BY\n", b"Hi.\tSalut.\n"]


def test_malformed_lines_are_skipped_and_reported_or_refused():
    pairs, problems = fra_eng.parse_lines(LINES, malformed="skip")
    assert pairs == [("Go.", "Va !"), ("Run!", "Cours !"), ("Hi.", "Salut.")]
    assert [p.line_number for p in problems] == [3]
    report = fra_eng.report_problems(problems)
    assert report.startswith("fra.txt: skipped 1 malformed line(s): line 3: 1 tab-separated")
    with pytest.raises(DataError, match="fra.txt line 3: 1 tab-separated column") as error:
        fra_eng.parse_lines(LINES, malformed="error")
    assert "\n" not in str(error.value)
    assert fra_eng.parse_lines(LINES, num_samples=2)[0] == [("Go.", "Va !"), ("Run!", "Cours !")]


def test_a_line_that_is_not_utf8_is_reported_with_its_number():
    with pytest.raises(DataError, match="line 2 is not UTF-8"):
        fra_eng.parse_lines([b"Go.\tVa !\n", b"Caf\xe9\tCaf\xe9\n"])


def test_the_real_file_reads_whole(shared_data):
    path = shared_data / "fra-eng" / "fra.txt"
    pairs, problems = fra_eng.read_pairs(path)
    assert len(pairs) == 51976 and problems == []
    assert pairs[0] == ("Go.", "Va !")
    assert pairs[-1] == ("You can't stop progress.", "On ne peut pas arrêter le progrès.")


def test_the_real_file_gives_the_seeds_tables_and_shapes(shared_data):
    source = DataSource(data_dir=shared_data, offline=True)  # finds fra-eng/fra.txt
    pairs = fra_eng.load_pairs(source, num_samples=10000)
    input_texts, target_texts, tables = seq2seq.prepare(pairs)
    assert target_texts[0] == "\tVa !\n"
    assert (tables.max_encoder_seq_length, tables.max_decoder_seq_length) == (16, 59)
    # 70 and 93 in the seed's release; this release adds '4' (inputs) and '’' (targets).
    assert (len(tables.input_characters), len(tables.target_characters)) == (71, 94)
    assert {k: tables.input_token_index[k] for k in SEED_INPUT_START} == SEED_INPUT_START
    assert {k: tables.target_token_index[k] for k in SEED_TARGET_START} == SEED_TARGET_START
    encoder, decoder_in, decoder_target = seq2seq.vectorize(
        input_texts[:50], target_texts[:50], tables, pad_with_space=True
    )
    assert encoder.shape == (50, 16, 71) and decoder_in.shape == (50, 59, 94)
    assert decoder_target.shape == (50, 59, 94) and encoder.dtype == np.float32


def test_a_three_column_file_and_a_zip_read_like_the_two_column_file(tmp_path):
    three = tmp_path / "fra.txt"
    three.write_text(
        "Go.\tVa !\tCC-BY 2.0 (France) Attribution: tatoeba.org #2877272 (CM)\n"
        "Hi.\tSalut !\tCC-BY 2.0 (France) Attribution: tatoeba.org #538123 (CM)\n",
        encoding="utf-8",
    )
    assert fra_eng.read_pairs(three)[0] == [("Go.", "Va !"), ("Hi.", "Salut !")]
    archive = tmp_path / "zipped" / "fra-eng.zip"
    archive.parent.mkdir()
    with zipfile.ZipFile(archive, "w") as handle:
        handle.write(three, "fra.txt")
        handle.writestr("_about.txt", "about")
    found = fra_eng.find(DataSource(data_dir=archive.parent, offline=True))
    assert found == archive
    assert fra_eng.read_pairs(found)[0] == [("Go.", "Va !"), ("Hi.", "Salut !")]


def test_missing_and_bad_files_are_one_line_data_errors(tmp_path):
    with pytest.raises(DataError, match="manythings.org/anki/fra-eng.zip by hand") as error:
        fra_eng.find(DataSource(data_dir=tmp_path, offline=True))
    assert "\n" not in str(error.value)
    with pytest.raises(DataError, match="no such file"):
        fra_eng.find(DataSource(), data_path=str(tmp_path / "nothing.txt"))
    empty = tmp_path / "fra.txt"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(DataError, match="holds no English<TAB>French pairs"):
        fra_eng.read_pairs(empty)
    not_zip = tmp_path / "fra-eng.zip"
    not_zip.write_bytes(b"not a zip")
    with pytest.raises(DataError, match="not a zip"):
        fra_eng.read_pairs(not_zip)


def test_vectorize_is_exact_with_and_without_space_padding():
    input_texts, target_texts, tables = seq2seq.prepare([("Go.", "Va !"), ("Hi!", "Salut.")])
    assert tables.input_characters == ("!", ".", "G", "H", "i", "o")
    assert tables.target_characters == ("\t", "\n", " ", "!", ".", "S", "V", "a", "l", "t", "u")
    assert (tables.max_encoder_seq_length, tables.max_decoder_seq_length) == (3, 8)
    _, decoder_in, decoder_target = seq2seq.vectorize(input_texts, target_texts, tables)
    chars = tables.target_characters

    def text(rows):
        return "".join(chars[r.argmax()] if r.any() else "·" for r in rows)

    assert text(decoder_in[0]) == "\tVa !\n··" and text(decoder_target[0]) == "Va !\n···"
    assert text(decoder_in[1]) == "\tSalut.\n" and text(decoder_target[1]) == "Salut.\n·"
    with pytest.raises(DataError, match="no space"):
        seq2seq.vectorize(input_texts, target_texts, tables, pad_with_space=True)
    input_texts, target_texts, tables = seq2seq.prepare([("Go on.", "Va !"), ("Hi!", "Salut.")])
    chars = tables.target_characters
    encoder, padded_in, padded_target = seq2seq.vectorize(input_texts, target_texts, tables, True)
    assert "".join(tables.input_characters[r.argmax()] for r in encoder[1]) == "Hi!   "
    assert text(padded_in[0]) == "\tVa !\n  " and text(padded_target[0]) == "Va !\n   "
    assert seq2seq.unknown_characters("Go, go!", tables.input_characters) == [",", "g"]


def _noun(english):
    return next(n for n in fra_eng_synthetic.NOUNS if n[0] == english)


def _adjective(english):
    return next(a for a in fra_eng_synthetic.ADJECTIVES if a[0] == english)


@pytest.mark.parametrize(
    ("args", "pair"),
    [
        ((0, "horse", "old", 0, True), ("The horses are old.", "Les chevaux sont vieux.")),
        ((0, "house", "white", 0, False), ("The house is white.", "La maison est blanche.")),
        ((1, "girl", "happy", 3, False), ("The happy girl sings.", "La fille heureuse chante.")),
        ((1, "cow", "black", 0, True), ("The black cows sleep.", "Les vaches noires dorment.")),
        ((2, "apple", "old", 0, False), ("I see an old apple.", "Je vois une pomme vieille.")),
        ((2, "book", "red", 0, True), ("I see some red books.", "Je vois des livres rouges.")),
        ((3, "bird", "green", 0, False), ("Is the bird green?", "L'oiseau est-il vert\u202f?")),
        (
            (3, "car", "small", 0, True),
            ("Are the cars small?", "Les voitures sont-elles petites\u202f?"),
        ),
    ],
)
def test_the_twin_grammar_agrees_and_reorders(args, pair):
    template, noun, adjective, verb, plural = args
    got = fra_eng_synthetic.translate(
        template, _noun(noun), _adjective(adjective), fra_eng_synthetic.VERBS[verb], plural
    )
    assert got == pair


def test_the_twin_is_seeded_and_varied():
    pairs = fra_eng_synthetic.synthetic_pairs(2000, seed=1)
    assert pairs == fra_eng_synthetic.synthetic_pairs(2000, seed=1)
    assert pairs != fra_eng_synthetic.synthetic_pairs(2000, seed=2)
    assert len(set(pairs)) > 800
    input_texts, target_texts, tables = seq2seq.prepare(pairs)
    assert all(t.startswith("\t") and t.endswith("\n") for t in target_texts)
    assert max(len(t) for t in input_texts) <= 26 and tables.max_decoder_seq_length <= 40
