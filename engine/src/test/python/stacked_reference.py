#!/usr/bin/python3
"""PyTorch float64 reference fixture for Kiln's stacked model in miniature (issue 14).

What it is
    The stacked tutorial architecture, made small:

        Embedding(12, 5, mask_zero=True)
          -> Bidirectional(LSTM(4, return_sequences=True))
          -> Bidirectional(LSTM(3))
          -> Dense(6, relu) -> Dropout(0.5, seed=1234) -> Dense(1)
        BinaryCrossentropy(from_logits=True), mean over the batch
        Adam(learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-7)

    computed with Keras semantics in PyTorch (autograd, float64) and written as
    engine/src/test/resources/reference/stacked_model.json, which
    engine/src/test/java/dev/kiln/engine/layer/StackedModelFixtureTest.java reads.
    It mirrors the seed model's fixture (../shared/fixtures/bilstm_reference.json,
    read by BiLstmFixtureTest); the "about" entry of the JSON states every rule.

Semantics (Keras', in Kiln's weight layout)
    * Masking is by true length: a row's tokens are its ids up to the first 0
      (rows are right-padded with 0, and 0 is never a real token). Padding is
      never processed. Every LSTM starts from zero h and c.
    * LSTM: kernel [input, 4u], recurrent_kernel [u, 4u], bias [4u], gate blocks
      i, f, c, o along the 4u axis; z = x.kernel + h.recurrent_kernel + bias;
      i, f, o = sigmoid, g = tanh(z_c); c' = f*c + i*g; h' = o*tanh(c').
    * Bidirectional(LSTM(4, return_sequences=True)): the forward copy reads
      t = 0..len-1, the backward copy t = len-1..0; the output at real position
      t is [forward h after token t, backward h after token t] (Keras reverses the
      backward sequence back into place). Padding positions have no output.
    * Bidirectional(LSTM(3)) reads those per-position vectors with the same
      lengths; its output is [forward final h (after t = len-1), backward final h
      (after t = 0)]. An empty row (length 0) gives zeros.
    * Dense kernel [in, out], y = x.kernel + bias.
    * Dropout(0.5) is inverted dropout, active only in training: element j of
      example r is kept iff CounterRandom.uniform(seed, step, r, j) >= rate, kept
      values scaled by 1/(1-rate). CounterRandom (Kiln's
      engine/src/main/java/dev/kiln/engine/random/CounterRandom.java) is
      reimplemented below exactly, with Python ints masked to 64 bits. step is the
      optimizer's step count before the update: 0 for the first training step,
      1 for the second.
    * Adam in Keras' form from m = v = 0: alpha = lr*sqrt(1-b2^t)/(1-b1^t);
      m += (g-m)(1-b1); v += (g^2-v)(1-b2); w -= alpha*m/(sqrt(v)+eps), applied
      densely to every weight (the embedding included) with the exact float64
      hyperparameters.

Data
    SEED = 7 was chosen among the first 60 seeds because its draw exercises the
    ReLU well: every dense unit is live in some row and two are dead in others,
    every row keeps a live unit after the step-0 dropout, and no pre-activation
    is within 1e-3 of the kink (the script asserts the last). The batch has
    lengths 5, 0, 7, 1, 3, 2: an empty row, a one-token row and a full row.

Precision
    All arithmetic is float64. The weights are drawn, then rounded to float32,
    so that Kiln (which stores float32) starts from exactly the same values.

Rerun (from the repository root; Debian's python3, which has torch 1.13):
    /usr/bin/python3 engine/src/test/python/stacked_reference.py            # writes the fixture
    /usr/bin/python3 engine/src/test/python/stacked_reference.py OUT.json   # writes elsewhere
    The output is deterministic (torch.manual_seed(SEED)); a rerun gives a
    byte-identical file.
"""

import json
import os
import sys

import numpy as np
import torch

SEED = 7
VOCAB, DIM = 12, 5
UNITS_1, UNITS_2 = 4, 3
DENSE = 6
RATE = 0.5
DROPOUT_SEED = 1234
LR, BETA_1, BETA_2, EPSILON = 0.01, 0.9, 0.999, 1e-7
LENGTHS = [5, 0, 7, 1, 3, 2]
MAX_LEN = 7
LABELS = [1.0, 0.0, 1.0, 0.0, 0.0, 1.0]

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.normpath(os.path.join(HERE, "..", "resources", "reference", "stacked_model.json"))

torch.set_default_dtype(torch.float64)

# ---------------------------------------------------------------------------
# CounterRandom, exactly as Kiln's Java (64-bit wrap-around arithmetic)
# ---------------------------------------------------------------------------
MASK64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def mix(z):
    """SplitMix64's finalizer on an unsigned 64-bit int (Java's >>> is Python's >> on it)."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def uniform(seed, step, example, element):
    """CounterRandom.uniform: the top 24 bits of h over 2^24 (exact in float32 and float64)."""
    h = mix((seed + GOLDEN * (step + 1)) & MASK64)
    h = mix((h + GOLDEN * (example + 1)) & MASK64)
    h = mix((h + GOLDEN * (element + 1)) & MASK64)
    return (h >> 40) * 2.0 ** -24


def dropout_draws(step, batch, width):
    return [[uniform(DROPOUT_SEED, step, r, j) for j in range(width)] for r in range(batch)]


def dropout_mask(draws):
    """Keep iff u >= rate (rate 0.5 is exact in float32), kept values scaled by 1/(1-rate)."""
    return torch.tensor([[1.0 / (1.0 - RATE) if u >= RATE else 0.0 for u in row] for row in draws])


# ---------------------------------------------------------------------------
# weights and data
# ---------------------------------------------------------------------------
torch.manual_seed(SEED)


def f32(t):
    return t.to(torch.float32).to(torch.float64)


def lstm_shapes(prefix, inputs, units):
    return [(prefix + "/kernel", (inputs, 4 * units)), (prefix + "/recurrent_kernel", (units, 4 * units)),
            (prefix + "/bias", (4 * units,))]


SHAPES = [("embedding/embeddings", (VOCAB, DIM))]
SHAPES += lstm_shapes("bidirectional/forward_lstm", DIM, UNITS_1)
SHAPES += lstm_shapes("bidirectional/backward_lstm", DIM, UNITS_1)
SHAPES += lstm_shapes("bidirectional_1/forward_lstm_1", 2 * UNITS_1, UNITS_2)
SHAPES += lstm_shapes("bidirectional_1/backward_lstm_1", 2 * UNITS_1, UNITS_2)
SHAPES += [("dense/kernel", (2 * UNITS_2, DENSE)), ("dense/bias", (DENSE,)),
           ("dense_1/kernel", (DENSE, 1)), ("dense_1/bias", (1,))]

INITIAL = {}
for name, shape in SHAPES:
    if name == "embedding/embeddings":
        values = torch.randn(shape)
    else:
        values = torch.rand(shape) * 1.4 - 0.7  # uniform(-0.7, 0.7)
    INITIAL[name] = f32(values)

TOKENS = []
for length in LENGTHS:
    ids = torch.randint(1, VOCAB, (length,)).tolist()
    TOKENS.append(ids + [0] * (MAX_LEN - length))

# ---------------------------------------------------------------------------
# the model
# ---------------------------------------------------------------------------


def lstm_direction(xs, w, prefix, backwards):
    """xs: [len, in]. Returns (h at every position, aligned to the input; final h)."""
    kernel, recurrent, bias = w[prefix + "/kernel"], w[prefix + "/recurrent_kernel"], w[prefix + "/bias"]
    units = recurrent.shape[0]
    h = torch.zeros(units)
    c = torch.zeros(units)
    length = xs.shape[0]
    outputs = [None] * length
    order = range(length - 1, -1, -1) if backwards else range(length)
    for t in order:
        z = xs[t] @ kernel + h @ recurrent + bias
        i = torch.sigmoid(z[0:units])
        f = torch.sigmoid(z[units:2 * units])
        g = torch.tanh(z[2 * units:3 * units])
        o = torch.sigmoid(z[3 * units:4 * units])
        c = f * c + i * g
        h = o * torch.tanh(c)
        outputs[t] = h
    return outputs, h


def forward(w, masks=None, keep=None):
    """The logits [batch, 1]; with masks (training), dropout is applied. keep collects intermediates."""
    layer1, features = [], []
    for row in TOKENS:
        ids = [t for t in row if t != 0]
        xs = w["embedding/embeddings"][ids] if ids else torch.zeros(0, DIM)
        fw, _ = lstm_direction(xs, w, "bidirectional/forward_lstm", False)
        bw, _ = lstm_direction(xs, w, "bidirectional/backward_lstm", True)
        seq = torch.stack([torch.cat([fw[t], bw[t]]) for t in range(len(ids))]) if ids else torch.zeros(0, 2 * UNITS_1)
        layer1.append(seq)
        _, fh = lstm_direction(seq, w, "bidirectional_1/forward_lstm_1", False)
        _, bh = lstm_direction(seq, w, "bidirectional_1/backward_lstm_1", True)
        features.append(torch.cat([fh, bh]))
    features = torch.stack(features)
    pre = features @ w["dense/kernel"] + w["dense/bias"]
    hidden = torch.relu(pre)
    dropped = hidden * masks if masks is not None else hidden
    logits = dropped @ w["dense_1/kernel"] + w["dense_1/bias"]
    if keep is not None:
        keep["bidirectional_sequences"] = [s.tolist() for s in layer1]
        keep["bidirectional_1_output"] = features.tolist()
        keep["dense_preactivation"] = pre.tolist()
        keep["dense_output"] = hidden.tolist()
        keep["dropout_output"] = dropped.tolist()
    return logits


def bce_with_logits_mean(logits, labels):
    # Keras' from_logits form: max(x, 0) - x*z + log(1 + exp(-|x|)), then the mean over the batch.
    x = logits[:, 0]
    return (torch.clamp(x, min=0) - x * labels + torch.log1p(torch.exp(-torch.abs(x)))).mean()


LABEL_TENSOR = torch.tensor(LABELS)
NAMES = [name for name, _ in SHAPES]


def loss_and_gradients(w, masks, keep=None):
    leaves = {n: w[n].clone().requires_grad_(True) for n in NAMES}
    logits = forward(leaves, masks, keep)
    loss = bce_with_logits_mean(logits, LABEL_TENSOR)
    loss.backward()
    return logits.detach(), loss.item(), {n: leaves[n].grad.detach().clone() for n in NAMES}


def adam_step(w, g, m, v, t):
    alpha = LR * (1 - BETA_2 ** t) ** 0.5 / (1 - BETA_1 ** t)
    out_w, out_m, out_v = {}, {}, {}
    for n in NAMES:
        out_m[n] = m[n] + (g[n] - m[n]) * (1 - BETA_1)
        out_v[n] = v[n] + (g[n] * g[n] - v[n]) * (1 - BETA_2)
        out_w[n] = w[n] - alpha * out_m[n] / (torch.sqrt(out_v[n]) + EPSILON)
    return out_w, out_m, out_v


def as_lists(tensors):
    return {n: tensors[n].tolist() for n in NAMES}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT
    draws = [dropout_draws(step, len(TOKENS), DENSE) for step in (0, 1)]
    masks = [dropout_mask(d) for d in draws]

    with torch.no_grad():
        inference_keep = {}
        inference_logits = forward(INITIAL, None, inference_keep)

    step0_keep = {}
    logits0, loss0, grads0 = loss_and_gradients(INITIAL, masks[0], step0_keep)
    zeros = {n: torch.zeros_like(INITIAL[n]) for n in NAMES}
    w1, m1, v1 = adam_step(INITIAL, grads0, zeros, zeros, 1)

    step1_keep = {}
    logits1, loss1, grads1 = loss_and_gradients(w1, masks[1], step1_keep)
    w2, m2, v2 = adam_step(w1, grads1, m1, v1, 2)

    # Conditioning check, so float32 rounding cannot flip a branch: every ReLU pre-activation is
    # well away from 0. (Tiny gradients are reported: Adam's first steps amplify their absolute error.)
    for keep, label in ((step0_keep, "training step 0"), (step1_keep, "training step 1")):
        worst = min(abs(x) for row in keep["dense_preactivation"] for x in row)
        assert worst > 1e-3, f"{label}: a ReLU pre-activation is {worst}, too close to the kink"
    for grads, label in ((grads0, "training step 0"), (grads1, "training step 1")):
        small = sorted(abs(x) for n in NAMES for x in grads[n].flatten().tolist() if x != 0)
        print("%s: smallest non-zero gradient %.3g; %d of them below 1e-5" % (label, small[0], sum(x < 1e-5 for x in small)))

    live = [[x > 0 for x in row] for row in step0_keep["dense_preactivation"]]
    columns = list(zip(*live))
    live_summary = "%d of %d units live in some row, %d of them dead in some row" % (
        sum(any(c) for c in columns), DENSE, sum(any(c) and not all(c) for c in columns))
    about = (
        "Reference values for Kiln's stacked model in miniature, computed with PyTorch "
        + torch.__version__ + " autograd in float64 by engine/src/test/python/stacked_reference.py "
        "(rerun from the repository root: /usr/bin/python3 engine/src/test/python/stacked_reference.py; "
        "deterministic, torch.manual_seed(" + str(SEED) + "); embedding N(0, 1), every other weight "
        "uniform(-0.7, 0.7), all rounded to float32; token ids drawn after the weights). "
        "Model: Embedding(12, 5, mask_zero=True) -> Bidirectional(LSTM(4, return_sequences=True)) -> "
        "Bidirectional(LSTM(3)) -> Dense(6, relu) -> Dropout(0.5, seed=1234) -> Dense(1) (a logit). "
        "inputs: int ids [6, 7], right-padded with 0; real tokens are >= 1; 'lengths' are the true lengths "
        "(including an empty row and a one-token row). Masking: each row uses only its first length tokens, "
        "padding is never processed; every LSTM starts from zero h and c; an empty row gives zero LSTM outputs. "
        "The first Bidirectional's forward LSTM reads t = 0..len-1 and its backward LSTM t = len-1..0; its output "
        "at real position t is concat(forward h after token t, backward h after token t) (Keras re-aligns the "
        "backward sequence), 8 values. The second Bidirectional reads those per-position vectors with the same "
        "lengths and outputs concat(forward final h, backward final h) (backward final = after reading t = 0), 6 values. "
        "Weights in KERAS layout, named as Kiln names its parameters: embedding/embeddings [vocab, dim]; "
        "<bidirectional>/forward_<lstm>/kernel [input, 4*units], .../recurrent_kernel [units, 4*units], .../bias [4*units]; "
        "gate blocks along the 4*units axis in order i, f, c (candidate, tanh), o; z = x.kernel + h.recurrent_kernel + bias; "
        "c' = f*c + i*tanh(z_c); h' = o*tanh(c'). Dense kernel [in, out], y = x.kernel + bias. "
        "Dropout: inverted, only in training (a recording tape); element j of example r (its index in the batch) "
        "is kept iff u = CounterRandom.uniform(seed 1234, step, r, j) >= 0.5, kept values scaled by 2; "
        "CounterRandom: G = 0x9E3779B97F4A7C15, h = mix(seed + G*(step+1)); h = mix(h + G*(example+1)); "
        "h = mix(h + G*(element+1)); u = (h >>> 40) * 2^-24, 64-bit wrap-around, mix = SplitMix64's finalizer. "
        "step = the optimizer's step count before the update: training.step0 uses step 0, training.step1 step 1. "
        "dropout.draws[step] are the u values [6, 6], dropout.masks[step] the multipliers (0 or 2). "
        "loss: mean over the batch of sigmoid_cross_entropy_with_logits(labels, logits) on the training-mode logits. "
        "gradients: d loss / d weight, same keys and layout as weights (embedding gradient dense [vocab, dim]; "
        "rows of unused ids and row 0 are 0). "
        "adam: Keras' Adam(learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-7) from m = v = 0 with these "
        "float64 hyperparameters: alpha = lr*sqrt(1-b2^t)/(1-b1^t); m += (g-m)(1-b1); v += (g^2-v)(1-b2); "
        "w -= alpha*m/(sqrt(v)+epsilon), applied densely to every weight. "
        "training.step0: logits, loss and gradients at the initial weights with the step-0 masks; adam.step1: "
        "weights, m and v after the first update. training.step1: logits, loss and gradients at the step-1 weights "
        "with the step-1 masks; adam.step2: weights, m and v after the second update. "
        "inference_logits: the initial weights without dropout (evaluate / predict). "
        "dropout.relu_live_at_step0 marks the dense units with a positive pre-activation per row (" + live_summary + "). "
        "intermediates (initial weights): the first Bidirectional's per-position outputs (ragged, one [len, 8] "
        "list per row), the second's output [6, 6], the dense pre-activation and output [6, 6], and, for "
        "training step 0, the dropout output [6, 6]; for reading, not compared by the test."
    )
    doc = {
        "about": about,
        "config": {
            "vocab_size": VOCAB, "embedding_dim": DIM, "lstm_units": [UNITS_1, UNITS_2], "dense_units": DENSE,
            "dropout": {"rate": RATE, "seed": DROPOUT_SEED}, "batch": len(TOKENS), "max_len": MAX_LEN,
            "dtype": "float64", "seed": SEED, "gate_order": ["i", "f", "c", "o"], "merge_mode": "concat",
            "loss": "BinaryCrossentropy(from_logits=True), mean over batch",
            "adam": {"learning_rate": LR, "beta_1": BETA_1, "beta_2": BETA_2, "epsilon": EPSILON},
            "framework": "torch " + torch.__version__ + ", numpy " + np.__version__,
        },
        "shapes": {n: list(s) for n, s in SHAPES},
        "inputs": TOKENS,
        "lengths": LENGTHS,
        "labels": LABELS,
        "weights": as_lists(INITIAL),
        "dropout": {"rate": RATE, "seed": DROPOUT_SEED, "draws": draws, "masks": [m.tolist() for m in masks],
                    "relu_live_at_step0": live},
        "inference_logits": inference_logits.tolist(),
        "training": {
            "step0": {"step": 0, "logits": logits0.tolist(), "loss": loss0, "gradients": as_lists(grads0)},
            "step1": {"step": 1, "logits": logits1.tolist(), "loss": loss1, "gradients": as_lists(grads1)},
        },
        "adam": {
            "step1": {"t": 1, "weights": as_lists(w1), "m": as_lists(m1), "v": as_lists(v1)},
            "step2": {"t": 2, "weights": as_lists(w2), "m": as_lists(m2), "v": as_lists(v2)},
        },
        "intermediates": {
            "bidirectional_sequences": inference_keep["bidirectional_sequences"],
            "bidirectional_1_output": inference_keep["bidirectional_1_output"],
            "dense_preactivation": inference_keep["dense_preactivation"],
            "dense_output": inference_keep["dense_output"],
            "step0_dropout_output": step0_keep["dropout_output"],
        },
    }
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w") as f:
        f.write(json.dumps(doc, indent=1, allow_nan=False))
        f.write("\n")
    print("wrote " + out)
    print("loss step 0 %.10f, step 1 %.10f; inference logits %s" % (loss0, loss1, [round(x[0], 6) for x in inference_logits.tolist()]))
    print("dropout masks step 0: %s" % [[int(x) for x in row] for row in masks[0].tolist()])
    print("dropout masks step 1: %s" % [[int(x) for x in row] for row in masks[1].tolist()])
    print("relu live at step 0: %s" % [[int(x) for x in row] for row in live])


if __name__ == "__main__":
    main()
