"""The walkthrough of imdb_fasttext (`keras-classics explain imdb_fasttext`): the seed's steps, in
order."""

from __future__ import annotations

import dataclasses

import keras

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

SHOWN = 12  # n-grams shown of each list


def explain(config: Config, context: Context):
    """The walkthrough: unigram model, n-grams of [1, 4, 9, 4, 1, 4], of the first review, their
    numbering, the first review's n-gram -> id table, the augmented review and the padded
    shapes, the ngram_range=3 sizes."""
    source = context.source
    from keras_classics.explaining import Section, say, summary_text

    unigram = dataclasses.replace(config, ngram_range=1, ngram_buckets=0)
    yield Section(
        "ngram_range = 1 (the default): word ids -> Embedding -> average -> Dense",
        "默认 ngram_range = 1：编号跟一个 Embedding，就是常规的 NLP 处理",
        say(
            "A sentiment classifier again. With the default ngram_range = 1 it is the usual NLP "
            "recipe, word ids followed by an Embedding; the interesting case is ngram_range > 1.\n",
            "该文件功能上也是文本情感分类。默认的代码中 ngram_range = 1，这就差不多是常规的 NLP "
            "处理，编号跟一个 Embedding，比较简单；所以我们还是分析一下 ngram_range > 1 的情况。\n",
        )
        + summary_text(build_model(unigram)),
    )
    example = [1, 4, 9, 4, 1, 4]
    yield Section(
        "n-grams of [1, 4, 9, 4, 1, 4]: neighbours taken in order, duplicates removed",
        "ngram 的例子：按照顺序两两（或三三）组合，并去掉重复项",
        f"create_ngram_set({example}, ngram_value=2)\n{create_ngram_set(example, 2)}\n"
        f"create_ngram_set({example}, ngram_value=3)\n{create_ngram_set(example, 3)}\n"
        + say(
            "Neighbours are paired (or grouped by three) in order and duplicates removed.",
            "就是按照顺序两两（或三三）组合，并去掉重复项。",
        ),
    )
    limit = 1000 if source.synthetic else 0
    (x_train, _), (x_test, _) = imdb.load(
        source, num_words=config.max_features, train_count=limit, test_count=limit
    )
    first = list(x_train[0])
    bigrams = create_ngram_set(first, 2)
    trigrams = create_ngram_set(first, 3)
    yield Section(
        "The first training review and its n-grams (ngram_range = 2, then 3)",
        "x_train 中的第一个句子及其 ngram（ngram_range = 2 和 3）",
        say("read from ", "读自 ")
        + say(imdb.describe_origin(source), imdb.describe_origin(source, "zh"))
        + f"\n{first}\n"
        + say(
            f"{len(bigrams)} bigrams, the first {min(SHOWN, len(bigrams))} in sorted order (the "
            "seed printed the whole set, in the set's own order):\n",
            f"{len(bigrams)} 个 bigram，这里按排序列出前 {min(SHOWN, len(bigrams))} 个（原文按集合"
            "本身的顺序打印了全部）：\n",
        )
        + f"{sorted(bigrams)[:SHOWN]} ...\n"
        + say(
            f"{len(trigrams)} trigrams, the first {min(SHOWN, len(trigrams))} in sorted order:\n",
            f"{len(trigrams)} 个 trigram，按排序列出前 {min(SHOWN, len(trigrams))} 个：\n",
        )
        + f"{sorted(trigrams)[:SHOWN]} ...",
    )
    table = ngram_table(x_train, 3, config.max_features)
    head = "\n".join(f"{k}:{v}" for k, v in list(table.items())[:8])
    yield Section(
        f"n-gram ids from max_features + 1 = {config.max_features + 1} ({len(x_train)} reviews, "
        f"ngram_range = 3: {len(table):,} n-grams)",
        f"对 ngram 进行编码，从 max_features + 1 = {config.max_features + 1} 开始（{len(x_train)} "
        f"条评论，ngram_range = 3：{len(table):,} 个 ngram）",
        say(
            f"Every bigram and trigram of the {len(x_train)} training reviews gets an id after "
            f"the words' ones; the first 8 of the {len(table):,}, in sorted order:\n",
            f"{len(x_train)} 条训练评论中的每个 bigram 和 trigram 都得到一个编号，接在单词的编号后面；"
            f"{len(table):,} 个中按排序的前 8 个：\n",
        )
        + f"{head}\n...\nmax_features = {max(table.values()) + 1:,}",
    )
    augmented = add_ngram([first], table, 3)[0]
    # The first review's n-grams in the order add_ngram appends their ids: bigrams, then trigrams.
    ordered = [
        tuple(first[i : i + n]) for n in (2, 3) for i in range(len(first) - n + 1)
    ]  # fmt: skip
    pairs = [gram for gram in ordered if len(gram) == 2]
    triples = [gram for gram in ordered if len(gram) == 3]
    why = "\n".join(f"{gram}:{table[gram]}" for gram in [*pairs[:SHOWN], *triples[:SHOWN]])
    yield Section(
        "The first review with its n-gram ids appended, and why: each n-gram's id",
        "重新编码后的第一个句子（后面接上 ngram 的编号），以及变换理由：每个 ngram 的编号",
        say(
            f"{len(first)} words + {len(augmented) - len(first)} n-gram ids (one per n-gram as "
            "it occurs, repeats included); the last 5 words and the first 25 ids:\n",
            f"{len(first)} 个单词 + {len(augmented) - len(first)} 个 ngram 编号（每出现一次就接一"
            "个，重复的也算）；最后 5 个单词和前 25 个编号：\n",
        )
        + f"{augmented[len(first) - 5 : len(first) + 25]} ...\n"
        + say(
            f"why: the first {min(SHOWN, len(pairs))} of its {len(pairs)} bigrams and the first "
            f"{min(SHOWN, len(triples))} of its {len(triples)} trigrams in the order they are "
            "appended, with their ids:\n",
            f"变换理由：按追加的顺序，{len(pairs)} 个 bigram 中的前 {min(SHOWN, len(pairs))} 个和 "
            f"{len(triples)} 个 trigram 中的前 {min(SHOWN, len(triples))} 个，及其编号：\n",
        )
        + why,
    )
    padded = [
        keras.utils.pad_sequences(add_ngram(x, table, 3), maxlen=config.maxlen)
        for x in (x_train, x_test)
    ]
    yield Section(
        f"pad_sequences(maxlen={config.maxlen}): the shapes the network trains and tests on",
        f"然后进行 pad_sequences（maxlen={config.maxlen}），pad 之后的 shape",
        f"x_train shape: {padded[0].shape}\nx_test shape: {padded[1].shape}\n"
        + say(
            "(the seed, on all of IMDB: x_train shape: (25000, 400), x_test shape: (25000, 400))",
            "（原文用的是完整的 IMDB：x_train shape: (25000, 400)，x_test shape: (25000, 400)）",
        ),
    )
    trigram = dataclasses.replace(config, ngram_range=3, ngram_buckets=0, max_features=20000)
    spec = default_spec(trigram)
    parameters, weights_gb, training_gb = footprint(trigram, spec)
    hashed = dataclasses.replace(trigram, ngram_buckets=2**20)
    hashed_count = parameter_count(hashed, default_spec(hashed))
    embedding = spec.max_features * trigram.embedding_dims
    yield Section(
        "ngram_range = 3 on all of IMDB (not built here)",
        "ngram_range = 3 时的神经网络（完整的 IMDB，这里只计算，不创建）",
        f"embedding: Embedding({spec.max_features:,}, {trigram.embedding_dims}) -> "
        f"{embedding:,} "
        + say("parameters; dense: ", "个参数；dense：")
        + f"{trigram.embedding_dims + 1}\nTotal params: {parameters:,} = "
        + say(
            f"{weights_gb:.2f} GB of weights, about {training_gb:.1f} GB to train with Adam\n",
            f"{weights_gb:.2f} GB 的权重，用 Adam 训练大约需要 {training_gb:.1f} GB\n",
        )
        + say(
            f"The parameters grow more than {parameters // 1_000_051}-fold: max_features was "
            f"20000 and becomes {spec.max_features:,} with the n-grams; a GPU that held the "
            "unigram model may not hold this one.\n",
            f"可以看到参数量大了 {parameters // 1_000_051} 多倍，因为原来 max_features = 20000，"
            f"而加上 ngram 之后 max_features = {spec.max_features:,}；ngram_range = 1 时 GPU 空间"
            "还够的话，加上 ngram 之后 GPU 空间有可能就不足了。\n",
        )
        + say(
            f"hashed into 2**20 buckets (--set ngram_buckets=1048576): {hashed_count:,} parameters",
            f"哈希到 2**20 个桶（--set ngram_buckets=1048576）：{hashed_count:,} 个参数",
        ),
    )
