#!/usr/bin/python3
"""Reference values for Kiln's Conv1D.

What it is
    Keras 3's Conv1D (keras/src/layers/convolutional/conv1d.py, base_conv.py):
    a cross-correlation of each sequence with a kernel [kernel_size, in,
    filters], plus a bias, then the activation; computed here by torch 1.13's
    conv1d in float64 (torch also cross-correlates; its weight layout is
    [filters, in, kernel_size], so the Keras kernel is permuted (2, 1, 0)).
    Each sequence is convolved on its own, as Kiln holds it (the real steps
    only: these inputs are not masked, so a sequence's steps are all of it).
    It writes engine/src/test/resources/reference/conv1d.json, which
    Conv1DReferenceTest reads: per case the Keras config, the packed inputs,
    the weights, an upstream gradient, the packed outputs with each
    sequence's length, and the gradients of sum(upstream * output) with
    respect to the inputs, the kernel and the bias (torch's autograd).

"same" padding
    Written out as TensorFlow pads: out = ceil(L / stride), pad_total =
    max((out - 1) * stride + (k - 1) * dilation + 1 - L, 0), left =
    pad_total // 2, the rest on the right (torch's padding='same' pads the
    other way round and refuses strides, so it is not used).

Precision
    float64 throughout; every input and weight is first rounded to float32,
    so the Java side reads exactly the numbers used here. With stride 1 the
    explicit "same" padding is checked against torch's padding='same'.

Rerun (from the repository root; Debian's python3 with torch 1.13)
    /usr/bin/python3 engine/src/test/python/conv1d_reference.py [OUT.json]
    Output is deterministic (fixed seed): a rerun writes the same bytes.
"""

import json
import os
import sys

import torch
import torch.nn.functional as F

OUT = os.path.join("engine", "src", "test", "resources", "reference", "conv1d.json")
ACTIVATIONS = {"linear": lambda x: x, "relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}

# name, lengths, channels, filters, kernel_size, strides, dilation_rate, padding, activation
CASES = [
    ("valid k3", [5, 0, 1, 7, 2], 3, 4, 3, 1, 1, "valid", "linear"),
    ("same k3", [5, 0, 1, 7, 2], 3, 4, 3, 1, 1, "same", "linear"),
    ("valid k5 relu, lengths below the kernel", [9, 4, 5, 1, 0, 12], 4, 6, 5, 1, 1, "valid", "relu"),
    ("same k4 (even kernel: more padding on the right)", [6, 3, 1, 0, 8], 2, 3, 4, 1, 1, "same", "tanh"),
    ("valid stride 2", [9, 6, 3, 2, 1, 0], 3, 2, 3, 2, 1, "valid", "linear"),
    ("same stride 3", [10, 7, 5, 2, 1, 0], 2, 3, 2, 3, 1, "same", "sigmoid"),
    ("valid dilation 2", [11, 5, 4, 1, 0], 3, 3, 3, 1, 2, "valid", "tanh"),
    ("same dilation 3", [9, 6, 2, 1, 0], 2, 4, 3, 1, 3, "same", "relu"),
    ("same stride 2 k5", [1, 2, 3, 4, 5, 6, 0], 3, 2, 5, 2, 1, "same", "linear"),
    ("valid k1", [4, 1, 0, 3], 5, 3, 1, 1, 1, "valid", "relu"),
]


def f32(t):
    """Rounded to float32, held as float64."""
    return t.float().double()


def same_padding(length, kernel_size, stride, dilation):
    out = -(-length // stride)
    total = max((out - 1) * stride + (kernel_size - 1) * dilation + 1 - length, 0)
    return total // 2, total - total // 2


def flat(t):
    return [float(v) for v in t.reshape(-1).tolist()]


def run(case, generator):
    name, lengths, channels, filters, k, stride, dilation, padding, activation = case
    values = f32(torch.randn(sum(lengths), channels, generator=generator, dtype=torch.float64)).requires_grad_()
    limit = (6.0 / (k * channels + k * filters)) ** 0.5
    kernel = f32((torch.rand(k, channels, filters, generator=generator, dtype=torch.float64) * 2 - 1) * limit).requires_grad_()
    bias = f32(torch.randn(filters, generator=generator, dtype=torch.float64) * 0.3).requires_grad_()
    weight = kernel.permute(2, 1, 0)  # Keras [k, in, out] -> torch [out, in, k]
    outputs, output_lengths, start = [], [], 0
    for length in lengths:
        x = values[start:start + length].t().unsqueeze(0)  # [1, in, L]
        start += length
        if padding == "same":
            left, right = same_padding(length, k, stride, dilation)
            x = F.pad(x, (left, right))
        span = (k - 1) * dilation + 1
        if x.shape[2] < span:  # no whole window: an empty output (torch would refuse the call)
            output_lengths.append(0)
            continue
        y = F.conv1d(x, weight, bias, stride=stride, dilation=dilation)[0].t()  # [out_len, filters]
        if padding == "same" and stride == 1:  # cross-check the explicit padding against torch's own 'same'
            unpadded = values[start - length:start].t().unsqueeze(0)
            check = F.conv1d(unpadded, weight, bias, padding="same", dilation=dilation)[0].t()
            assert torch.allclose(check, y, rtol=0, atol=1e-12), name
        outputs.append(ACTIVATIONS[activation](y))
        output_lengths.append(y.shape[0])
    output = torch.cat(outputs) if outputs else torch.zeros(0, filters, dtype=torch.float64)
    upstream = f32(torch.randn(output.shape, generator=generator, dtype=torch.float64))
    (output * upstream).sum().backward()
    config = {"name": "conv1d", "filters": filters, "kernel_size": [k], "strides": [stride], "padding": padding,
              "data_format": "channels_last", "dilation_rate": [dilation], "groups": 1, "activation": activation,
              "use_bias": True}
    return {"name": name, "config": config, "lengths": lengths, "channels": channels, "values": flat(values),
            "kernel": flat(kernel), "bias": flat(bias), "upstream": flat(upstream), "output_lengths": output_lengths,
            "output": flat(output), "gradients": {"values": flat(values.grad), "kernel": flat(kernel.grad),
                                                  "bias": flat(bias.grad)}}


def main(argv):
    generator = torch.Generator().manual_seed(14)
    document = {"about": "Keras 3 Conv1D by torch 1.13 conv1d in float64 (engine/src/test/python/conv1d_reference.py): "
                         "packed inputs and weights rounded to float32, kernel [kernel_size, in, filters], outputs "
                         "packed by sequence, gradients of sum(upstream * output) by autograd",
                "cases": [run(case, generator) for case in CASES]}
    with open(argv[1] if len(argv) > 1 else OUT, "w") as out:
        out.write(json.dumps(document, indent=1, allow_nan=False) + "\n")


if __name__ == "__main__":
    main(sys.argv)
