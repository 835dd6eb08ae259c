#!/usr/bin/python3
"""A synthetic Keras 3 .keras archive of a text model whose TextVectorization vocabulary is an asset.

Laid out as Keras 3.10's saving_lib writes a model whose TextVectorization was adapted (read in
keras-team/keras: keras/src/saving/saving_lib.py saves each layer's assets under
assets/<the layer's path>, the path that names its weights group, layers/text_vectorization;
IndexLookup.save_assets writes get_vocabulary(include_special_tokens=True) joined by newlines to
vocabulary.txt there, and writes nothing when the vocabulary was given in the config, which then
says vocabulary: None only when adapted). Entries: metadata.json, config.json (spelled out by
checkpoint/src/test/python/keras_configs.py's Keras 3.10 helpers), model.weights.h5 (h5py: empty
vars groups for the layers without weights, random weights from RandomState(3) for the Embedding
and the Dense) and assets/layers/text_vectorization/vocabulary.txt. No Keras is installed or run.

Also computes, with NumPy alone, the model's outputs for a few texts (standardize
lower_and_strip_punctuation, split on whitespace, ids by the vocabulary with '[UNK]' = 1, padded or
cut to output_sequence_length 6, Embedding, GlobalAveragePooling1D over the 6 steps, Dense sigmoid)
and writes them to nlp/src/test/resources/reference/keras_text_archive.json for KerasTextArchiveTest.

Run from the repository root: /usr/bin/python3 nlp/src/test/python/keras_text_archive.py
"""
import io
import json
import os
import re
import sys
import zipfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "..", "checkpoint", "src", "test", "python"))
import keras_configs as k  # noqa: E402

ARCHIVE = os.path.join(HERE, "..", "resources", "keras-files", "text-vectorization-synthetic-k3.keras")
REFERENCE = os.path.join(HERE, "..", "resources", "reference", "keras_text_archive.json")
VOCABULARY = ["", "[UNK]", "the", "film", "was", "good", "bad", "not", "a", "movie"]
STEPS = 6
TEXTS = ["The film was good!", "A bad, bad movie.", "not good at all", "Movie? Not the film, the MOVIE was bad"]
PUNCTUATION = r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']'


def config():
    vectorization = k.k3_text_vectorization()
    vectorization["config"].update(max_tokens=len(VOCABULARY), output_sequence_length=STEPS, vocabulary_size=len(VOCABULARY))
    embedding = k.k3_embedding("embedding", False, [None, STEPS])
    embedding["config"].update(input_dim=len(VOCABULARY), output_dim=4)
    pooling = k.k3_entry("GlobalAveragePooling1D", k.k3_base("global_average_pooling1d", data_format="channels_last",
                                                              keepdims=False), [None, STEPS, 4])
    return k.k3_model([k.k3_input([None], "string"), vectorization, embedding, pooling,
                       k.k3_dense("dense", 1, "sigmoid", [None, 4])], [None])


def main():
    rng = np.random.RandomState(3)
    embeddings = rng.uniform(-0.8, 0.8, (len(VOCABULARY), 4)).astype(np.float32)
    kernel = rng.uniform(-0.8, 0.8, (4, 1)).astype(np.float32)
    bias = rng.uniform(-0.8, 0.8, (1,)).astype(np.float32)
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5:
        layers = h5.create_group("layers")
        layers.create_group("text_vectorization/vars")
        layers.create_group("embedding/vars")["0"] = embeddings
        layers.create_group("global_average_pooling1d/vars")
        dense = layers.create_group("dense/vars")
        dense["0"], dense["1"] = kernel, bias
        h5.create_group("optimizer/vars")
    with zipfile.ZipFile(ARCHIVE, "w", zipfile.ZIP_STORED) as z:
        for name, data in (("metadata.json", json.dumps({"keras_version": "3.10.0", "date_saved": "2026-12-03@00:00:00"})),
                           ("config.json", json.dumps(config())), ("model.weights.h5", buffer.getvalue()),
                           ("assets/layers/text_vectorization/vocabulary.txt", "\n".join(VOCABULARY))):
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)

    index = {token: i for i, token in enumerate(VOCABULARY) if i >= 2}
    outputs = []
    for text in TEXTS:
        tokens = re.sub(PUNCTUATION, "", text.lower()).split()
        ids = [index.get(token, 1) for token in tokens][:STEPS]
        ids += [0] * (STEPS - len(ids))
        pooled = embeddings.astype(np.float64)[ids].mean(axis=0)
        z = pooled @ kernel.astype(np.float64) + bias.astype(np.float64)
        outputs.append(float(1 / (1 + np.exp(-z[0]))))
    with open(REFERENCE, "w") as f:
        json.dump({"vocabulary": VOCABULARY, "texts": TEXTS, "outputs": outputs}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
