#!/usr/bin/python3
"""Reference values for Kiln's sequence pooling, LayerNormalization and Dense on sequences.

What it is
    Keras 3's formulas for GlobalAveragePooling1D (with a mask),
    GlobalMaxPooling1D, LayerNormalization and Dense on 3-D input, written in
    torch 1.13 float64 on padded [batch, steps, features] tensors exactly as
    Keras computes them, with gradients from torch's autograd. It writes
    engine/src/test/resources/reference/pooling_layernorm.json, which
    PoolingLayerNormReferenceTest reads: for each case the packed inputs (the
    real steps only, as Kiln holds them), the layers' Keras configs and
    weights, the outputs, and the gradients of sum(upstream * output) with
    respect to the inputs and every weight.

Which Keras (keras-team/keras, keras/src/layers/)
    pooling/global_average_pooling1d.py  sum(where(mask, x, 0)) / sum(mask)
    pooling/global_max_pooling1d.py      max over the steps (takes no mask)
    normalization/layer_normalization.py moments over axis -1, biased variance;
                                         x * inv + (beta - mean * inv),
                                         inv = rsqrt(variance + epsilon) * gamma
    core/dense.py                        x @ kernel + bias on the last axis

Where Kiln differs from Keras, on purpose (and this script follows Kiln)
    * An empty sequence: Keras' masked average divides 0 by 0 (NaN); Kiln and
      this script give zeros (the count is clamped to 1, which changes nothing
      for a sequence with a real step).
    * GlobalMaxPooling1D: Keras 3 takes no mask and so also takes the max over
      padded steps (tf.keras 2 refuses the masked input); Kiln and this script
      take the max over the real steps only (padded steps are -inf here) and
      give zeros for an empty sequence. Tied maxima share the gradient evenly
      (torch.amax's rule, also TensorFlow's), and one case has ties on purpose.
    Padded steps hold large random values, so a formula that looked at them
    would be caught.

Precision
    All arithmetic is float64. Every input and weight is first rounded to
    float32, so the Java side reads exactly the numbers used here. The script
    checks its layer normalization against torch.nn.functional.layer_norm and
    its masked average against the unclamped Keras formula on the non-empty
    sequences, and aborts if they differ.

Rerun (from the repository root; Debian's python3 with torch 1.13)
    /usr/bin/python3 engine/src/test/python/pooling_layernorm_reference.py
    /usr/bin/python3 engine/src/test/python/pooling_layernorm_reference.py OUT.json
    Output is deterministic (fixed seeds): a rerun writes the same bytes.
"""

import os
import sys

import torch

from layer_cases import Case, config, write

SEED = 20261203
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.normpath(os.path.join(HERE, "..", "resources", "reference", "pooling_layernorm.json"))
PADDING_VALUE_SCALE = 100.0

torch.set_default_dtype(torch.float64)
generator = torch.Generator().manual_seed(SEED)


def f32(t):
    """Rounded to float32, held as float64."""
    return t.float().double()


def randn(*shape, scale=1.0, shift=0.0):
    return f32(torch.randn(*shape, generator=generator) * scale + shift)


def padded(packed, lengths):
    """[batch, max steps, features] with the real steps from `packed` and large random padding; the mask."""
    steps = max(max(lengths), 1)
    features = packed.shape[1]
    out = randn(len(lengths), steps, features, scale=PADDING_VALUE_SCALE)
    mask = torch.zeros(len(lengths), steps, dtype=torch.bool)
    offset = 0
    for s, length in enumerate(lengths):
        out[s, :length] = packed[offset:offset + length]
        mask[s, :length] = True
        offset += length
    return out, mask


def packed_rows(x, mask):
    """The real steps of [batch, steps, features] back to back: [tokens, features]."""
    return x[mask]


# Keras' layers as formulas --------------------------------------------------------------------


def global_average_pooling(x, mask):
    inputs = torch.where(mask.unsqueeze(2), x, torch.zeros(()))
    count = mask.unsqueeze(2).double().sum(dim=1)
    keras = inputs.sum(dim=1) / count
    kiln = inputs.sum(dim=1) / count.clamp(min=1)
    nonempty = mask.any(dim=1)
    assert torch.equal(keras[nonempty], kiln[nonempty]), "masked average differs from Keras' formula"
    return kiln


def global_max_pooling(x, mask):
    real = torch.where(mask.unsqueeze(2), x, torch.full((), float("-inf")))
    nonempty = mask.any(dim=1, keepdim=True)
    safe = torch.where(nonempty.unsqueeze(2), real, torch.zeros(()))
    return torch.amax(safe, dim=1)


def layer_normalization(x, gamma, beta, epsilon):
    mean = x.mean(dim=-1, keepdim=True)
    variance = ((x - mean) ** 2).mean(dim=-1, keepdim=True)
    inv = torch.rsqrt(variance + epsilon)
    if gamma is not None:
        inv = inv * gamma
    res = -mean * inv
    if beta is not None:
        res = res + beta
    out = x * inv + res
    check = torch.nn.functional.layer_norm(x, (x.shape[-1],), gamma, beta, epsilon)
    assert torch.allclose(out, check, rtol=1e-12, atol=1e-12), "layer normalization differs from torch's"
    return out


def dense(x, kernel, bias, activation):
    y = torch.tensordot(x, kernel, dims=([x.dim() - 1], [0])) + bias
    return {"linear": lambda v: v, "tanh": torch.tanh}[activation](y)


# Cases -----------------------------------------------------------------------------------------


def new_case(name, lengths, features, values=None):
    return Case(name, lengths, randn(sum(lengths), features) if values is None else values)


def through_padded(case):
    """The layers on [batch, steps, features] with large random padding; forward(x, mask, weights) -> (x, mask or None)."""
    def through(values, weights):
        x, mask = padded(values, case.lengths)
        for _, forward in case.layers:
            x, mask = forward(x, mask, weights)
        return (packed_rows(x, mask) if mask is not None else x), mask is not None, None
    return through


def add_average(case, name):
    case.layers.append((config("GlobalAveragePooling1D", name=name, data_format="channels_last", keepdims=False),
                        lambda x, mask, w: (global_average_pooling(x, mask), None)))


def add_max(case, name):
    case.layers.append((config("GlobalMaxPooling1D", name=name, data_format="channels_last", keepdims=False),
                        lambda x, mask, w: (global_max_pooling(x, mask), None)))


def add_layer_normalization(case, name, features, epsilon=1e-3, center=True, scale=True):
    gamma = case.weight(name + "/gamma", randn(features, scale=0.5, shift=1.0)) if scale else None
    beta = case.weight(name + "/beta", randn(features, scale=0.5)) if center else None
    case.layers.append((config("LayerNormalization", name=name, axis=-1, epsilon=epsilon, center=center, scale=scale),
                        lambda x, mask, w: (layer_normalization(x, w.get(gamma), w.get(beta), epsilon), mask)))


def add_dense(case, name, inputs, units, activation):
    kernel = case.weight(name + "/kernel", randn(inputs, units, scale=0.5))
    bias = case.weight(name + "/bias", randn(units, scale=0.1))
    case.layers.append((config("Dense", name=name, units=units, activation=activation),
                        lambda x, mask, w: (dense(x, w[kernel], w[bias], activation), mask)))


def with_ties(lengths, features):
    """Values in which a sequence's largest step recurs (a repeated token), so its maxima tie: feature 0 three times."""
    values = randn(sum(lengths), features)
    offset = 0
    for length in lengths:
        if length >= 3:
            values[offset] = f32(values[offset].abs() + 2)
            values[offset + length - 1] = values[offset]
            values[offset + 1, 0] = values[offset, 0]
        offset += length
    return values


def cases():
    out = []

    case = new_case("GlobalAveragePooling1D", [3, 0, 1, 5, 2], 4)
    add_average(case, "global_average_pooling1d")
    out.append(case)

    case = new_case("GlobalMaxPooling1D", [3, 0, 1, 5, 2], 4)
    add_max(case, "global_max_pooling1d")
    out.append(case)

    case = new_case("GlobalMaxPooling1D with tied maxima", [4, 1, 0, 3], 3, with_ties([4, 1, 0, 3], 3))
    add_max(case, "global_max_pooling1d")
    out.append(case)

    for name, epsilon, center, scale in [("layer_normalization", 1e-3, True, True),
                                         ("scale_only", 0.1, False, True),
                                         ("center_only", 1e-3, True, False),
                                         ("neither", 1e-2, False, False)]:
        case = new_case("LayerNormalization per token, " + name, [2, 0, 1, 4], 5)
        add_layer_normalization(case, name, 5, epsilon, center, scale)
        out.append(case)

    case = new_case("LayerNormalization on one feature", [2, 1], 1)
    add_layer_normalization(case, "layer_normalization", 1)
    out.append(case)

    case = new_case("Dense per step", [3, 0, 1, 2], 4)
    add_dense(case, "dense", 4, 3, "linear")
    out.append(case)

    # The checked model: Embedding output -> GlobalAveragePooling1D -> LayerNormalization -> Dense(1),
    # with a Dense per step in front.
    case = new_case("Dense(tanh) per step, average, LayerNormalization, Dense(1)", [4, 0, 1, 6, 2], 6)
    add_dense(case, "dense", 6, 5, "tanh")
    add_average(case, "global_average_pooling1d")
    add_layer_normalization(case, "layer_normalization", 5)
    add_dense(case, "dense_1", 5, 1, "linear")
    out.append(case)

    case = new_case("Dense(tanh) per step, LayerNormalization per token, max, Dense(2)", [4, 0, 1, 6, 2], 6)
    add_dense(case, "dense", 6, 5, "tanh")
    add_layer_normalization(case, "layer_normalization", 5, epsilon=0.01)
    add_max(case, "global_max_pooling1d")
    add_dense(case, "dense_1", 5, 2, "linear")
    out.append(case)
    return [case.run(through_padded(case), randn) for case in out]


def main(argv):
    target = argv[1] if len(argv) > 1 else DEFAULT_OUT
    document = {
        "about": "Reference values for Kiln's GlobalAveragePooling1D, GlobalMaxPooling1D, LayerNormalization and Dense on "
                 "sequences: Keras 3's formulas on padded float64 tensors (torch " + torch.__version__ + "), inputs and weights "
                 "rounded to float32, gradients of sum(upstream * output) by autograd. Empty sequences give zeros and the "
                 "max is over the real steps (Kiln's choices; see the script). Written by "
                 "engine/src/test/python/pooling_layernorm_reference.py.",
        "seed": SEED,
        "cases": cases(),
    }
    write(target, document)


if __name__ == "__main__":
    main(sys.argv)
