#!/usr/bin/python3
"""Independent NumPy forward passes of the Keras model files in /work/shared/keras-files.

Reads each file's weights with h5py (a .keras archive's model.weights.h5 through zipfile, in
memory; nothing is unpickled or executed) and its layer list from the config JSON, computes the
model's outputs for a few fixed inputs with NumPy alone (no Keras, no Kiln), and writes
checkpoint/src/test/resources/reference/keras-forward.json, which KerasModelFileTest compares
Kiln's predictions with (1e-5 relative).

The inputs are defined by formula, and KerasModelFileTest computes the same ones:
  vectors of width W, example i, feature j: float32(sin(0.37 * (i + 1) + 0.011 * j))
  token ids over a vocabulary V, example i, step t: (i * 7919 + t * 104729 + 1) % V
  sequences of S steps of width W, example i, step t, feature j: the vector value at feature t * W + j

"EMOJI_K3" and "EMOJI_K2" are the weights-only pair with the companion JSON (Activation included),
their weights matched with the JSON's layers by position, on seeded random inputs (RandomState(5),
uniform in [-1, 1)) that the fixture keeps ("values").

"emoji-lstm2 (config + k3 weights)" is no file of the corpus: it is emoji-lstm2.model.json without
its final Activation layer (Kiln has none) and the weights of emoji-lstm2-k3.weights.h5, which
KerasModelFileTest packs into a .keras archive: two stacked LSTMs read with Keras 3's layout.

"bilstm-synthetic-k3.keras" is written here (under src/test/resources/keras-files), since no file
of the corpus holds Bidirectional weights in a model Kiln reads: two Bidirectional LSTMs (the
first returning sequences) and a Dense, its config spelled out by keras_configs.py as Keras 3.10
writes it, its weights drawn from NumPy's RandomState(7) and laid out as Keras 3 saves them
(layers/bidirectional/forward_layer/cell/vars/0..2, then backward_layer/...).
"gru-rnn-layernorm-synthetic-k3.keras" likewise: GRU (reset_after, returning sequences) >
SimpleRNN > LayerNormalization > Dense, its GRU, SimpleRNN and LayerNormalization configs spelled
out below key by key as Keras 3.10's get_config writes them.
"bilstm-synthetic-k2.h5" is a Keras 2 full-model file of Bidirectional(LSTM) > Dense laid out as
tf.keras 2.11's legacy HDF5 saving does: root attributes model_config, keras_version, backend;
/model_weights with layer_names, each layer group with weight_names (fixed-length byte strings)
and the datasets at /model_weights/LAYER/WEIGHT_NAME.

Run from the repository root: /usr/bin/python3 checkpoint/src/test/python/keras_forward_reference.py
(Debian's python3-h5py and python3-numpy).
"""
import io
import json
import os
import sys
import zipfile

import h5py
import numpy as np

CORPUS = "/work/shared/keras-files"
OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "reference", "keras-forward.json")
EXAMPLES = 3

# The weights-only pair, each with the companion JSON whole (its Activation included), on seeded random inputs.
EMOJI_K3 = "emoji-lstm2-k3.weights.h5 + emoji-lstm2.model.json"
EMOJI_K2 = "emoji-lstm2-k2-weights.h5 + emoji-lstm2.model.json"

# file -> (input kind, width or vocabulary, steps)
MODELS = {
    "mlp-k2.h5": ("vectors", 100, None),
    "spam-mlp-k3.keras": ("vectors", 5000, None),
    "aura-imdb-embed-gap-k3.keras": ("ids", 10000, 256),
    "sentiment-embed-gap-k2-hdf5.keras": ("ids", 10000, 20),
    "embed-conv1d-k2.h5": ("ids", 200, 10),
    "emoji-lstm2 (config + k3 weights)": ("sequences", 50, 10),
    "bilstm-synthetic-k3.keras": ("sequences", 4, 6),
    "gru-rnn-layernorm-synthetic-k3.keras": ("sequences", 3, 5),
    "bilstm-synthetic-k2.h5": ("sequences", 4, 6),
    "bilstm2-tfkeras.h5": ("sequences", 4, 3),
    EMOJI_K3: ("random sequences", 50, 10),
    EMOJI_K2: ("random sequences", 50, 10),
}
SYNTHETIC_K2 = os.path.join(os.path.dirname(__file__), "..", "resources", "keras-files", "bilstm-synthetic-k2.h5")
SYNTHETIC_GRU = os.path.join(os.path.dirname(__file__), "..", "resources", "keras-files", "gru-rnn-layernorm-synthetic-k3.keras")
SYNTHETIC = os.path.join(os.path.dirname(__file__), "..", "resources", "keras-files", "bilstm-synthetic-k3.keras")
EMOJI = "emoji-lstm2 (config + k3 weights)"


def drawer(seed):
    """Uniform float32 weights in [-0.8, 0.8) from a seeded generator, drawn in call order."""
    rng = np.random.RandomState(seed)
    return lambda *shape: rng.uniform(-0.8, 0.8, size=shape).astype(np.float32)


def write_synthetic():
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import keras_configs as k
    config = k.k3_model([k.k3_input([None, 6, 4], "float32"),
                         k.k3_bidirectional("bidirectional", "lstm", 3, True, [None, 6, 4]),
                         k.k3_bidirectional("bidirectional_1", "lstm_1", 2, False, [None, 6, 6]),
                         k.k3_dense("dense", 2, "linear", [None, 4])], [None, 6, 4])
    draw = drawer(7)

    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5:
        layers = h5.create_group("layers")
        for group, features, units in (("bidirectional", 4, 3), ("bidirectional_1", 6, 2)):
            for direction in ("forward_layer", "backward_layer"):
                vars_ = layers.create_group(group + "/" + direction + "/cell/vars")
                vars_["0"] = draw(features, 4 * units)
                vars_["1"] = draw(units, 4 * units)
                vars_["2"] = draw(4 * units)
        dense = layers.create_group("dense/vars")
        dense["0"] = draw(4, 2)
        dense["1"] = draw(2)
    write_archive(SYNTHETIC, config, buffer.getvalue())


def k3_rnn(k, class_name, name, units, return_sequences, build_shape):
    keys = dict(return_sequences=return_sequences, return_state=False, go_backwards=False, stateful=False, unroll=False,
                zero_output_for_mask=False, units=units, activation="tanh")
    if class_name == "GRU":
        keys["recurrent_activation"] = "sigmoid"
    keys.update(use_bias=True, kernel_initializer=k.k3_init("GlorotUniform", {"seed": None}),
                recurrent_initializer=k.k3_init("Orthogonal", {"seed": None, "gain": 1.0}),
                bias_initializer=k.k3_init("Zeros", {}), kernel_regularizer=None, recurrent_regularizer=None,
                bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                bias_constraint=None, dropout=0.0, recurrent_dropout=0.0)
    if class_name == "GRU":
        keys["reset_after"] = True
    keys["seed"] = None
    return k.k3_entry(class_name, k.k3_base(name, **keys), build_shape)


def k3_layer_normalization(k, name, build_shape):
    return k.k3_entry("LayerNormalization", k.k3_base(
        name, axis=-1, epsilon=0.001, center=True, scale=True, rms_scaling=False,
        beta_initializer=k.k3_init("Zeros", {}), gamma_initializer=k.k3_init("Ones", {}), beta_regularizer=None,
        gamma_regularizer=None, beta_constraint=None, gamma_constraint=None), build_shape)


def write_synthetic_gru():
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import keras_configs as k
    config = k.k3_model([k.k3_input([None, 5, 3], "float32"),
                         k3_rnn(k, "GRU", "gru", 4, True, [None, 5, 3]),
                         k3_rnn(k, "SimpleRNN", "simple_rnn", 3, False, [None, 5, 4]),
                         k3_layer_normalization(k, "layer_normalization", [None, 3]),
                         k.k3_dense("dense", 2, "linear", [None, 3])], [None, 5, 3])
    draw = drawer(11)

    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5:
        layers = h5.create_group("layers")
        gru = layers.create_group("gru/cell/vars")
        gru["0"], gru["1"], gru["2"] = draw(3, 12), draw(4, 12), draw(2, 12)
        rnn = layers.create_group("simple_rnn/cell/vars")
        rnn["0"], rnn["1"], rnn["2"] = draw(4, 3), draw(3, 3), draw(3)
        norm = layers.create_group("layer_normalization/vars")
        norm["0"], norm["1"] = 1 + draw(3), draw(3)
        dense = layers.create_group("dense/vars")
        dense["0"], dense["1"] = draw(3, 2), draw(2)
    write_archive(SYNTHETIC_GRU, config, buffer.getvalue())


def write_synthetic_k2():
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import keras_configs as k
    config = k.k2_model([k.k2_input("bidirectional_input", [None, 6, 4], "float32"),
                         k.k2_bidirectional("bidirectional", "lstm", 3, False), k.k2_dense("dense", 2, "linear")])
    draw = drawer(13)

    weights = {"bidirectional": [], "dense": []}
    for direction in ("forward_lstm", "backward_lstm"):
        for variable, shape in (("kernel", (4, 12)), ("recurrent_kernel", (3, 12)), ("bias", (12,))):
            weights["bidirectional"].append(("bidirectional/" + direction + "/lstm_cell/" + variable + ":0", draw(*shape)))
    weights["dense"] = [("dense/kernel:0", draw(3 * 2, 2)), ("dense/bias:0", draw(2))]
    with h5py.File(SYNTHETIC_K2, "w") as h5:
        h5.attrs["keras_version"] = "2.11.0"
        h5.attrs["backend"] = "tensorflow"
        h5.attrs["model_config"] = json.dumps(config)
        group = h5.create_group("model_weights")
        group.attrs["layer_names"] = np.array([b"bidirectional", b"dense"])
        group.attrs["backend"] = "tensorflow"
        group.attrs["keras_version"] = "2.11.0"
        for layer, variables in weights.items():
            layer_group = group.create_group(layer)
            layer_group.attrs["weight_names"] = np.array([name.encode() for name, _ in variables])
            for name, value in variables:
                layer_group[name] = value


def write_archive(path, config, weights):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name, data in (("metadata.json", json.dumps({"keras_version": "3.10.0", "date_saved": "2026-12-03@00:00:00"})),
                           ("config.json", json.dumps(config)), ("model.weights.h5", weights)):
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)


def vectors(width):
    return np.array([[np.float32(np.sin(0.37 * (i + 1) + 0.011 * j)) for j in range(width)] for i in range(EXAMPLES)],
                    dtype=np.float32)


def ids(vocabulary, steps):
    return np.array([[(i * 7919 + t * 104729 + 1) % vocabulary for t in range(steps)] for i in range(EXAMPLES)],
                    dtype=np.int64)


def snake(name):
    import re
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub("([a-z])([A-Z])", r"\1_\2", name)
    return name.lower()


def keras3_weights(layers, h5):
    counters = {}
    weights = []
    for layer in layers:
        base = snake(layer["class_name"])
        n = counters.get(base, 0)
        counters[base] = n + 1
        name = base if n == 0 else base + "_" + str(n)
        group = h5["layers"][name] if name in h5["layers"] else {}
        found = []
        for sub in (group, group.get("cell", {}), group.get("forward_layer/cell", {}), group.get("backward_layer/cell", {})):
            vars_ = sub["vars"] if "vars" in sub else {}
            found += [np.array(vars_[str(k)]) for k in range(len(vars_))]
        weights.append(found)
    return weights


def open_emoji():
    with open(os.path.join(CORPUS, "emoji-lstm2.model.json")) as f:
        config = json.load(f)
    layers = [l for l in config["config"]["layers"] if l["class_name"] not in ("InputLayer", "Activation")]
    return layers, keras3_weights(layers, h5py.File(os.path.join(CORPUS, "emoji-lstm2-k3.weights.h5"), "r"))


def open_weights_only(name):
    """The companion JSON's layers and a weights-only file's weights, matched by position (the names differ)."""
    with open(os.path.join(CORPUS, "emoji-lstm2.model.json")) as f:
        config = json.load(f)
    layers = [l for l in config["config"]["layers"] if l["class_name"] != "InputLayer"]
    h5 = h5py.File(os.path.join(CORPUS, name.split(" + ")[0]), "r")
    if "layers" in h5:
        return layers, keras3_weights(layers, h5)
    weights = []
    for group_name in h5.attrs["layer_names"]:
        group = h5[group_name.decode() if isinstance(group_name, bytes) else group_name]
        names = [n.decode() if isinstance(n, bytes) else n for n in group.attrs["weight_names"]]
        weights.append([np.array(group[n]) for n in names])
    assert len(weights) == len(layers)
    return layers, weights


def open_model(path):
    """(layer configs without InputLayer, list of weight lists in layer order)."""
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic == b"PK\x03\x04":
        with zipfile.ZipFile(path) as z:
            config = json.loads(z.read("config.json"))
            h5 = h5py.File(io.BytesIO(z.read("model.weights.h5")), "r")
        layers = [l for l in config["config"]["layers"] if l["class_name"] != "InputLayer"]
        return layers, keras3_weights(layers, h5)
    h5 = h5py.File(path, "r")
    config = json.loads(h5.attrs["model_config"])
    layers = config["config"] if isinstance(config["config"], list) else config["config"]["layers"]
    layers = [l for l in layers if l["class_name"] != "InputLayer"]
    weights = []
    for layer in layers:
        group = h5["model_weights"][layer["config"]["name"]]
        names = [n.decode() if isinstance(n, bytes) else n for n in group.attrs["weight_names"]]
        weights.append([np.array(group[n]) for n in names])
    return layers, weights


def activation(name, x):
    if name == "linear":
        return x
    if name == "relu":
        return np.maximum(x, 0)
    if name == "sigmoid":
        return 1 / (1 + np.exp(-x))
    if name == "hard_sigmoid_keras2":  # Keras 2's hard_sigmoid; Keras 3's is relu6(x + 3) / 6
        return np.clip(0.2 * x + 0.5, 0, 1)
    if name == "softmax":
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    if name == "tanh":
        return np.tanh(x)
    if name == "gelu":  # Keras' exact gelu: x Phi(x)
        import math
        return x * 0.5 * (1 + np.vectorize(math.erf)(x / np.sqrt(2)))
    raise ValueError("activation " + name)


def lstm(c, w, x, keras_major=3):
    assert c["activation"] == "tanh" and c["recurrent_activation"] in ("sigmoid", "hard_sigmoid") and c["use_bias"]
    gate = c["recurrent_activation"]
    if gate == "hard_sigmoid":
        assert keras_major == 2, "Keras 3's hard_sigmoid is not modelled here"
        gate = "hard_sigmoid_keras2"
    kernel, recurrent, bias = w  # gates i, f, c, o
    units = recurrent.shape[0]
    h = np.zeros((x.shape[0], units))
    state = np.zeros((x.shape[0], units))
    outputs = []
    for t in range(x.shape[1]):
        z = x[:, t, :] @ kernel + h @ recurrent + bias
        i, f, g, o = (z[:, k * units:(k + 1) * units] for k in range(4))
        state = activation(gate, f) * state + activation(gate, i) * np.tanh(g)
        h = activation(gate, o) * np.tanh(state)
        outputs.append(h)
    return np.stack(outputs, axis=1) if c["return_sequences"] else h


def gru(c, w, x):
    assert c["reset_after"] and c["activation"] == "tanh" and c["recurrent_activation"] == "sigmoid"
    kernel, recurrent, bias = w  # gates z, r, h; bias [input, recurrent]
    units = recurrent.shape[0]
    h = np.zeros((x.shape[0], units))
    outputs = []
    for t in range(x.shape[1]):
        xs = x[:, t, :] @ kernel + bias[0]
        hs = h @ recurrent + bias[1]
        z = activation("sigmoid", xs[:, :units] + hs[:, :units])
        r = activation("sigmoid", xs[:, units:2 * units] + hs[:, units:2 * units])
        candidate = np.tanh(xs[:, 2 * units:] + r * hs[:, 2 * units:])
        h = z * h + (1 - z) * candidate
        outputs.append(h)
    return np.stack(outputs, axis=1) if c["return_sequences"] else h


def simple_rnn(c, w, x):
    kernel, recurrent, bias = w
    h = np.zeros((x.shape[0], recurrent.shape[0]))
    outputs = []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t, :] @ kernel + h @ recurrent + bias)
        outputs.append(h)
    return np.stack(outputs, axis=1) if c["return_sequences"] else h


RECURRENT = {"LSTM": lstm, "GRU": gru, "SimpleRNN": simple_rnn}


def recurrent(kind, c, w, x, keras_major=3):
    """A recurrent layer; go_backwards reads the steps last to first and, as Keras, returns its outputs in that order."""
    steps = x[:, ::-1, :] if c.get("go_backwards") else x
    return lstm(c, w, steps, keras_major) if kind == "LSTM" else RECURRENT[kind](c, w, steps)


def conv1d(c, w, x):
    kernel = w[0]  # [k, in, filters]
    k = kernel.shape[0]
    stride, dilation = c["strides"][0], c["dilation_rate"][0]
    steps = x.shape[1]
    if c["padding"] == "same":
        out = -(-steps // stride)
        pad = max((out - 1) * stride + dilation * (k - 1) + 1 - steps, 0)
        x = np.pad(x, ((0, 0), (pad // 2, pad - pad // 2), (0, 0)))
    else:
        assert c["padding"] == "valid"
        out = (steps - dilation * (k - 1) - 1) // stride + 1
    y = np.stack([sum(x[:, t * stride + j * dilation, :] @ kernel[j] for j in range(k)) for t in range(out)], axis=1)
    if c["use_bias"]:
        y = y + w[1]
    return activation(c["activation"], y)


def max_pooling1d(c, x):
    pool, stride = c["pool_size"][0], (c["strides"] or c["pool_size"])[0]
    steps = x.shape[1]
    if c["padding"] == "same":
        out = -(-steps // stride)
        pad = max((out - 1) * stride + pool - steps, 0)
        x = np.pad(x, ((0, 0), (pad // 2, pad - pad // 2), (0, 0)), constant_values=-np.inf)
    else:
        out = (steps - pool) // stride + 1
    return np.stack([x[:, t * stride:t * stride + pool, :].max(axis=1) for t in range(out)], axis=1)


def forward(layers, weights, x, keras_major=3):
    x = x.astype(np.float64) if x.dtype != np.int64 else x
    for layer, w in zip(layers, weights):
        kind, c = layer["class_name"], layer["config"]
        w = [a.astype(np.float64) for a in w]
        if kind == "Dense":
            x = activation(c["activation"], x @ w[0] + w[1])
        elif kind == "Embedding":
            x = w[0][x]
        elif kind == "GlobalAveragePooling1D":
            x = x.mean(axis=1)
        elif kind in ("Dropout", "SpatialDropout1D"):
            pass
        elif kind == "GlobalMaxPooling1D":
            x = x.max(axis=1)
        elif kind == "MaxPooling1D":
            x = max_pooling1d(c, x)
        elif kind == "Activation":
            name = c["activation"]
            x = activation("hard_sigmoid_keras2" if name == "hard_sigmoid" and keras_major == 2 else name, x)
        elif kind == "Flatten":
            x = x.reshape(x.shape[0], -1)
        elif kind == "Conv1D":
            assert c.get("groups", 1) == 1
            x = conv1d(c, w, x)
        elif kind in RECURRENT:
            x = recurrent(kind, c, w, x, keras_major)
        elif kind == "LayerNormalization":
            gamma = w.pop(0) if c["scale"] else 1
            beta = w.pop(0) if c["center"] else 0
            mean = x.mean(axis=-1, keepdims=True)
            variance = x.var(axis=-1, keepdims=True)
            x = (x - mean) / np.sqrt(variance + c["epsilon"]) * gamma + beta
        elif kind == "Bidirectional":
            assert c.get("backward_layer", {"config": {"go_backwards": True}})["config"]["go_backwards"]
            inner, inner_config = c["layer"]["class_name"], dict(c["layer"]["config"])
            assert not inner_config.get("go_backwards")
            half = len(w) // 2
            forward_out = recurrent(inner, inner_config, w[:half], x, keras_major)
            backward_out = recurrent(inner, dict(inner_config, go_backwards=True), w[half:], x, keras_major)
            if inner_config["return_sequences"]:
                backward_out = backward_out[:, ::-1, :]  # Keras lines the backward outputs up with the input's steps
            merge = c["merge_mode"]
            x = (np.concatenate([forward_out, backward_out], axis=-1) if merge == "concat" else forward_out + backward_out
                 if merge == "sum" else (forward_out + backward_out) / 2 if merge == "ave" else forward_out * backward_out)
        else:
            raise ValueError("layer " + kind)
    return x


def keras_major(name):
    """Which Keras wrote the model: its activations' names differ (hard_sigmoid)."""
    path = {"bilstm-synthetic-k2.h5": SYNTHETIC_K2}.get(name, os.path.join(CORPUS, name))
    if not os.path.exists(path) or open(path, "rb").read(4) == b"PK\x03\x04":
        return 3
    version = h5py.File(path, "r").attrs["keras_version"]
    return int((version.decode() if isinstance(version, bytes) else version).split(".")[0])


def main():
    os.makedirs(os.path.dirname(SYNTHETIC), exist_ok=True)
    write_synthetic()
    write_synthetic_gru()
    write_synthetic_k2()
    fixture = {}
    for name, (kind, size, steps) in MODELS.items():
        layers, weights = (open_emoji() if name == EMOJI else open_weights_only(name) if " + " in name else open_model(SYNTHETIC) if name == "bilstm-synthetic-k3.keras"
                           else open_model(SYNTHETIC_GRU) if name == "gru-rnn-layernorm-synthetic-k3.keras"
                           else open_model(SYNTHETIC_K2) if name == "bilstm-synthetic-k2.h5"
                           else open_model(os.path.join(CORPUS, name)))
        x = (vectors(size) if kind == "vectors" else ids(size, steps) if kind == "ids"
             else np.random.RandomState(5).uniform(-1, 1, (EXAMPLES, steps, size)).astype(np.float32)
             if kind == "random sequences" else vectors(steps * size).reshape(EXAMPLES, steps, size))
        y = forward(layers, weights, x, keras_major(name))
        # a model returning sequences: each example's [steps, width] row after row, as Kiln's packed rows
        fixture[name] = {"input": kind, "size": size, "steps": steps, "examples": EXAMPLES,
                         "outputs": [[float(v) for v in row.reshape(-1)] for row in y]}
        if kind == "random sequences":  # the inputs themselves, each example's steps x features row after row
            fixture[name]["values"] = [[float(v) for v in row.reshape(-1)] for row in x]
        print(name, y.shape, file=sys.stderr)
    with open(OUT, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
