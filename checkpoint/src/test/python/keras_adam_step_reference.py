#!/usr/bin/python3
"""One training step of aura-imdb-embed-gap-k3.keras continued from its saved Adam state, in NumPy.

Reads the archive's weights and optimizer state with h5py (model.weights.h5 through zipfile, in
memory; nothing executed): layers/embedding, dense, dense_1 and optimizer/vars (0 iterations,
1 learning rate, then each weight's m and v, Keras 3.10's order). Computes, with NumPy alone, the
forward pass Embedding > GlobalAveragePooling1D > Dense(relu) > Dense(sigmoid) on three examples
(token ids (i * 7919 + t * 104729 + 1) % 10000, 256 steps, as keras_forward_reference.py), the
gradient of Keras' binary_crossentropy on probabilities (mean over the batch) for the labels
1, 0, 1, and Keras' Adam step from the file's m, v and iterations (update_step: alpha = lr *
sqrt(1 - beta_2^t) / (1 - beta_1^t) with t = iterations + 1, betas as float32). Writes the weights
after the step (the Dense layers whole, six rows of the embedding: three the batch uses, three it
does not, which Adam moves too through their m) to
checkpoint/src/test/resources/reference/keras-adam-step.json for KerasOptimizerImportTest.

Run from the repository root: /usr/bin/python3 checkpoint/src/test/python/keras_adam_step_reference.py
"""
import io
import json
import os
import zipfile

import h5py
import numpy as np

ARCHIVE = "/work/shared/keras-files/aura-imdb-embed-gap-k3.keras"
OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "reference", "keras-adam-step.json")
ROWS = [1, 0, 2, 9998, 9999]


def main():
    with zipfile.ZipFile(ARCHIVE) as z:
        h5 = h5py.File(io.BytesIO(z.read("model.weights.h5")), "r")
    layers = h5["layers"]
    weights = [np.array(layers["embedding/vars/0"]), np.array(layers["dense/vars/0"]), np.array(layers["dense/vars/1"]),
               np.array(layers["dense_1/vars/0"]), np.array(layers["dense_1/vars/1"])]
    opt = h5["optimizer/vars"]
    iterations = int(np.array(opt["0"]))
    lr = np.float64(np.array(opt["1"]))
    m = [np.array(opt[str(2 + 2 * p)]).astype(np.float64) for p in range(5)]
    v = [np.array(opt[str(3 + 2 * p)]).astype(np.float64) for p in range(5)]

    ids = np.array([[(i * 7919 + t * 104729 + 1) % 10000 for t in range(256)] for i in range(3)])
    y = np.array([[1.0], [0.0], [1.0]])
    E, W1, b1, W2, b2 = [w.astype(np.float64) for w in weights]
    g = E[ids].mean(axis=1)
    z1 = g @ W1 + b1
    a1 = np.maximum(z1, 0)
    p = 1 / (1 + np.exp(-(a1 @ W2 + b2)))
    dz2 = (p - y) / len(y)
    grads = [None, None, None, a1.T @ dz2, dz2.sum(axis=0)]
    dz1 = (dz2 @ W2.T) * (z1 > 0)
    grads[1] = g.T @ dz1
    grads[2] = dz1.sum(axis=0)
    dg = dz1 @ W1.T / ids.shape[1]
    dE = np.zeros_like(E)
    for i in range(ids.shape[0]):
        np.add.at(dE, ids[i], dg[i])
    grads[0] = dE

    t = iterations + 1
    beta1, beta2, epsilon = np.float32(0.9), np.float32(0.999), 1e-7
    alpha = lr * np.sqrt(1 - np.float64(beta2) ** t) / (1 - np.float64(beta1) ** t)
    after = []
    for w, grad, mp, vp in zip([E, W1, b1, W2, b2], grads, m, v):
        mp = mp + (grad - mp) * (1 - 0.9)
        vp = vp + (grad * grad - vp) * (1 - 0.999)
        after.append(w - alpha * mp / (np.sqrt(vp) + epsilon))
    fixture = {"iterations": iterations, "learning_rate": float(lr), "labels": [1, 0, 1], "embedding_rows": ROWS + [int(ids[0, 0])],
               "embedding": [[float(x) for x in after[0][r]] for r in ROWS + [int(ids[0, 0])]],
               "embedding_before": [[float(x) for x in E[r]] for r in ROWS + [int(ids[0, 0])]],
               "dense": [[float(x) for x in a.reshape(-1)] for a in after[1:]],
               "dense_before": [[float(x) for x in a.reshape(-1)] for a in [W1, b1, W2, b2]]}
    with open(OUT, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
