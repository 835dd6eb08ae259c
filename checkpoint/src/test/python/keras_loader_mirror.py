#!/usr/bin/python3
"""Checks Kiln's exported Keras files as Keras 3's loader would, and predicts with NumPy.

No Keras here: this mirrors what keras.saving.load_model checks and reads (saving_lib for .keras
archives, legacy_h5_format for .h5 full models, and each layer's load_own_variables /
load_assets), with zipfile, json and h5py (Debian's python3-h5py), then computes the model's
outputs with keras_forward_reference.forward (NumPy) from the weights as written.

Usage: /usr/bin/python3 checkpoint/src/test/python/keras_loader_mirror.py REQUESTS.json
REQUESTS.json: [{"file": PATH, "kind": "ids" | "vectors" | "sequences", "examples": [example, ...],
                 "skip": N}, ...]; each example is one input (a list of ids, a vector, or a list of
vectors), predicted as a batch of one; "skip" leaves out the first N layers (a TextVectorization,
whose ids the caller gives). Prints {PATH: {"errors": [...], "checks": N, "outputs": [[...], ...]}}:
an empty "errors" list means the loader would accept the file.

Checked, in the loader's order:
  archive   a zip; config.json and model.weights.h5 present (saving_lib reads them), metadata.json with
            keras_version and date_saved (%Y-%m-%d@%H:%M:%S); entries stored (ZIP_STORED) as Keras writes
  config    module keras, class_name Sequential, registered_name None, config.layers a list whose first
            entry is an InputLayer with batch_shape [None, ...]; every layer entry with module,
            class_name, config (name, dtype, trainable a boolean when given) and registered_name
  weights   for each layer in order, the group layers/<snake_case(class)>[_n] (counted per class), its
            vars group (cell/vars for LSTM, GRU, SimpleRNN; forward_layer/cell/vars and
            backward_layer/cell/vars for Bidirectional, whose own vars hold nothing), exactly the
            variables the class creates (load_own_variables refuses another count), each float32 of the
            shape its config and input give (Dense kernel [in, units], LSTM kernel [in, 4u], ...); every
            vars group's "name" attribute, when present, a variable-length UTF-8 string
  assets    a TextVectorization whose config has no vocabulary needs assets/layers/<group>/vocabulary.txt
            (load_assets opens it); when both exist they must agree; the file is UTF-8, one token a line
  legacy    .h5: root attributes model_config (JSON), keras_version, backend (strings); /model_weights
            with layer_names equal to the config's layers (InputLayer aside); per layer weight_names and
            the datasets they name, as many and of the shapes the class creates
"""
import io
import json
import os
import re
import sys
import zipfile

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import keras_forward_reference as reference  # noqa: E402

RECURRENT_GATES = {"LSTM": 4, "GRU": 3, "SimpleRNN": 1}


class Rejected(Exception):
    pass


def expected_variables(kind, c, shape):
    """(list of (group under the layer's, [variable shapes])), output shape; shapes exclude the batch."""
    if kind == "TextVectorization":
        out = (c["output_sequence_length"],) if c["output_mode"] == "int" else (c.get("vocabulary_size") or c["max_tokens"],)
        return [("vars", [])], out
    if kind == "Embedding":
        return [("vars", [(c["input_dim"], c["output_dim"])])], shape + (c["output_dim"],)
    if kind == "Dense":
        return [("vars", [(shape[-1], c["units"])] + ([(c["units"],)] if c["use_bias"] else []))], shape[:-1] + (c["units"],)
    if kind in ("Dropout", "SpatialDropout1D", "Activation"):
        return [("vars", [])], shape
    if kind in RECURRENT_GATES:
        return [("vars", []), ("cell/vars", cell_variables(kind, c, shape[-1]))], recurrent_shape(c, shape, c["units"])
    if kind == "Bidirectional":
        inner, ic = c["layer"]["class_name"], c["layer"]["config"]
        cell = cell_variables(inner, ic, shape[-1])
        units = ic["units"] * (2 if c["merge_mode"] == "concat" else 1)
        return ([("vars", []), ("forward_layer/vars", []), ("forward_layer/cell/vars", cell), ("backward_layer/vars", []),
                 ("backward_layer/cell/vars", cell)], recurrent_shape(ic, shape, units))
    if kind == "Conv1D":
        k, stride, dilation = c["kernel_size"][0], c["strides"][0], c["dilation_rate"][0]
        steps = shape[0]
        if steps is not None:
            steps = -(-steps // stride) if c["padding"] == "same" else (steps - dilation * (k - 1) - 1) // stride + 1
        variables = [(k, shape[-1] // c["groups"], c["filters"])] + ([(c["filters"],)] if c["use_bias"] else [])
        return [("vars", variables)], (steps, c["filters"])
    if kind == "MaxPooling1D":
        pool, stride = c["pool_size"][0], (c["strides"] or c["pool_size"])[0]
        steps = shape[0]
        if steps is not None:
            steps = -(-steps // stride) if c["padding"] == "same" else (steps - pool) // stride + 1
        return [("vars", [])], (steps, shape[-1])
    if kind in ("GlobalAveragePooling1D", "GlobalMaxPooling1D"):
        return [("vars", [])], (shape[-1],)
    if kind == "Flatten":
        if any(d is None for d in shape):
            raise Rejected("Flatten after an input of unknown length %s" % (shape,))
        return [("vars", [])], (int(np.prod(shape)),)
    if kind == "LayerNormalization":
        return [("vars", [(shape[-1],)] * (int(c["scale"]) + int(c["center"])))], shape
    raise Rejected("layer class %s is not one Kiln exports" % kind)


def cell_variables(kind, c, features):
    units, gates = c["units"], RECURRENT_GATES[kind]
    bias = (2, gates * units) if kind == "GRU" and c["reset_after"] else (gates * units,)
    return [(features, gates * units), (units, gates * units), bias]


def recurrent_shape(c, shape, units):
    return (shape[0], units) if c["return_sequences"] else (units,)


def check_config(config, errors):
    if config.get("module") != "keras" or config.get("class_name") != "Sequential" or config.get("registered_name", 0) is not None:
        errors.append("config.json: not a Keras 3 Sequential (module, class_name, registered_name)")
    layers = config["config"]["layers"]
    if not layers or layers[0]["class_name"] != "InputLayer" or layers[0]["config"]["batch_shape"][0] is not None:
        errors.append("config.json: the first layer is not an InputLayer with batch_shape [None, ...]")
    for layer in layers:
        if set(layer) != {"module", "class_name", "config", "registered_name"}:
            errors.append("config.json: layer entry keys %s" % sorted(layer))
        c = layer["config"]
        if layer["class_name"] != "InputLayer" and not (isinstance(c.get("name"), str) and "dtype" in c
                                                         and isinstance(c.get("trainable", True), bool)):
            errors.append("config.json: layer %s lacks a name or dtype, or has a trainable other than true/false" % c.get("name"))
    return layers


def walk_layers(layers):
    """(layer, group name, expected vars, input shape) for each layer after the InputLayer."""
    shape = tuple(layers[0]["config"]["batch_shape"][1:])
    counters = {}
    for layer in layers[1:]:
        base = reference.snake(layer["class_name"])
        n = counters.get(base, 0)
        counters[base] = n + 1
        groups, out = expected_variables(layer["class_name"], layer["config"], shape)
        yield layer, base if n == 0 else "%s_%d" % (base, n), groups, shape
        shape = out


def check_archive(path, errors):
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        names = [i.filename for i in infos]
        if len(set(names)) != len(names):
            errors.append("archive: duplicate entry names")
        for required in ("config.json", "model.weights.h5", "metadata.json"):
            if required not in names:
                raise Rejected("archive: no " + required)
        for info in infos:
            if info.compress_type != zipfile.ZIP_STORED:
                errors.append("archive: %s is compressed (%d); Keras stores its entries" % (info.filename, info.compress_type))
        metadata = json.loads(z.read("metadata.json"))
        if set(metadata) != {"keras_version", "date_saved"} or not re.fullmatch(r"3\.\d+\.\d+", metadata["keras_version"]) \
                or not re.fullmatch(r"\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d", metadata["date_saved"]):
            errors.append("metadata.json: %s" % metadata)
        layers = check_config(json.loads(z.read("config.json")), errors)
        h5 = h5py.File(io.BytesIO(z.read("model.weights.h5")), "r")
        assets = {n: z.read(n) for n in names if n.startswith("assets/")}
    if "vars" not in h5 or "layers" not in h5:
        errors.append("model.weights.h5: no vars or layers group")
    check_name_attributes(h5, errors)
    weights = []
    for layer, group, expected, _ in walk_layers(layers):
        found = []
        for sub, shapes in expected:
            where = "layers/%s/%s" % (group, sub)
            vars_ = h5[where] if where in h5 else {}
            keys = [k for k in vars_.keys() if k != "idf_weights"] if layer["class_name"] == "TextVectorization" else list(vars_.keys())
            if sorted(keys) != sorted(str(i) for i in range(len(shapes))):
                errors.append("%s: holds %s; %s '%s' creates %d variables" % (where, sorted(keys), layer["class_name"],
                                                                           layer["config"]["name"], len(shapes)))
                continue
            for i, shape in enumerate(shapes):
                dataset = vars_[str(i)]
                if dataset.dtype != np.float32 or tuple(dataset.shape) != tuple(shape):
                    errors.append("%s/%d: %s %s; expected float32 %s" % (where, i, dataset.dtype, dataset.shape, shape))
                found.append(np.array(dataset))
        if layer["class_name"] == "TextVectorization":
            check_vocabulary(layer["config"], assets.get("assets/layers/%s/vocabulary.txt" % group), errors)
        weights.append(found)
    return layers[1:], weights


def check_name_attributes(h5, errors):
    def visit(name, obj):
        if isinstance(obj, h5py.Group) and name.endswith("vars") and "name" in obj.attrs:
            info = h5py.check_string_dtype(obj.attrs.get_id("name").dtype)
            if info is None or info.encoding != "utf-8" or info.length is not None:
                errors.append("%s: attribute name is not a variable-length UTF-8 string" % name)
    h5.visititems(visit)


def check_vocabulary(c, asset, errors):
    if asset is None:
        if not c.get("vocabulary"):
            errors.append("TextVectorization %s: no vocabulary in the config and no vocabulary.txt asset" % c["name"])
        return
    lines = asset.decode("utf-8").splitlines()
    while lines and lines[-1] == "":
        lines.pop()
    if c.get("vocabulary") and lines != list(c["vocabulary"]):
        errors.append("TextVectorization %s: vocabulary.txt and the config's vocabulary differ" % c["name"])
    if c.get("vocabulary_size") not in (None, len(lines)):
        errors.append("TextVectorization %s: vocabulary_size %s, vocabulary.txt has %d" % (c["name"], c["vocabulary_size"], len(lines)))


def check_legacy(path, errors):
    h5 = h5py.File(path, "r")
    for key in ("model_config", "keras_version", "backend"):
        if not isinstance(h5.attrs.get(key), str):
            errors.append("/: attribute %s is not a string" % key)
    config = json.loads(h5.attrs["model_config"])
    layers = check_config(config, errors)
    group = h5["model_weights"]
    names = [n.decode() if isinstance(n, bytes) else n for n in group.attrs["layer_names"]]
    if names != [l["config"]["name"] for l in layers[1:]]:
        errors.append("/model_weights: layer_names %s differ from the config's layers" % names)
    weights = []
    for layer, _, expected, _ in walk_layers(layers):
        shapes = [shape for _, group_shapes in expected for shape in group_shapes]
        g = group[layer["config"]["name"]]
        weight_names = [n.decode() if isinstance(n, bytes) else n for n in g.attrs["weight_names"]]
        if len(weight_names) != len(shapes):
            errors.append("%s: %d weights saved; the layer creates %d" % (g.name, len(weight_names), len(shapes)))
            weights.append([])
            continue
        found = []
        for name, shape in zip(weight_names, shapes):
            dataset = g[name]
            if dataset.dtype != np.float32 or tuple(dataset.shape) != tuple(shape):
                errors.append("%s/%s: %s %s; expected float32 %s" % (g.name, name, dataset.dtype, dataset.shape, shape))
            found.append(np.array(dataset))
        weights.append(found)
    return layers[1:], weights


def main():
    with open(sys.argv[1]) as f:
        requests = json.load(f)
    out = {}
    for request in requests:
        path, errors = request["file"], []
        result = {"errors": errors, "outputs": []}
        try:
            with open(path, "rb") as f:
                archive = f.read(4) == b"PK\x03\x04"
            layers, weights = check_archive(path, errors) if archive else check_legacy(path, errors)
            skip = request.get("skip", 0)
            dtype = np.int64 if request["kind"] == "ids" else np.float32
            for example in request["examples"]:
                y = reference.forward(layers[skip:], weights[skip:], np.array([example], dtype=dtype))
                result["outputs"].append([float(v) for v in np.asarray(y).reshape(-1)])
        except Rejected as e:
            errors.append(str(e))
        except Exception as e:  # a file the loader would fail on in another way
            errors.append("%s: %s" % (type(e).__name__, e))
        out[path] = result
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
