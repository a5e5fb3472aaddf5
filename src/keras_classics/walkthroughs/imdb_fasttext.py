"""The walkthrough of imdb_fasttext (`keras-classics explain imdb_fasttext`): the seed's steps, in
order."""

from __future__ import annotations

import dataclasses

from keras_classics.datasets import imdb
from keras_classics.examples.imdb_fasttext import (
    Config,
    add_ngram,
    build_model,
    create_ngram_set,
    default_spec,
    footprint,
    ngram_table,
    parameter_count,
)
from keras_classics.registry import Context


def explain(config: Config, context: Context):
    """The walkthrough: unigram model, n-grams of [1, 4, 9, 4, 1, 4], of the first review, their
    numbering, the augmented review, the ngram_range=3 sizes."""
    source = context.source
    from keras_classics.explaining import Section, summary_text

    unigram = dataclasses.replace(config, ngram_range=1, ngram_buckets=0)
    yield Section(
        "ngram_range = 1 (the default): word ids -> Embedding -> average -> Dense",
        "默认 ngram_range = 1：编号跟一个 Embedding，就是常规的 NLP 处理",
        summary_text(build_model(unigram)),
    )
    example = [1, 4, 9, 4, 1, 4]
    yield Section(
        "n-grams of [1, 4, 9, 4, 1, 4]: neighbours taken in order, duplicates removed",
        "ngram 的例子：按照顺序两两（或三三）组合，并去掉重复项",
        f"create_ngram_set({example}, ngram_value=2)\n{create_ngram_set(example, 2)}\n"
        f"create_ngram_set({example}, ngram_value=3)\n{create_ngram_set(example, 3)}",
    )
    limit = 1000 if source.synthetic else 0
    (x_train, _), _ = imdb.load(
        source, num_words=config.max_features, train_count=limit, test_count=limit
    )
    first = list(x_train[0])
    bigrams = create_ngram_set(first, 2)
    trigrams = create_ngram_set(first, 3)
    yield Section(
        "The first training review and its n-grams (ngram_range = 2, then 3)",
        "x_train 中的第一个句子及其 ngram（ngram_range = 2 和 3）",
        f"read from {imdb.describe_origin(source)}\n"
        f"{first}\n{len(bigrams)} bigrams: {sorted(bigrams)[:12]} ...\n"
        f"{len(trigrams)} trigrams: {sorted(trigrams)[:12]} ...",
    )
    table = ngram_table(x_train, 3, config.max_features)
    shown = "\n".join(f"{k}:{v}" for k, v in list(table.items())[:8])
    augmented = add_ngram([first], table, 3)[0]
    yield Section(
        f"n-gram ids from max_features + 1 = {config.max_features + 1} ({len(x_train)} reviews, "
        f"ngram_range = 3: {len(table):,} n-grams)",
        "对 ngram 进行编码（从 max_features + 1 开始）",
        f"{shown}\n...\nmax_features = {max(table.values()) + 1:,}",
    )
    yield Section(
        "The first review with its n-gram ids appended (then padded to maxlen)",
        "重新编码后的第一个句子（后面接上 ngram 的编号，再 pad_sequences）",
        f"{len(first)} words + {len(augmented) - len(first)} n-grams: {augmented[len(first) - 5 :][:30]} ...\n"
        f"after pad_sequences(maxlen={config.maxlen}): x_train shape: {(len(x_train), config.maxlen)}",
    )
    trigram = dataclasses.replace(config, ngram_range=3, ngram_buckets=0, max_features=20000)
    spec = default_spec(trigram)
    parameters, weights_gb, training_gb = footprint(trigram, spec)
    hashed = dataclasses.replace(trigram, ngram_buckets=2**20)
    hashed_count = parameter_count(hashed, default_spec(hashed))
    yield Section(
        "ngram_range = 3 on all of IMDB (not built here)",
        "ngram_range = 3 时的神经网络（这里只计算，不创建）",
        f"embedding: Embedding({spec.max_features:,}, {trigram.embedding_dims}) -> "
        f"{spec.max_features * trigram.embedding_dims:,} parameters; dense: "
        f"{trigram.embedding_dims + 1}\nTotal params: {parameters:,} = {weights_gb:.2f} GB of "
        f"weights, about {training_gb:.1f} GB to train with Adam\n"
        f"hashed into 2**20 buckets (--set ngram_buckets=1048576): {hashed_count:,} parameters",
    )
