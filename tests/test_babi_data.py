"""bAbI: the tokenizer fix, the story parser, vectors, files and archives, the synthetic twin."""

from __future__ import annotations

import re
import tarfile

import numpy as np
import pytest

from keras_classics.datasets import DataSource, babi, babi_stories, babi_synthetic
from keras_classics.errors import DataError, UserError
from keras_classics.examples.families import babi_qa

pytestmark = pytest.mark.backend_free  # numpy and files only: run in the jax pass

QA1_FIRST = [
    "1 Mary moved to the bathroom.",
    "2 John went to the hallway.",
    "3 Where is Mary? \tbathroom\t1",
]
QA2_FIRST = [
    "1 Mary moved to the bathroom.",
    "2 Sandra journeyed to the bedroom.",
    "3 Mary got the football there.",
    "4 John went to the kitchen.",
    "5 Mary went back to the kitchen.",
    "6 Mary went back to the garden.",
    "7 Where is the football? \tgarden\t3 6",
]
# The walkthrough's word index of QA1 (21 words; 0 is the padding).
QA1_WORD_INDEX = {
    ".": 1, "?": 2, "Daniel": 3, "John": 4, "Mary": 5, "Sandra": 6, "Where": 7, "back": 8,
    "bathroom": 9, "bedroom": 10, "garden": 11, "hallway": 12, "is": 13, "journeyed": 14,
    "kitchen": 15, "moved": 16, "office": 17, "the": 18, "to": 19, "travelled": 20, "went": 21,
}  # fmt: skip
QA2_WORDS = (
    ". ? Daniel John Mary Sandra Where apple back bathroom bedroom discarded down dropped "
    "football garden got grabbed hallway is journeyed kitchen left milk moved office picked put "
    "the there to took travelled up went"
).split()


def test_tokenize_the_docstring_sentence():
    sentence = "Bob dropped the apple. Where is the apple?"
    assert babi_stories.tokenize(sentence) == [
        "Bob", "dropped", "the", "apple", ".", "Where", "is", "the", "apple", "?",
    ]  # fmt: skip
    # The original pattern yields None pieces on Python 3.7+, which broke x.strip().
    assert None in re.split(r"(\W+)?", sentence)


def test_parse_the_first_qa1_story():
    data = babi_stories.parse_stories(QA1_FIRST)
    assert data == [
        (
            [["Mary", "moved", "to", "the", "bathroom", "."], ["John", "went", "to", "the", "hallway", "."]],
            ["Where", "is", "Mary", "?"],
            "bathroom",
        )
    ]  # fmt: skip
    flat = babi_stories.get_stories(
        line.encode() for line in QA1_FIRST
    )  # bytes, as from a tar member
    assert flat[0][0] == "Mary moved to the bathroom . John went to the hallway .".split()


def test_only_supporting_keeps_the_supporting_facts_and_max_length_drops_long_stories():
    data = babi_stories.get_stories(QA2_FIRST, only_supporting=True)
    assert data[0][0] == "Mary got the football there . Mary went back to the garden .".split()
    whole = babi_stories.get_stories(QA2_FIRST)
    assert len(whole[0][0]) == 38
    assert babi_stories.get_stories(QA2_FIRST, max_length=38) == []
    assert babi_stories.get_stories(QA2_FIRST, max_length=39) == whole


@pytest.mark.parametrize(
    "lines, message",
    [
        (["Mary moved to the bathroom."], "in.txt:1: expected '<number> <sentence>'"),
        (["1 Mary moved.", "3 John went."], "in.txt:2: line number 3 does not follow 1"),
        (["1 Mary moved.", "2 Where is Mary?\tbathroom"], "in.txt:2: a question line needs"),
        (["1 Mary moved.", "2 Where is Mary?\tbathroom\t7"], "in.txt:2: bad supporting fact"),
    ],
)
def test_malformed_lines_name_the_file_and_line(lines, message):
    with pytest.raises(DataError, match=re.escape(message)):
        babi_stories.parse_stories(lines, only_supporting=True, name="in.txt")


def test_vectorize_pads_in_front_and_encodes_answers():
    stories = babi_stories.get_stories(QA1_FIRST)
    word_idx = babi_stories.word_index(babi_synthetic.synthetic_vocab(1))
    assert word_idx == QA1_WORD_INDEX
    x, xq, y = babi_stories.vectorize_stories(stories, word_idx, 68, 4)
    assert x.shape == (1, 68) and x.dtype == np.int32
    assert (
        x[0, -12:].tolist() == [5, 16, 19, 18, 9, 1, 4, 21, 19, 18, 12, 1] and not x[0, :-12].any()
    )
    assert xq[0].tolist() == [7, 13, 5, 2] and y.tolist() == [9]
    _, _, one_hot = babi_stories.vectorize_stories(stories, word_idx, 68, 4, one_hot=True)
    assert one_hot.shape == (1, 22) and one_hot[0, 9] == 1 and one_hot.sum() == 1
    # Longer than maxlen: the last tokens are kept, as pad_sequences' default truncating='pre'.
    assert babi_stories.pad([[1, 2, 3, 4]], 2).tolist() == [[3, 4]]


def test_real_qa1_10k_matches_the_walkthrough(shared_data):
    stories = babi.load(1, "10k", DataSource(data_dir=shared_data / "babi"))
    assert babi_stories.word_index(stories.vocab) == QA1_WORD_INDEX
    assert (len(stories.train), len(stories.test)) == (10000, 1000)
    assert (stories.story_maxlen, stories.query_maxlen) == (68, 4)
    assert stories.first_lines == QA1_FIRST + stories.first_lines[3:]
    x, xq, y = babi_stories.vectorize_stories(
        stories.train[:1], babi_stories.word_index(stories.vocab), 68, 4
    )
    assert x[0, -12:].tolist() == [5, 16, 19, 18, 9, 1, 4, 21, 19, 18, 12, 1]
    assert xq[0].tolist() == [7, 13, 5, 2] and y[0] == 9


def test_real_qa2_1k_matches_the_walkthrough(shared_data):
    stories = babi.load(2, "1k", DataSource(data_dir=shared_data / "babi"))
    assert stories.vocab == QA2_WORDS
    assert (len(stories.vocab) + 1, stories.story_maxlen, stories.query_maxlen) == (36, 552, 5)
    assert stories.first_lines[:7] == QA2_FIRST
    word_idx = babi_stories.word_index(stories.vocab)
    x, xq, y = babi_stories.vectorize_stories(stories.train[:1], word_idx, 552, 5, one_hot=True)
    tail = [5, 25, 31, 29, 10, 1, 6, 21, 31, 29, 11, 1, 5, 17, 29, 15, 30, 1, 4, 35, 31, 29, 22, 1]
    tail += [5, 35, 9, 31, 29, 22, 1, 5, 35, 9, 31, 29, 16, 1]
    assert x[0, -len(tail) :].tolist() == tail and not x[0, : -len(tail)].any()
    assert xq[0].tolist() == [7, 20, 29, 15, 2] and y[0].argmax() == 16


def _archive(tmp_path, shared_data, members):
    path = tmp_path / babi.BABI_TAR.fname
    with tarfile.open(path, "w:gz") as tar:
        for member in members:
            tar.add(shared_data / "babi" / member, arcname=member)
    return path


def test_reads_the_archive_keras_downloads(tmp_path, shared_data):
    members = [babi.challenge(1, "1k").format(s) for s in ("train", "test")]
    _archive(tmp_path, shared_data, members)
    stories = babi.load(1, "1k", DataSource(data_dir=tmp_path, offline=True), train_count=10)
    assert len(stories.train) == 10 and stories.train[0][2] == "bathroom"
    with pytest.raises(DataError, match="has no tasks_1-20_v1-2/en/qa2_two-supporting-facts"):
        babi.load(2, "1k", DataSource(data_dir=tmp_path, offline=True))


def test_locate_finds_the_archive_or_an_extracted_folder(tmp_path, shared_data):
    """`keras-classics data` and the loader see the same file: the archive, or the extracted
    folder that stands in for it (as `unpacked`)."""
    (nothing,) = babi.locate(DataSource(data_dir=tmp_path, offline=True))
    assert nothing.remote == babi.BABI_TAR and nothing.unpacked is None
    archive = _archive(tmp_path, shared_data, [babi.challenge(1, "1k").format("train")])
    (found,) = babi.locate(DataSource(data_dir=tmp_path, offline=True))
    assert found.path == archive and found.unpacked is None
    (extracted,) = babi.locate(DataSource(data_dir=shared_data / "babi", offline=True))
    assert extracted.unpacked is not None and (extracted.unpacked / "en-10k").is_dir()


def test_missing_and_corrupt_archives_are_one_line_errors(tmp_path):
    with pytest.raises(DataError) as caught:
        babi.load(1, "10k", DataSource(data_dir=tmp_path, offline=True))
    message = str(caught.value)
    assert "babi-tasks-v1-2.tar.gz" in message and babi.BABI_TAR.origin in message
    assert "\n" not in message
    (tmp_path / babi.BABI_TAR.fname).write_bytes(b"not a tar file at all")
    with pytest.raises(DataError, match="not a readable tar.gz"):
        babi.load(1, "10k", DataSource(data_dir=tmp_path, offline=True))


def test_bad_task_or_size_is_a_user_error():
    with pytest.raises(UserError, match="task must be"):
        babi.challenge(21, "1k")
    with pytest.raises(UserError, match="size must be"):
        babi.challenge(1, "5k")
    with pytest.raises(UserError, match="tasks 1 and 2"):
        babi.load(3, "1k", DataSource(kind="synthetic"))


def _replay(lines):
    """Checks every answer of generated stories against an independent simulation."""
    where, holder, dropped_at, checked = {}, {}, {}, 0
    for line in lines:
        nid, text = line.split(" ", 1)
        if nid == "1":
            where, holder, dropped_at = {}, {}, {}
        if "\t" in text:
            question, answer, support = text.split("\t")
            words = babi_stories.tokenize(question)
            if words[2] == "the":  # Where is the football?
                thing = words[3]
                expected = where[holder[thing]] if thing in holder else dropped_at[thing]
                assert len(support.split()) == 2
            else:
                expected = where[words[2]]
                assert len(support.split()) == 1
            assert answer == expected, line
            checked += 1
            continue
        words = text.rstrip(".").split()
        actor, thing = words[0], words[-2] if words[-1] == "there" else words[-1]
        if " to the " in text:
            where[actor] = words[-1]
        elif text.endswith("there."):
            holder[thing] = actor
            dropped_at.pop(thing, None)
        else:
            dropped_at[thing] = where[holder.pop(thing)]
    return checked


@pytest.mark.parametrize("task", [1, 2])
def test_the_synthetic_twin_is_consistent_and_has_the_real_vocabulary(task):
    lines = babi_synthetic.synthetic_lines(task, 300, seed=5)
    assert _replay(lines) == 300
    stories = babi_stories.get_stories(lines)
    assert babi_stories.build_vocab(stories) == babi_synthetic.synthetic_vocab(task)
    assert babi_synthetic.synthetic_vocab(task) == (
        sorted(QA1_WORD_INDEX) if task == 1 else QA2_WORDS
    )
    # The same text format: the supporting-fact parser reads it too.
    assert babi_stories.get_stories(lines, only_supporting=True)
    assert babi_synthetic.synthetic_lines(task, 300, seed=5) == lines


def test_user_stories_are_encoded_or_rejected_clearly():
    vocab = babi_synthetic.synthetic_vocab(1)
    x, xq, notes = babi_stories.encode_user_story(
        "Mary moved to the bathroom. john went to the hallway", "where is Mary?", vocab, 10, 4
    )
    assert x.tolist() == [[16, 19, 18, 9, 1, 4, 21, 19, 18, 12]]  # "Mary" cut, "john" is John
    assert xq.tolist() == [[7, 13, 5, 2]]
    assert notes == ["the story has 11 tokens; the model reads its last 10"]
    with pytest.raises(UserError, match="unknown word.*'Bob', 'kitchenette'"):
        babi_stories.encode_user_story(
            "Bob went to the kitchenette.", "Where is Bob?", vocab, 68, 4
        )
    with pytest.raises(UserError, match="give a story and a question"):
        babi_stories.encode_user_story("", "Where is Mary?", vocab, 68, 4)


def test_vocab_file_round_trip(tmp_path):
    babi_qa.save_vocab(tmp_path, ["a", "b"], 7, 3)
    assert babi_qa.read_vocab(tmp_path) == {
        "vocab": ["a", "b"],
        "story_maxlen": 7,
        "query_maxlen": 3,
    }
    (tmp_path / babi_qa.VOCAB_FILE).write_text("{broken")
    with pytest.raises(UserError, match="damaged"):
        babi_qa.read_vocab(tmp_path)
    with pytest.raises(UserError, match="train a run first"):
        babi_qa.read_vocab(None)


def test_archive_member_names_follow_keras():
    assert babi.challenge(1, "10k") == "tasks_1-20_v1-2/en-10k/qa1_single-supporting-fact_{}.txt"
    assert babi.challenge(2, "1k") == "tasks_1-20_v1-2/en/qa2_two-supporting-facts_{}.txt"
