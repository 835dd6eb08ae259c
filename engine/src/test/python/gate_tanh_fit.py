#!/usr/bin/env python3
"""Fits the rational tanh the LSTM cell's gates use (VectorMath.gateTanh and gateSigmoid).

tanh(x) ~ x * P(x^2) / Q(x^2), P of degree 6 and Q of degree 3 in x^2 with P(0) = Q(0) = 1, fitted
on [0, 9] for the smallest maximum *relative* error: linearized least squares (x P - tanh(x) Q = 0,
weighted by 1 / (tanh(x) Q_previous)), then Lawson's reweighting towards the minimax solution.
Prints the coefficients as Java float literals (float32 round-trip), the error of the fit in
float64 and of the same Horner evaluation in float32. Deterministic; numpy only.
    python3 engine/src/test/python/gate_tanh_fit.py
"""
import numpy as np

LIMIT = 9.0
P_DEGREE, Q_DEGREE = 6, 3


def fit():
    x = np.concatenate([np.geomspace(1e-6, 1e-3, 4000), np.linspace(1e-3, LIMIT, 200000)])
    t = np.tanh(x)
    u = (x / LIMIT) ** 2  # scaled, so the columns of the system are of similar size
    q_previous = np.ones_like(x)
    lawson = np.ones_like(x)
    for _ in range(60):
        w = lawson / (t * q_previous)
        columns = [x * u ** k for k in range(1, P_DEGREE + 1)] + [-t * u ** k for k in range(1, Q_DEGREE + 1)]
        a = np.stack(columns, 1) * w[:, None]
        b = (t - x) * w  # P(0) = Q(0) = 1 moved to the right-hand side
        c, *_ = np.linalg.lstsq(a, b, rcond=None)
        p = np.concatenate([[1.0], c[:P_DEGREE]])
        q = np.concatenate([[1.0], c[P_DEGREE:]])
        q_previous = np.polyval(q[::-1], u)
        error = np.abs(x * np.polyval(p[::-1], u) / q_previous / t - 1)
        lawson = lawson * (error / error.max()) ** 0.3 + 1e-12
        lawson /= lawson.max()
    # Back from u = x^2 / LIMIT^2 to x^2.
    p = [p[k] / LIMIT ** (2 * k) for k in range(P_DEGREE + 1)]
    q = [q[k] / LIMIT ** (2 * k) for k in range(Q_DEGREE + 1)]
    return p, q, error.max()


def horner32(coefficients, s):
    value = np.full_like(s, np.float32(coefficients[-1]))
    for c in reversed(coefficients[:-1]):
        value = (value * s + np.float32(c)).astype(np.float32)
    return value


def main():
    p, q, fit_error = fit()
    p32 = [np.float32(v) for v in p]
    q32 = [np.float32(v) for v in q]
    for name, values in (("P", p32), ("Q", q32)):
        for k, v in enumerate(values):
            print(f"{name}{k} = {np.format_float_scientific(v, unique=True)}f")
    x = np.linspace(0, 8, 4_000_001).astype(np.float32)
    s = (x * x).astype(np.float32)
    r = (x * horner32(p32, s) / horner32(q32, s)).astype(np.float32)
    print(f"relative error of the fit (float64): {fit_error:.3g}")
    print(f"absolute error in float32 on [0, 8]: {np.abs(r - np.tanh(x.astype(np.float64))).max():.3g}")


if __name__ == "__main__":
    main()
