#!/usr/bin/env python3
"""Keras 3 reference fixture generator for Kiln's training core.

What it is
    A NumPy-only transcription of the formulas Keras 3 uses for losses (value
    and gradient with respect to y_pred), metrics, optimizers and learning-rate
    schedules. It writes the JSON fixture
    engine/src/test/resources/reference/training_core.json that the Java tests
    read. Keras and TensorFlow/JAX/torch are NOT needed to run it.

Which Keras
    Keras 3.16.0 (keras-team/keras, commit 3422977a5e38fb2f7709aaa9a08e47f0c43d0f60).
    Source files transcribed:
      keras/src/losses/loss.py              (reduction, sample_weight)
      keras/src/losses/losses.py            (BCE, CCE, SCCE, MSE, MAE, Huber)
      keras/src/backend/{numpy,jax,tensorflow,torch}/nn.py
                                            (crossentropy kernels, clipping)
      keras/src/metrics/accuracy_metrics.py, reduction_metrics.py,
      regression_metrics.py, confusion_metrics.py, metrics_utils.py,
      f_score_metrics.py
      keras/src/backend/{jax,numpy,torch,tensorflow}/math.py (in_top_k)
      keras/src/optimizers/{adam,adamw,adagrad,rmsprop,sgd,base_optimizer}.py
      keras/src/optimizers/schedules/learning_rate_schedule.py
    KERAS_FORMULAS.md next to this file summarises each formula and the
    subtleties.

Precision
    All arithmetic is float64. Every *input* (y_pred, y_true, sample weights,
    parameters, gradients) is first rounded to float32 so the Java side, which
    stores float tensors, reads exactly the values used here. Where Keras's
    result depends on float32 (the crossentropy clip bound 1 - 1e-7 becomes
    float32 0.99999988; thresholds are compared in float32; AUC bucketing is
    done in float32) the script reproduces the float32 behaviour.

Checks
    Every analytic loss gradient is compared against a float64 central finite
    difference; the AUC bucketing (Keras's optimized path) is cross-checked
    against direct threshold comparison. The script aborts if a check fails.

Rerun
    python3 engine/src/test/python/keras_reference.py            # from repo root
    python3 engine/src/test/python/keras_reference.py OUT.json   # other output
    Output is deterministic (fixed seed); rerunning must give a byte-identical
    file.
"""

import json
import math
import os
import re
import sys

import numpy as np

KERAS_VERSION = "3.16.0"
KERAS_COMMIT = "3422977a5e38fb2f7709aaa9a08e47f0c43d0f60"
SEED = 20240611

EPSILON = 1e-7  # keras.config.epsilon()
# ops.clip(float32 tensor, 1e-7, 1 - 1e-7): the Python bounds become float32.
CLIP_LO = float(np.float32(EPSILON))  # 1.0000000116860974e-07
CLIP_HI = float(np.float32(1.0 - EPSILON))  # 0.9999998807907104 = 1 - 2**-23

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.normpath(
    os.path.join(HERE, "..", "resources", "reference", "training_core.json")
)

rng = np.random.default_rng(SEED)


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


def f32(x):
    """Round to the nearest float32, return float64 array."""
    return np.asarray(x, dtype=np.float64).astype(np.float32).astype(np.float64)


def f32s(x):
    """Python float rounded to float32 (how Keras casts a Python constant)."""
    return float(np.float32(x))


def tolist(a):
    a = np.asarray(a)
    if a.dtype.kind in "iu":
        return a.astype(int).tolist()
    return a.astype(np.float64).tolist()


def divide_no_nan(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    safe = np.where(b == 0, 1.0, b)
    return np.where(b == 0, 0.0, a / safe)


def sigmoid(x):
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def log_softmax(x):
    m = np.max(x, axis=-1, keepdims=True)
    z = x - m
    return z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))


def one_hot(idx, n):
    idx = np.asarray(idx, dtype=int).reshape(-1)
    out = np.zeros((idx.size, n))
    out[np.arange(idx.size), idx] = 1.0
    return out


# --------------------------------------------------------------------------
# losses: per-element loss, per-element d/d y_pred, FD step limits
# --------------------------------------------------------------------------


def _bce_parts(cfg, y, t):
    z = t
    ls = cfg.get("label_smoothing", 0.0)
    if ls:
        z = z * (1.0 - ls) + 0.5 * ls
    if cfg.get("from_logits", False):
        # TF sigmoid_cross_entropy_with_logits / JAX log_sigmoid / torch
        # binary_cross_entropy_with_logits (numerically stable; no clipping).
        elem = np.maximum(y, 0.0) - y * z + np.log1p(np.exp(-np.abs(y)))
        grad = sigmoid(y) - z
    else:
        c = np.clip(y, CLIP_LO, CLIP_HI)
        inside = (y >= CLIP_LO) & (y <= CLIP_HI)
        elem = -(z * np.log(c) + (1.0 - z) * np.log(1.0 - c))
        grad = np.where(inside, -z / c + (1.0 - z) / (1.0 - c), 0.0)
    # per-sample value = mean over the last axis
    w = y.shape[-1]
    return elem.mean(axis=-1), grad / w


def _cce_core(cfg, y, t):
    if cfg.get("from_logits", False):
        lsm = log_softmax(y)
        per = -np.sum(t * lsm, axis=-1)
        sm = np.exp(lsm)
        grad = sm * np.sum(t, axis=-1, keepdims=True) - t
    else:
        s = np.sum(y, axis=-1, keepdims=True)
        q = y / s
        c = np.clip(q, CLIP_LO, CLIP_HI)
        inside = (q >= CLIP_LO) & (q <= CLIP_HI)
        per = -np.sum(t * np.log(c), axis=-1)
        gq = np.where(inside, -t / c, 0.0)
        grad = (gq - np.sum(gq * q, axis=-1, keepdims=True)) / s
    return per, grad


def _cce_parts(cfg, y, t):
    ls = cfg.get("label_smoothing", 0.0)
    if ls:
        t = t * (1.0 - ls) + ls / y.shape[-1]
    return _cce_core(cfg, y, t)


def _scce_parts(cfg, y, t):
    return _cce_core(cfg, y, one_hot(t, y.shape[-1]))


def _mse_parts(cfg, y, t):
    e = y - t
    return np.mean(e * e, axis=-1), 2.0 * e / y.shape[-1]


def _mae_parts(cfg, y, t):
    e = y - t
    # d|e|/de = sign(e), 0 at e == 0 (TF, JAX and torch all give 0 there)
    return np.mean(np.abs(e), axis=-1), np.sign(e) / y.shape[-1]


def _huber_parts(cfg, y, t):
    d = cfg.get("delta", 1.0)
    e = y - t
    a = np.abs(e)
    quad = a <= d
    elem = np.where(quad, 0.5 * e * e, d * a - 0.5 * d * d)
    grad = np.where(quad, e, d * np.sign(e))
    return elem.mean(axis=-1), grad / y.shape[-1]


LOSS_PARTS = {
    "BinaryCrossentropy": _bce_parts,
    "CategoricalCrossentropy": _cce_parts,
    "SparseCategoricalCrossentropy": _scce_parts,
    "MeanSquaredError": _mse_parts,
    "MeanAbsoluteError": _mae_parts,
    "Huber": _huber_parts,
}


def loss_and_grad(name, cfg, y, t, sw):
    per, gelem = LOSS_PARTS[name](cfg, y, t)
    b = y.shape[0]
    wv = np.ones(b) if sw is None else sw
    # reduction "sum_over_batch_size": sum(per * w) / (number of per values)
    loss = float(np.sum(per * wv) / b)
    grad = gelem * wv[:, None] / b
    return loss, grad


def fd_steps(name, cfg, y, t):
    """Per-element central-difference steps that never cross a kink."""
    h = np.full(y.shape, 1e-6)
    logits = cfg.get("from_logits", False)
    if name == "BinaryCrossentropy" and not logits:
        dist = np.minimum(np.abs(y - CLIP_LO), np.abs(y - CLIP_HI))
        h = np.minimum(h, 0.5 * dist)
    elif name in ("CategoricalCrossentropy", "SparseCategoricalCrossentropy") and not logits:
        s = np.sum(y, axis=-1, keepdims=True)
        q = y / s
        dist = np.min(np.minimum(np.abs(q - CLIP_LO), np.abs(q - CLIP_HI)), axis=-1, keepdims=True)
        h = np.minimum(h, 0.25 * s * dist) * np.ones_like(y)
    elif name == "MeanAbsoluteError":
        a = np.abs(y - t)
        h = np.where(a > 0, np.minimum(h, 0.5 * a), h)
    return h


def check_gradient(name, cfg, y, t, sw, grad):
    h = fd_steps(name, cfg, y, t)
    fd = np.zeros_like(y)
    for idx in np.ndindex(*y.shape):
        yp = y.copy()
        ym = y.copy()
        yp[idx] += h[idx]
        ym[idx] -= h[idx]
        lp, _ = loss_and_grad(name, cfg, yp, t, sw)
        lm, _ = loss_and_grad(name, cfg, ym, t, sw)
        fd[idx] = (lp - lm) / (2.0 * h[idx])
    scale = max(1.0, float(np.max(np.abs(grad))))
    err = np.max(np.abs(fd - grad))
    if not err <= 2e-6 * scale:
        raise AssertionError(
            f"gradient check failed for {name} {cfg}: max err {err}\n"
            f"analytic={grad}\nfd={fd}"
        )
    return err


LOSS_CASES = []
MAX_FD_ERR = [0.0]


def add_loss(name, cfg, outputs, targets, sample_weight=None, sparse=False):
    y = f32(outputs)
    t = np.asarray(targets, dtype=int) if sparse else f32(targets)
    sw = None if sample_weight is None else f32(sample_weight)
    assert y.ndim == 2 and t.ndim == 2 and t.shape[0] == y.shape[0]
    if sw is not None:
        assert sw.shape == (y.shape[0],)
    loss, grad = loss_and_grad(name, cfg, y, t, sw)
    err = check_gradient(name, cfg, y, t, sw, grad)
    MAX_FD_ERR[0] = max(MAX_FD_ERR[0], err)
    LOSS_CASES.append(
        {
            "class_name": name,
            "config": cfg,
            "outputs": tolist(y),
            "targets": tolist(t),
            "sample_weight": None if sw is None else tolist(sw),
            "loss": loss,
            "gradient": tolist(grad),
        }
    )


def rand_probs(shape, lo=0.02, hi=0.98):
    return rng.uniform(lo, hi, size=shape)


def rand_binary(shape):
    return rng.integers(0, 2, size=shape).astype(np.float64)


def rand_weights(n):
    return rng.uniform(0.1, 2.0, size=n)


def rand_simplex(b, c):
    p = rng.uniform(0.05, 1.0, size=(b, c))
    return p / p.sum(axis=-1, keepdims=True)


def build_losses():
    # ---- BinaryCrossentropy
    for logits in (False, True):
        for ls in (0.0, 0.2):
            for width in (1, 3):
                for weighted in (False, True):
                    b = 4
                    y = rng.normal(0, 2.0, (b, width)) if logits else rand_probs((b, width))
                    add_loss(
                        "BinaryCrossentropy",
                        {"from_logits": logits, "label_smoothing": ls},
                        y,
                        rand_binary((b, width)),
                        rand_weights(b) if weighted else None,
                    )
    # clipping edge: probabilities exactly 0 and 1 (and just inside the bounds)
    for ls in (0.0, 0.2):
        add_loss(
            "BinaryCrossentropy",
            {"from_logits": False, "label_smoothing": ls},
            [[0.0, 1.0, 0.5], [1.0, 0.0, 1e-3], [0.0, 0.0, 0.999], [1.0, 1.0, 0.25]],
            [[1.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 1.0], [0.0, 1.0, 0.0]],
            [0.5, 1.0, 2.0, 1.5] if ls else None,
        )
    # large |logits|
    for ls in (0.0, 0.2):
        add_loss(
            "BinaryCrossentropy",
            {"from_logits": True, "label_smoothing": ls},
            [[50.0, -50.0, 0.0], [-50.0, 50.0, 3.5], [30.0, -30.0, -0.25]],
            [[1.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 1.0]],
            [1.0, 0.5, 2.0] if ls else None,
        )
    # soft labels (Keras accepts any y_true in [0, 1])
    add_loss(
        "BinaryCrossentropy",
        {"from_logits": False, "label_smoothing": 0.0},
        rand_probs((3, 2)),
        rng.uniform(0, 1, (3, 2)),
    )

    # ---- CategoricalCrossentropy
    for logits in (False, True):
        for ls in (0.0, 0.1):
            for weighted in (False, True):
                b, c = 4, 3 if not weighted else 5
                y = rng.normal(0, 2.0, (b, c)) if logits else rand_simplex(b, c)
                add_loss(
                    "CategoricalCrossentropy",
                    {"from_logits": logits, "label_smoothing": ls},
                    y,
                    one_hot(rng.integers(0, c, b), c),
                    rand_weights(b) if weighted else None,
                )
    # probabilities that do not sum to 1 (renormalised by the row sum), exact
    # zeros and a one-hot prediction (clipping on both sides)
    for ls in (0.0, 0.1):
        add_loss(
            "CategoricalCrossentropy",
            {"from_logits": False, "label_smoothing": ls},
            [[0.2, 0.5, 0.6], [0.0, 1.0, 0.0], [0.0, 0.3, 0.1], [1.5, 0.25, 0.25]],
            [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]],
            [1.0, 0.5, 2.0, 1.0] if ls else None,
        )
    # large logits
    add_loss(
        "CategoricalCrossentropy",
        {"from_logits": True, "label_smoothing": 0.0},
        [[50.0, -50.0, 0.0], [-50.0, 50.0, 10.0]],
        [[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]],
    )

    # ---- SparseCategoricalCrossentropy
    for logits in (False, True):
        for weighted in (False, True):
            b, c = 5, 4
            y = rng.normal(0, 2.0, (b, c)) if logits else rand_simplex(b, c)
            add_loss(
                "SparseCategoricalCrossentropy",
                {"from_logits": logits},
                y,
                rng.integers(0, c, (b, 1)),
                rand_weights(b) if weighted else None,
                sparse=True,
            )
    add_loss(
        "SparseCategoricalCrossentropy",
        {"from_logits": False},
        [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1], [0.0, 0.0, 2.0]],
        [[1], [2], [0]],
        sparse=True,
    )
    add_loss(
        "SparseCategoricalCrossentropy",
        {"from_logits": True},
        [[50.0, -50.0, 0.0], [-50.0, 50.0, 10.0]],
        [[0], [1]],
        [2.0, 0.5],
        sparse=True,
    )

    # ---- regression losses
    for name in ("MeanSquaredError", "MeanAbsoluteError"):
        for width in (1, 3):
            for weighted in (False, True):
                b = 4
                add_loss(
                    name,
                    {},
                    rng.normal(0, 1.5, (b, width)),
                    rng.normal(0, 1.5, (b, width)),
                    rand_weights(b) if weighted else None,
                )
    # MAE with an exact zero error (gradient 0 there)
    add_loss(
        "MeanAbsoluteError",
        {},
        [[1.0, 2.5, -1.0], [0.0, 0.5, 3.0]],
        [[1.0, 2.0, -0.5], [0.25, 0.5, 1.0]],
        [1.0, 3.0],
    )
    for delta in (1.0, 0.5):
        for weighted in (False, True):
            b, w = 4, 3
            t = rng.normal(0, 1.0, (b, w))
            # errors spread over both sides of delta (and both signs)
            mags = rng.uniform(0.05, 3.0 * delta, (b, w))
            signs = np.where(rng.uniform(size=(b, w)) < 0.5, -1.0, 1.0)
            add_loss(
                "Huber",
                {"delta": delta},
                t + signs * mags,
                t,
                rand_weights(b) if weighted else None,
            )
    # errors exactly at +/- delta (quadratic branch, Keras uses abs_error <= delta)
    add_loss(
        "Huber",
        {"delta": 0.5},
        [[1.5, -0.5, 0.25], [3.0, 0.0, -2.0]],
        [[1.0, 0.0, 0.0], [1.0, 0.0, -1.0]],
    )


# --------------------------------------------------------------------------
# metrics
# --------------------------------------------------------------------------


def _mean_metric(rows_fn):
    """MeanMetricWrapper: per-sample value (mean over last axis), then
    total += sum(w * v), count += sum(w) (or batch size)."""

    def run(cfg, updates):
        total = 0.0
        count = 0.0
        for y, t, sw in updates:
            v = rows_fn(cfg, y, t)
            if sw is None:
                total += float(np.sum(v))
                count += float(v.shape[0])
            else:
                total += float(np.sum(v * sw))
                count += float(np.sum(sw))
        return float(divide_no_nan(total, count))

    return run


def _first_argmax(x):
    return np.argmax(x, axis=-1)  # numpy: first occurrence, as Keras


def _binary_accuracy(cfg, y, t):
    thr = f32s(cfg.get("threshold", 0.5))
    return np.mean((t == (y > thr).astype(np.float64)).astype(np.float64), axis=-1)


def _categorical_accuracy(cfg, y, t):
    return (_first_argmax(t) == _first_argmax(y)).astype(np.float64)


def _sparse_categorical_accuracy(cfg, y, t):
    return (t.reshape(-1).astype(int) == _first_argmax(y)).astype(np.float64)


def _in_top_k(target, y, k):
    # rank = 1 + #(scores strictly greater than the target's score); ties favour
    # the target (same in jax/numpy/torch/tf backends)
    pt = y[np.arange(y.shape[0]), target]
    rank = 1 + np.sum(y > pt[:, None], axis=-1)
    return (rank <= k).astype(np.float64)


def _top_k(cfg, y, t):
    return _in_top_k(_first_argmax(t), y, cfg.get("k", 5))


def _sparse_top_k(cfg, y, t):
    return _in_top_k(t.reshape(-1).astype(int), y, cfg.get("k", 5))


def _mae_rows(cfg, y, t):
    return np.mean(np.abs(y - t), axis=-1)


def _mse_rows(cfg, y, t):
    return np.mean((y - t) ** 2, axis=-1)


def _confusion(y, t, sw, thr32):
    """Direct path of update_confusion_matrix_variables: prediction is positive
    iff y_pred > threshold (float32 compare); y_true cast to bool; a per-sample
    weight is broadcast along the row."""
    w = np.ones_like(y) if sw is None else np.broadcast_to(sw[:, None], y.shape)
    pos = t != 0
    pred = y > thr32
    tp = float(np.sum(w * (pos & pred)))
    fp = float(np.sum(w * (~pos & pred)))
    fn = float(np.sum(w * (pos & ~pred)))
    tn = float(np.sum(w * (~pos & ~pred)))
    return tp, fp, fn, tn


def _precision_recall(which):
    def run(cfg, updates):
        thr = cfg.get("thresholds")
        thr32 = f32s(0.5 if thr is None else thr)
        tp = fp = fn = 0.0
        for y, t, sw in updates:
            a, b, c, _ = _confusion(y, t, sw, thr32)
            tp += a
            fp += b
            fn += c
        den = tp + (fp if which == "precision" else fn)
        return float(divide_no_nan(tp, den))

    return run


def auc_thresholds(n):
    inner = [(i + 1) * 1.0 / (n - 1) for i in range(n - 2)]
    return np.array([0.0 - EPSILON] + inner + [1.0 + EPSILON])


def _auc_counts_optimized(y, t, sw, n):
    """Keras's evenly-distributed-thresholds path (float32 bucketing):
    bucket = relu(ceil(p * (n - 1)) - 1); counts at threshold i are the
    reversed cumulative sums of the bucket sums."""
    p = np.clip(y.astype(np.float32).reshape(-1), np.float32(0.0), np.float32(1.0))
    bucket = np.ceil(p * np.float32(n - 1)) - np.float32(1.0)
    bucket = np.maximum(bucket, 0).astype(int)
    w = np.ones(p.shape) if sw is None else np.broadcast_to(sw[:, None], y.shape).reshape(-1)
    pos = (t.reshape(-1) != 0).astype(np.float64)
    tl = pos * w
    fl = (1.0 - pos) * w
    tpb = np.bincount(bucket, weights=tl, minlength=n)
    fpb = np.bincount(bucket, weights=fl, minlength=n)
    tp = np.cumsum(tpb[::-1])[::-1]
    fp = np.cumsum(fpb[::-1])[::-1]
    fn = np.sum(tl) - tp
    tn = np.sum(fl) - fp
    return tp, fp, fn, tn


def _auc_counts_direct(y, t, sw, n):
    ths = auc_thresholds(n)
    out = np.zeros((4, n))
    for i, th in enumerate(ths):
        out[:, i] = _confusion(y, t, sw, th)
    tp, fp, fn, tn = out
    return tp, fp, fn, tn


def _auc(cfg, updates):
    n = cfg.get("num_thresholds", 200)
    curve = cfg.get("curve", "ROC")
    assert cfg.get("summation_method", "interpolation") == "interpolation"
    tp = np.zeros(n)
    fp = np.zeros(n)
    fn = np.zeros(n)
    tn = np.zeros(n)
    for y, t, sw in updates:
        a = _auc_counts_optimized(y, t, sw, n)
        d = _auc_counts_direct(y, t, sw, n)
        for u, v in zip(a, d):
            assert np.allclose(u, v, rtol=0, atol=1e-9), "AUC bucketing disagrees"
        tp += a[0]
        fp += a[1]
        fn += a[2]
        tn += a[3]
    if curve == "PR":
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = divide_no_nan(dtp, np.maximum(dp, 0.0))
        intercept = tp[1:] - slope * p[1:]
        both = (p[:-1] > 0) & (p[1:] > 0)
        ratio = np.where(both, divide_no_nan(p[:-1], np.maximum(p[1:], 0.0)), 1.0)
        ratio = np.where(ratio > 0, ratio, 1.0)  # only used where `both`
        inc = divide_no_nan(
            slope * (dtp + intercept * np.log(ratio)),
            np.maximum(tp[1:] + fn[1:], 0.0),
        )
        return float(np.sum(inc))
    recall = divide_no_nan(tp, tp + fn)
    fpr = divide_no_nan(fp, fp + tn)
    heights = (recall[:-1] + recall[1:]) / 2.0
    return float(np.sum((fpr[:-1] - fpr[1:]) * heights))


def _f1(cfg, updates):
    average = cfg.get("average")
    threshold = cfg.get("threshold")
    assert average in ("micro", "macro", "weighted")
    axis = None if average == "micro" else 0
    tp = fp = fn = iw = 0.0
    for y, t, sw in updates:
        if threshold is None:
            # every entry equal to the row max (ties -> several ones), but
            # never an entry with |y| <= 1e-9 (an all-zero row stays all-zero)
            pred = (y >= np.max(y, axis=-1, keepdims=True)) & (np.abs(y) > 1e-9)
        else:
            pred = y > f32s(threshold)
        pred = pred.astype(np.float64)
        w = np.ones((y.shape[0], 1)) if sw is None else sw[:, None]
        tp = tp + np.sum(pred * t * w, axis=axis)
        fp = fp + np.sum(pred * (1 - t) * w, axis=axis)
        fn = fn + np.sum((1 - pred) * t * w, axis=axis)
        iw = iw + np.sum(t * w, axis=axis)
    precision = tp / (tp + fp + EPSILON)
    recall = tp / (tp + fn + EPSILON)
    f1 = 2.0 * (precision * recall) / (precision + recall + EPSILON)
    if average == "weighted":
        return float(np.sum(f1 * (iw / (np.sum(iw) + EPSILON))))
    return float(np.mean(f1))


METRIC_FNS = {
    "BinaryAccuracy": _mean_metric(_binary_accuracy),
    "CategoricalAccuracy": _mean_metric(_categorical_accuracy),
    "SparseCategoricalAccuracy": _mean_metric(_sparse_categorical_accuracy),
    "TopKCategoricalAccuracy": _mean_metric(_top_k),
    "SparseTopKCategoricalAccuracy": _mean_metric(_sparse_top_k),
    "MeanAbsoluteError": _mean_metric(_mae_rows),
    "MeanSquaredError": _mean_metric(_mse_rows),
    "Precision": _precision_recall("precision"),
    "Recall": _precision_recall("recall"),
    "AUC": _auc,
    "F1Score": _f1,
}

METRIC_CASES = []


def add_metric(name, cfg, updates, sparse=False):
    conv = []
    for u in updates:
        y = f32(u[0])
        t = np.asarray(u[1], dtype=int) if sparse else f32(u[1])
        sw = None if len(u) < 3 or u[2] is None else f32(u[2])
        assert y.ndim == 2 and t.ndim == 2 and t.shape[0] == y.shape[0]
        conv.append((y, t, sw))
    result = METRIC_FNS[name](cfg, conv)
    assert math.isfinite(result)
    METRIC_CASES.append(
        {
            "class_name": name,
            "config": cfg,
            "updates": [
                {
                    "outputs": tolist(y),
                    "targets": tolist(t),
                    "sample_weight": None if sw is None else tolist(sw),
                }
                for y, t, sw in conv
            ],
            "result": result,
        }
    )


def rand_updates(batches, width, weighted, target_fn, pred_fn=None):
    ups = []
    for i, b in enumerate(batches):
        y = pred_fn((b, width)) if pred_fn else rng.uniform(0, 1, (b, width))
        sw = rand_weights(b) if (weighted and i != 0) else None
        ups.append((y, target_fn((b, width)), sw))
    return ups


def onehot_targets(shape):
    return one_hot(rng.integers(0, shape[1], shape[0]), shape[1])


def sparse_targets(shape):
    return rng.integers(0, shape[1], (shape[0], 1))


def build_metrics():
    # ---- BinaryAccuracy
    for thr in (0.5, 0.7):
        for width in (1, 3):
            add_metric(
                "BinaryAccuracy",
                {"threshold": thr},
                rand_updates([4, 3, 5], width, weighted=(width == 3), target_fn=rand_binary),
            )
        # values exactly at the threshold count as 0 (y_pred > threshold)
        add_metric(
            "BinaryAccuracy",
            {"threshold": thr},
            [
                ([[thr], [thr + 0.01], [0.0], [1.0]], [[0.0], [1.0], [1.0], [1.0]]),
                ([[thr], [0.2]], [[1.0], [0.0]], [2.0, 0.5]),
            ],
        )
    # ---- CategoricalAccuracy (incl. a tie: first max wins)
    add_metric(
        "CategoricalAccuracy", {},
        rand_updates([4, 5, 3], 4, weighted=True, target_fn=onehot_targets),
    )
    add_metric(
        "CategoricalAccuracy", {},
        [
            ([[0.4, 0.4, 0.2], [0.1, 0.45, 0.45], [0.3, 0.3, 0.4]],
             [[1, 0, 0], [0, 0, 1], [0, 0, 1]]),
            ([[0.5, 0.5, 0.0], [0.2, 0.7, 0.1]], [[0, 1, 0], [0, 1, 0]], [3.0, 1.0]),
        ],
    )
    # ---- SparseCategoricalAccuracy
    add_metric(
        "SparseCategoricalAccuracy", {},
        rand_updates([4, 5, 3], 4, weighted=True, target_fn=sparse_targets),
        sparse=True,
    )
    add_metric(
        "SparseCategoricalAccuracy", {},
        [
            ([[0.4, 0.4, 0.2], [0.1, 0.45, 0.45], [0.3, 0.3, 0.4]], [[0], [2], [2]]),
            ([[0.5, 0.5, 0.0], [0.2, 0.7, 0.1]], [[1], [1]], [3.0, 1.0]),
        ],
        sparse=True,
    )
    # ---- TopKCategoricalAccuracy
    for k in (2, 3):
        add_metric(
            "TopKCategoricalAccuracy", {"k": k},
            rand_updates([4, 5, 3], 5, weighted=True, target_fn=onehot_targets),
        )
    add_metric(
        "TopKCategoricalAccuracy", {"k": 2},
        [
            # ties at the k-th place count as "in top k"
            ([[0.3, 0.3, 0.3, 0.1], [0.4, 0.2, 0.2, 0.2], [0.1, 0.2, 0.3, 0.4]],
             [[0, 0, 1, 0], [0, 0, 0, 1], [1, 0, 0, 0]]),
        ],
    )
    # ---- SparseTopKCategoricalAccuracy
    add_metric(
        "SparseTopKCategoricalAccuracy", {"k": 2},
        rand_updates([4, 5, 3], 5, weighted=True, target_fn=sparse_targets),
        sparse=True,
    )
    add_metric(
        "SparseTopKCategoricalAccuracy", {"k": 2},
        [
            ([[0.3, 0.3, 0.3, 0.1], [0.4, 0.2, 0.2, 0.2], [0.1, 0.2, 0.3, 0.4]],
             [[2], [3], [0]], [1.0, 2.0, 0.5]),
        ],
        sparse=True,
    )
    # ---- Precision / Recall
    for name in ("Precision", "Recall"):
        for thr in (None, 0.3):
            for width in (1, 3):
                add_metric(
                    name, {"thresholds": thr},
                    rand_updates([5, 4, 6], width, weighted=(width == 1), target_fn=rand_binary),
                )
        # predictions exactly at the threshold are negative (float32 compare:
        # float32(0.3) > float32(0.3) is false)
        add_metric(
            name, {"thresholds": 0.3},
            [([[0.3], [0.3], [0.31], [0.29], [0.9]], [[1], [0], [1], [1], [0]])],
        )
        add_metric(
            name, {"thresholds": None},
            [([[0.5, 0.9], [0.1, 0.5]], [[1, 1], [0, 1]], [2.0, 0.5])],
        )
    # no predicted positives / no actual positives -> 0 (divide_no_nan)
    add_metric("Precision", {"thresholds": None}, [([[0.1], [0.4]], [[1], [0]])])
    add_metric("Recall", {"thresholds": None}, [([[0.9], [0.4]], [[0], [0]])])

    # ---- AUC
    for curve in ("ROC", "PR"):
        for n in (200, 5):
            cfg = {"curve": curve, "num_thresholds": n, "summation_method": "interpolation"}
            add_metric("AUC", cfg, rand_updates([6, 5, 7], 1, weighted=False, target_fn=rand_binary))
            add_metric("AUC", cfg, rand_updates([6, 5], 2, weighted=True, target_fn=rand_binary))
            # ties and predictions on the grid (0, 0.25, 0.5, 0.75, 1)
            add_metric(
                "AUC", cfg,
                [
                    ([[0.5], [0.5], [0.25], [0.75], [0.0], [1.0], [0.5]],
                     [[1], [0], [0], [1], [0], [1], [1]]),
                    ([[0.75], [0.75], [0.1], [0.9]], [[0], [1], [1], [0]], [2.0, 1.0, 0.5, 1.0]),
                ],
            )
            # all targets one class
            add_metric("AUC", cfg, [([[0.2], [0.6], [0.9], [0.4]], [[1], [1], [1], [1]])])
            add_metric("AUC", cfg, [([[0.2], [0.6], [0.9], [0.4]], [[0], [0], [0], [0]])])

    # ---- F1Score
    for average in ("micro", "macro", "weighted"):
        for thr in (None, 0.5):
            cfg = {"average": average, "threshold": thr}
            add_metric(
                "F1Score", cfg,
                rand_updates([5, 4, 6], 3, weighted=True, target_fn=rand_binary),
            )
            # ties with the row max, an all-zero row, a class never predicted
            add_metric(
                "F1Score", cfg,
                [
                    ([[0.6, 0.6, 0.1, 0.0], [0.0, 0.0, 0.0, 0.0], [0.2, 0.7, 0.7, 0.0],
                      [0.9, 0.1, 0.55, 0.0]],
                     [[1, 0, 0, 0], [0, 1, 0, 0], [0, 1, 1, 0], [1, 0, 1, 1]]),
                    ([[0.3, 0.5, 0.2, 0.0], [0.1, 0.2, 0.3, 0.4]],
                     [[0, 1, 0, 0], [0, 0, 1, 0]], [2.0, 0.5]),
                ],
            )

    # ---- regression metrics
    for name in ("MeanAbsoluteError", "MeanSquaredError"):
        for width in (1, 3):
            add_metric(
                name, {},
                rand_updates(
                    [4, 3, 5], width, weighted=True,
                    target_fn=lambda s: rng.normal(0, 1.0, s),
                    pred_fn=lambda s: rng.normal(0, 1.0, s),
                ),
            )


# --------------------------------------------------------------------------
# optimizers
# --------------------------------------------------------------------------


def clip_gradients(cfg, grads):
    cn = cfg.get("clipnorm")
    gcn = cfg.get("global_clipnorm")
    cv = cfg.get("clipvalue")
    if cn:
        out = []
        for g in grads:
            n = math.sqrt(float(np.sum(g * g)))
            out.append(g * cn / max(n, cn))
        return out
    if gcn:
        n = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
        scale = gcn * min(1.0 / n, 1.0 / gcn)
        return [g * scale for g in grads]
    if cv:
        return [np.clip(g, -cv, cv) for g in grads]
    return grads


class OptState:
    def __init__(self, params):
        z = lambda: [np.zeros_like(p) for p in params]
        self.m, self.v, self.vhat, self.avg, self.mom = z(), z(), z(), z(), z()
        self.iterations = 0


def optimizer_step(name, cfg, params, grads, st):
    lr = cfg["learning_rate"]
    grads = clip_gradients(cfg, grads)
    wd = cfg.get("weight_decay")
    if wd is not None:
        # base_optimizer._apply_weight_decay: after clipping, before update_step
        params = [p - p * wd * lr for p in params]
    out = []
    t = st.iterations + 1
    for i, (p, g) in enumerate(zip(params, grads)):
        if name in ("Adam", "AdamW"):
            b1, b2, eps = cfg["beta_1"], cfg["beta_2"], cfg["epsilon"]
            alpha = lr * math.sqrt(1 - b2**t) / (1 - b1**t)
            st.m[i] = st.m[i] + (g - st.m[i]) * (1 - b1)
            st.v[i] = st.v[i] + (g * g - st.v[i]) * (1 - b2)
            v = st.v[i]
            if cfg["amsgrad"]:
                st.vhat[i] = np.maximum(st.vhat[i], st.v[i])
                v = st.vhat[i]
            p = p - st.m[i] * alpha / (np.sqrt(v) + eps)
        elif name == "RMSprop":
            rho, eps, mom = cfg["rho"], cfg["epsilon"], cfg["momentum"]
            st.v[i] = rho * st.v[i] + (1 - rho) * g * g
            if cfg["centered"]:
                st.avg[i] = rho * st.avg[i] + (1 - rho) * g
                den = st.v[i] - st.avg[i] ** 2 + eps
            else:
                den = st.v[i] + eps
            inc = lr * g / np.sqrt(den)
            if mom > 0:
                st.mom[i] = mom * st.mom[i] + inc
                p = p - st.mom[i]
            else:
                p = p - inc
        elif name == "Adagrad":
            # keras/src/optimizers/adagrad.py: accumulator starts at initial_accumulator_value
            if not hasattr(st, "acc"):
                st.acc = [np.full_like(q, cfg["initial_accumulator_value"]) for q in params]
            st.acc[i] = st.acc[i] + g * g
            p = p - lr * g / np.sqrt(st.acc[i] + cfg["epsilon"])
        elif name == "SGD":
            mom = cfg["momentum"]
            if mom != 0:
                st.mom[i] = st.mom[i] * mom - g * lr
                if cfg["nesterov"]:
                    p = p + st.mom[i] * mom - g * lr
                else:
                    p = p + st.mom[i]
            else:
                p = p - g * lr
        else:
            raise ValueError(name)
        out.append(p)
    st.iterations += 1
    return out


OPT_DEFAULTS = {
    "Adam": {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False, "weight_decay": None},
    "AdamW": {"weight_decay": 0.004, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False},
    "RMSprop": {"rho": 0.9, "momentum": 0.0, "epsilon": 1e-7, "centered": False, "weight_decay": None},
    "SGD": {"momentum": 0.0, "nesterov": False, "weight_decay": None},
    "Adagrad": {"initial_accumulator_value": 0.1, "epsilon": 1e-7, "weight_decay": None},
}

OPT_CASES = []


def add_optimizer(name, overrides, grad_scale=1.0):
    cfg = {"learning_rate": 0.01}
    cfg.update(OPT_DEFAULTS[name])
    cfg.update({"clipnorm": None, "clipvalue": None, "global_clipnorm": None})
    cfg.update(overrides)
    params = [f32(rng.normal(0, 1.0, 3)), f32(rng.normal(0, 1.0, 5))]
    grads = []
    for step in range(3):
        # step-dependent scale so clipping is active on some steps but not others
        s = grad_scale * (1.0, 0.1, 0.6)[step]
        grads.append([f32(rng.normal(0, s, 3)), f32(rng.normal(0, s, 5))])
    st = OptState(params)
    cur = params
    expected = []
    for g in grads:
        cur = optimizer_step(name, cfg, cur, g, st)
        expected.append([tolist(p) for p in cur])
    OPT_CASES.append(
        {
            "class_name": name,
            "config": cfg,
            "params": [tolist(p) for p in params],
            "gradients": [[tolist(x) for x in g] for g in grads],
            "expected": expected,
        }
    )


def build_optimizers():
    add_optimizer("Adam", {})
    add_optimizer("Adam", {"amsgrad": True})
    add_optimizer("AdamW", {})
    add_optimizer("AdamW", {"weight_decay": 0.1})
    add_optimizer("AdamW", {"weight_decay": 0.1, "amsgrad": True})
    for momentum in (0.0, 0.5):
        for centered in (False, True):
            add_optimizer("RMSprop", {"rho": 0.9, "momentum": momentum, "centered": centered})
    add_optimizer("SGD", {})
    add_optimizer("SGD", {"momentum": 0.9})
    add_optimizer("SGD", {"momentum": 0.9, "nesterov": True})
    add_optimizer("SGD", {"momentum": 0.9, "weight_decay": 0.1})
    add_optimizer("Adam", {"clipnorm": 0.5})
    add_optimizer("Adam", {"clipvalue": 0.1})
    add_optimizer("Adam", {"global_clipnorm": 0.5})
    add_optimizer("SGD", {"clipnorm": 0.5})
    add_optimizer("SGD", {"global_clipnorm": 0.5})
    add_optimizer("Adagrad", {})
    add_optimizer("Adagrad", {"initial_accumulator_value": 0.5, "clipvalue": 0.1})


# --------------------------------------------------------------------------
# schedules
# --------------------------------------------------------------------------


def exponential_decay(cfg, step):
    p = step / cfg["decay_steps"]
    if cfg["staircase"]:
        p = math.floor(p)
    return cfg["initial_learning_rate"] * cfg["decay_rate"] ** p


def cosine_decay(cfg, step):
    lr0 = cfg["initial_learning_rate"]
    ds = float(cfg["decay_steps"])
    alpha = cfg["alpha"]

    def decay(s, start):
        frac = s / ds
        cos = 0.5 * (1.0 + math.cos(math.pi * frac))
        return start * ((1 - alpha) * cos + alpha)

    if cfg["warmup_target"] is None:
        return decay(min(float(step), ds), lr0)
    ws = float(cfg["warmup_steps"])
    target = cfg["warmup_target"]
    s = min(float(step), ds + ws)
    if s < ws:
        return (target - lr0) * (s / ws) + lr0
    return decay(s - ws, target)


def piecewise_constant(cfg, step):
    b = cfg["boundaries"]
    v = cfg["values"]
    for i, bound in enumerate(b):
        if step <= bound:
            return v[i]
    return v[-1]


SCHED_FNS = {
    "ExponentialDecay": exponential_decay,
    "CosineDecay": cosine_decay,
    "PiecewiseConstantDecay": piecewise_constant,
}
SCHED_CASES = []


def add_schedule(name, cfg, steps):
    SCHED_CASES.append(
        {
            "class_name": name,
            "config": cfg,
            "steps": list(steps),
            "values": [float(SCHED_FNS[name](cfg, s)) for s in steps],
        }
    )


def build_schedules():
    for staircase in (False, True):
        add_schedule(
            "ExponentialDecay",
            {"initial_learning_rate": 0.1, "decay_steps": 10, "decay_rate": 0.5, "staircase": staircase},
            [0, 1, 5, 9, 10, 11, 15, 20, 25, 100],
        )
    add_schedule(
        "ExponentialDecay",
        {"initial_learning_rate": 0.01, "decay_steps": 1000, "decay_rate": 0.96, "staircase": True},
        [0, 999, 1000, 1001, 2500, 10000],
    )
    for alpha in (0.0, 0.1):
        add_schedule(
            "CosineDecay",
            {"initial_learning_rate": 0.1, "decay_steps": 100, "alpha": alpha,
             "warmup_target": None, "warmup_steps": 0},
            [0, 1, 25, 50, 75, 99, 100, 101, 1000],
        )
        add_schedule(
            "CosineDecay",
            {"initial_learning_rate": 0.0, "decay_steps": 100, "alpha": alpha,
             "warmup_target": 0.1, "warmup_steps": 10},
            [0, 1, 5, 9, 10, 11, 35, 60, 109, 110, 111, 1000],
        )
    add_schedule(
        "CosineDecay",
        {"initial_learning_rate": 0.01, "decay_steps": 50, "alpha": 0.1,
         "warmup_target": 0.05, "warmup_steps": 5},
        [0, 2, 4, 5, 6, 30, 54, 55, 56, 100],
    )
    add_schedule(
        "PiecewiseConstantDecay",
        {"boundaries": [10, 20], "values": [0.1, 0.05, 0.01]},
        [0, 9, 10, 11, 19, 20, 21, 100],
    )
    add_schedule(
        "PiecewiseConstantDecay",
        {"boundaries": [5], "values": [1.0, 0.5]},
        [0, 4, 5, 6, 50],
    )


# --------------------------------------------------------------------------


def main(argv):
    out = argv[1] if len(argv) > 1 else DEFAULT_OUT
    build_losses()
    build_metrics()
    build_optimizers()
    build_schedules()
    doc = {
        "about": (
            f"Keras {KERAS_VERSION} (keras-team/keras@{KERAS_COMMIT}) reference values for Kiln's "
            "losses (value + d loss/d y_pred, reduction sum_over_batch_size), metrics, optimizers "
            "(3 steps, params after each step) and learning-rate schedules. Generated by the "
            "NumPy-only transcription engine/src/test/python/keras_reference.py (float64 "
            "arithmetic on float32-rounded inputs; crossentropy clip bounds are Keras's float32 "
            "values [float32(1e-7), float32(1-1e-7) = 1-2^-23]; gradients checked against central "
            "finite differences). Formulas and subtleties: engine/src/test/python/KERAS_FORMULAS.md. "
            "Rerun from the repository root: python3 engine/src/test/python/keras_reference.py"
        ),
        "losses": LOSS_CASES,
        "metrics": METRIC_CASES,
        "optimizers": OPT_CASES,
        "schedules": SCHED_CASES,
    }
    text = json.dumps(doc, indent=1, allow_nan=False)
    # keep innermost number lists on one line (values are still full repr)
    text = re.sub(
        r"\[[-+.eE0-9,\s]*\]",
        lambda m: "[" + ", ".join(x.strip() for x in m.group(0)[1:-1].split(",")) + "]",
        text,
    ) + "\n"
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w", encoding="utf-8") as fh:
        fh.write(text)
    print(
        f"wrote {out}: {len(LOSS_CASES)} losses, {len(METRIC_CASES)} metrics, "
        f"{len(OPT_CASES)} optimizers, {len(SCHED_CASES)} schedules, "
        f"{len(text)} bytes; max |fd - analytic| = {MAX_FD_ERR[0]:.3g}"
    )


if __name__ == "__main__":
    main(sys.argv)
