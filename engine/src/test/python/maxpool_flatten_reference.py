#!/usr/bin/python3
"""Reference values for Kiln's MaxPooling1D and Flatten.

What it is
    Keras 3's MaxPooling1D (keras/src/layers/pooling/max_pooling1d.py,
    base_pooling.py; ops.max_pool) and Flatten (keras/src/layers/reshaping/
    flatten.py), alone and after a Conv1D and before a Dense, computed in
    torch 1.13 float64 with gradients from torch's autograd. It writes
    engine/src/test/resources/reference/maxpool_flatten.json, which
    MaxPoolingFlattenReferenceTest reads: per case the packed inputs (the real
    steps of each sequence back to back, as Kiln holds them), the layers'
    Keras configs and weights, the outputs (packed by sequence, with each
    sequence's length, or one row per example), and the gradients of
    sum(upstream * output) with respect to the inputs and every weight.

MaxPooling1D
    Each sequence is pooled on its own, as Kiln holds it (these inputs are
    not masked, so a sequence's steps are all of it). torch's max_pool1d
    computes the windows; "valid" keeps whole windows only (a sequence shorter
    than pool_size gives none; torch would refuse the call), "same" is written
    out as TensorFlow pads: out = ceil(L / strides), pad_total =
    max((out - 1) * strides + pool_size - L, 0), left = pad_total // 2, the
    rest on the right, padded with -inf so that padding never wins a max.
    With strides 1 and an odd pool_size this is checked against torch's own
    symmetric padding. On ties torch sends the gradient to the first step that
    holds the max (checked here with return_indices on a case built with
    ties), as TensorFlow's CPU MaxPoolGrad and JAX's select_and_scatter do.

Flatten
    A batch of sequences of one length, [batch, steps, features], reshaped
    row-major to [batch, steps * features] (Keras' channels_last order).

Precision
    float64 throughout; every input and weight is first rounded to float32, so
    the Java side reads exactly the numbers used here.

Rerun (from the repository root; Debian's python3 with torch 1.13)
    /usr/bin/python3 engine/src/test/python/maxpool_flatten_reference.py [OUT.json]
    Output is deterministic (fixed seed): a rerun writes the same bytes.
"""

import os
import sys

import torch
import torch.nn.functional as F

from layer_cases import Case, config, write

SEED = 20261204
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.normpath(os.path.join(HERE, "..", "resources", "reference", "maxpool_flatten.json"))

torch.set_default_dtype(torch.float64)
generator = torch.Generator().manual_seed(SEED)


def f32(t):
    """Rounded to float32, held as float64."""
    return t.float().double()


def randn(*shape, scale=1.0):
    return f32(torch.randn(*shape, generator=generator) * scale)


def small_integers(*shape):
    """Values from -2 to 2, so that windows hold their max more than once."""
    return torch.randint(-2, 3, shape, generator=generator).double()


# Keras' layers on a list of sequences, each [length, features] ------------------------------------


def tf_same_padding(length, pool_size, strides):
    out = -(-length // strides)
    total = max((out - 1) * strides + pool_size - length, 0)
    return total // 2, total - total // 2


def max_pool_one(x, pool_size, strides, padding):
    """One sequence [length, features] -> [out, features], Keras' window placement."""
    length = x.shape[0]
    row = x.t().unsqueeze(0)  # [1, features, length]
    if padding == "same":
        left, right = tf_same_padding(length, pool_size, strides)
        row = F.pad(row, (left, right), value=float("-inf"))
    if row.shape[2] < pool_size:  # no whole window
        return x[:0]
    pooled, indices = F.max_pool1d(row, pool_size, strides, return_indices=True)
    first = first_max_indices(row, pool_size, strides)
    assert torch.equal(indices, first), "torch's max_pool1d did not pick the first max of a window"
    if padding == "same" and strides == 1 and pool_size % 2 == 1:
        own = F.max_pool1d(x.t().unsqueeze(0), pool_size, 1, padding=pool_size // 2)
        assert torch.equal(own, pooled), "TensorFlow's same padding differs from torch's for an odd pool"
    return pooled[0].t()


def first_max_indices(row, pool_size, strides):
    """For each window and feature, the position of the first step holding the window's max."""
    features, length = row.shape[1], row.shape[2]
    windows = (length - pool_size) // strides + 1
    out = torch.zeros(1, features, windows, dtype=torch.long)
    for w in range(windows):
        window = row[0, :, w * strides:w * strides + pool_size]
        for f in range(features):
            best = max(window[f].tolist())
            out[0, f, w] = w * strides + window[f].tolist().index(best)
    return out


def max_pooling(pool_size, strides, padding):
    def forward(sequences, weights):
        return [max_pool_one(x, pool_size, strides, padding) for x in sequences], True
    return config("MaxPooling1D", name="max_pooling1d", pool_size=[pool_size], padding=padding, strides=[strides],
                  data_format="channels_last"), forward


def flatten():
    def forward(sequences, weights):
        return torch.stack(sequences).reshape(len(sequences), -1), False  # [batch, steps * features], row-major
    return config("Flatten", name="flatten", data_format="channels_last"), forward


def conv1d(case, name, channels, filters, kernel_size, activation):
    limit = (6.0 / (kernel_size * channels + kernel_size * filters)) ** 0.5
    kernel = case.weight(name + "/kernel", f32((torch.rand(kernel_size, channels, filters, generator=generator) * 2 - 1) * limit))
    bias = case.weight(name + "/bias", randn(filters, scale=0.3))
    act = {"relu": torch.relu, "linear": lambda v: v}[activation]

    def forward(sequences, weights):
        weight = weights[kernel].permute(2, 1, 0)  # Keras [k, in, out] -> torch [out, in, k]
        return [act(F.conv1d(x.t().unsqueeze(0), weight, weights[bias])[0].t()) for x in sequences], True
    return config("Conv1D", name=name, filters=filters, kernel_size=[kernel_size], strides=[1], padding="valid",
                  data_format="channels_last", dilation_rate=[1], groups=1, activation=activation, use_bias=True), forward


def dense(case, name, inputs, units, activation):
    kernel = case.weight(name + "/kernel", randn(inputs, units, scale=0.3))
    bias = case.weight(name + "/bias", randn(units, scale=0.1))
    act = {"tanh": torch.tanh, "linear": lambda v: v}[activation]

    def forward(rows, weights):
        return act(rows @ weights[kernel] + weights[bias]), False
    return config("Dense", name=name, units=units, activation=activation), forward


# Cases ------------------------------------------------------------------------------------------


def new_case(name, lengths, features, values=None):
    return Case(name, lengths, randn(sum(lengths), features) if values is None else values)


def stack(case, *layers):
    case.layers.extend(layers)
    return case


def through_sequences(case):
    """The layers on the list of sequences; forward(sequences or rows, weights) -> (value, still sequences)."""
    def through(values, weights):
        value, sequences = list(torch.split(values, case.lengths)), True
        for _, forward in case.layers:
            value, sequences = forward(value, weights)
        return (torch.cat(value), True, [x.shape[0] for x in value]) if sequences else (value, False, None)
    return through


def cases():
    uneven = [
        ("valid, pool 2 (strides None = pool_size)", [5, 0, 1, 7, 2, 4], 3, 2, 2, "valid"),
        ("valid, pool 3, strides 1", [6, 3, 2, 1, 0], 2, 3, 1, "valid"),
        ("valid, pool 2, strides 3 (steps between windows skipped)", [10, 7, 5, 2, 1], 2, 2, 3, "valid"),
        ("same, pool 2, strides 2 (odd lengths pad on the right)", [5, 1, 4, 0, 7], 3, 2, 2, "same"),
        ("same, pool 3, strides 2", [9, 6, 2, 1, 0], 2, 3, 2, "same"),
        ("same, pool 4, strides 1 (even pool: more padding on the right)", [6, 3, 1, 0], 2, 4, 1, "same"),
        ("same, pool 3, strides 1 (checked against torch's padding)", [5, 2, 1], 2, 3, 1, "same"),
        ("same, pool 5, strides 3", [11, 4, 3, 1], 1, 5, 3, "same"),
    ]
    out = []
    for name, lengths, features, pool_size, strides, padding in uneven:
        out.append(stack(new_case("MaxPooling1D " + name, lengths, features), max_pooling(pool_size, strides, padding)))
    ties = [6, 4, 3, 1]
    out.append(stack(new_case("MaxPooling1D valid, pool 3, strides 1, tied maxima (the first takes the gradient)", ties, 3,
                              small_integers(sum(ties), 3)), max_pooling(3, 1, "valid")))
    out.append(stack(new_case("MaxPooling1D same, pool 2, strides 2, tied maxima", ties, 2, small_integers(sum(ties), 2)),
                     max_pooling(2, 2, "same")))
    out.append(stack(new_case("Flatten of 3 sequences of 4 steps", [4, 4, 4], 3), flatten()))
    out.append(stack(new_case("MaxPooling1D valid, pool 2, then Flatten", [8, 8, 8], 2), max_pooling(2, 2, "valid"), flatten()))

    case = new_case("Conv1D(relu) -> MaxPooling1D(3, 2, same) -> Flatten -> Dense(1)", [9, 9, 9], 4)
    out.append(stack(case, conv1d(case, "conv1d", 4, 3, 3, "relu"), max_pooling(3, 2, "same"), flatten(),
                     dense(case, "dense", 4 * 3, 1, "linear")))  # 9 steps -> 7 -> 4, 3 filters: 12 values

    case = new_case("MaxPooling1D(2, 1, same) -> Flatten -> Dense(2, tanh)", [7, 7, 7, 7], 2)
    out.append(stack(case, max_pooling(2, 1, "same"), flatten(), dense(case, "dense", 7 * 2, 2, "tanh")))
    return [c.run(through_sequences(c), randn) for c in out]


def main(argv):
    target = argv[1] if len(argv) > 1 else DEFAULT_OUT
    document = {
        "about": "Reference values for Kiln's MaxPooling1D and Flatten: Keras 3's semantics by torch " + torch.__version__
                 + " max_pool1d (TensorFlow's 'same' padding, with -inf) and reshape in float64, alone and with Conv1D and "
                 "Dense; inputs and weights rounded to float32, gradients of sum(upstream * output) by autograd. Written "
                 "by engine/src/test/python/maxpool_flatten_reference.py.",
        "seed": SEED,
        "cases": cases(),
    }
    write(target, document)


if __name__ == "__main__":
    main(sys.argv)
