"""The walkthrough of lstm_stateful (`keras-classics explain lstm_stateful`): the seed's steps, in
order."""

from __future__ import annotations

from keras_classics.examples.lstm_stateful import (
    Config,
    create_model,
    load_data,
    mse,
    stateful_order,
)
from keras_classics.registry import Context


def explain(config: Config, context: Context):
    """The walkthrough: inputs and targets, shapes, the stateful layout, both models."""
    source = context.source
    from keras_classics.explaining import Section, array_text, say, summary_text

    converge = "ALSO CONVERGE" if config.lahead >= config.tsteps else "NOT CONVERGE"
    data = load_data(config, source)
    (x_train, y_train), (x_test, y_test) = data.train, data.test
    yield Section(
        f"lahead {config.lahead}, tsteps {config.tsteps}: STATELESS LSTM WILL {converge}",
        f"lahead {config.lahead}，tsteps {config.tsteps}：无状态 LSTM "
        + ("也会收敛" if config.lahead >= config.tsteps else "不会收敛"),
        "*" * 33 + f"\nSTATELESS LSTM WILL {converge}\n" + "*" * 33,
    )
    note = say(
        f"y_train is the mean of the last {config.tsteps} inputs",
        f"y_train 是最近 {config.tsteps} 个输入的平均值",
    )
    if config.tsteps == 2 and config.lahead == 1:
        a, b, dropped = x_train[0, 0, 0], x_train[1, 0, 0], data.dropped[-1]
        first = f"({dropped:.8f} + {a:.8f}) / 2 = {y_train[0, 0]:.8f}"
        note += say(
            f": y_train[1] = ({a:.8f} + {b:.8f}) / 2 = {y_train[1, 0]:.8f}; y_train[0] also "
            f"averages the dropped first input: {first}",
            f"，也就是 x_train 两两数的平均值：y_train[1] = ({a:.8f} + {b:.8f}) / 2 = "
            f"{y_train[1, 0]:.8f}；y_train[0] 则用到了 x_train 最初被舍去的第一个数：{first}",
        )
    yield Section(
        "Inputs and targets: print(x_train[:10]), print(y_train[:10])",
        "输入和输出数据：print(x_train[:10])，print(y_train[:10])",
        f"print(x_train[:10])\n{array_text(x_train[:10])}print(y_train[:10])\n"
        f"{array_text(y_train[:10])}" + note,
    )
    yield Section(
        "Shapes",
        "数据形状",
        f"x_train.shape: {x_train.shape}\ny_train.shape: {y_train.shape}\n"
        f"x_test.shape: {x_test.shape}\ny_test.shape: {y_test.shape}",
    )
    demo_batch = max(config.batch_size, 3)
    order = stateful_order(12, demo_batch)
    batches = [order[k : k + demo_batch].tolist() for k in range(0, 12, demo_batch)]
    yield Section(
        "The stateful layout: sample i of batch k+1 continues sample i of batch k",
        "有状态 LSTM 的数据排列：第 k+1 批的第 i 个样本接着第 k 批的第 i 个样本",
        say(
            f"time steps 0..11 with batch_size {demo_batch}: batches ",
            f"时间步 0..11，batch_size 为 {demo_batch} 时分成的批：",
        )
        + f"{batches}\n"
        + say(
            f"(batch_size {config.batch_size} here: the series is one stream, fed in time "
            "order). fit(..., shuffle=False) keeps this order; reset_state() after each epoch.",
            f"（这里 batch_size 为 {config.batch_size}：整个序列是一条数据流，按时间顺序输入。）"
            "注意：有状态时要在 fit 中设置 shuffle=False，才能保持这个顺序；每个 epoch 之后调用 "
            "reset_state()。",
        ),
    )
    for name, stateful in (("stateful", True), ("stateless", False)):
        yield Section(
            f"The {name} model (stateful={stateful}): the same layers",
            f"{'有' if stateful else '无'}状态模型（stateful={stateful}）：结构相同",
            summary_text(create_model(config, stateful, data.spec)),
        )
    half = mse(y_test, x_test[:, -1, :] / 2, config)
    yield Section(
        "What a stateless LSTM can reach with lahead 1: predicting x_t / 2",
        "lahead 为 1 时无状态 LSTM 的极限：预测 x_t / 2",
        say(
            f"MSE of x_t / 2 on the test part: {half:.3g} (a stateless model never sees x_(t-1); "
            "the seed's stateless run ended at val_loss 9.6e-04, its stateful run at 3.0e-06)",
            f"用 x_t / 2 作为预测，在测试集上的 MSE：{half:.3g}（无状态模型看不到 x_(t-1)；原文中"
            "无状态模型训练结束时 val_loss 为 9.6e-04，有状态模型为 3.0e-06）",
        ),
    )
