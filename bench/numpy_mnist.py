"""The bench's numpy peer for MNIST: a dense network trained with Adam on mini-batches, the
algorithm tsgrad's `train --layers 784,128,10 --optimizer adam --batch-size 128 --init he`
runs, written as numpy users write it, as one whole process: start, load, train, evaluate.

    /usr/bin/python3 bench/numpy_mnist.py --data ../shared/datasets/mnist --dtype float64

- data: the gzipped idx files of `--data` (10,000 digits); the first 8,000 train, the last
  2,000 test (tsgrad's `--test-last 2000`); pixels / 255. in float64, then cast to --dtype;
- weights: np.random.seed(seed), then for each layer W = randn(n_out, n_in) * sqrt(2 / n_in)
  (He), b = 0, drawn in float64 and cast (the course's `initialize_parameters_he`);
- the network: relu between dense layers, softmax out, the cost -sum(Y log A) / batch;
- mini-batches: every epoch e, np.random.seed(shuffle_seed + e + 1) and
  np.random.permutation(m) (the course's `random_mini_batches`), batches of --batch-size in
  that order, the last one smaller;
- Adam with bias correction (the course's `update_parameters_with_adam`):
  v = b1 v + (1 - b1) g, s = b2 s + (1 - b2) g^2, p -= lr (v / (1 - b1^t)) / (sqrt(s / (1 - b2^t)) + eps).

The samples are rows (X is (m, 784), Z = X W^T + b), as tsgrad stores them. Prints one JSON
line: each epoch's mean cost, train and test accuracy in percent, the seconds of loading and
of training, peak RSS, numpy's version and BLAS.
"""
import argparse
import gzip
import json
import os
import resource
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from numpy_logistic import blas_library  # noqa: E402


def read_idx(path):
    """An idx file's array (gzipped or not): big-endian magic, dimensions, then uint8 values."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(data_dir, dtype, test_last):
    images = read_idx(os.path.join(data_dir, "t10k-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(data_dir, "t10k-labels-idx1-ubyte.gz")).astype(np.int64)
    X = (images.reshape(images.shape[0], -1) / 255.).astype(dtype, copy=False)
    m = X.shape[0] - test_last
    return X[:m], labels[:m], X[m:], labels[m:]


def init_he(layers, seed, dtype):
    np.random.seed(seed)
    params = []
    for n_in, n_out in zip(layers[:-1], layers[1:]):
        W = (np.random.randn(n_out, n_in) * np.sqrt(2. / n_in)).astype(dtype)
        params.append([W, np.zeros(n_out, dtype=dtype)])
    return params


def softmax(Z):
    E = np.exp(Z - np.max(Z, axis=1, keepdims=True))
    return E / np.sum(E, axis=1, keepdims=True)


def forward(params, X):
    """Each layer's input and pre-activation, and the output's probabilities."""
    caches = []
    A = X
    for l, (W, b) in enumerate(params):
        Z = A.dot(W.T) + b
        caches.append((A, Z))
        A = softmax(Z) if l == len(params) - 1 else np.maximum(Z, 0)
    return A, caches


def train(params, X, y, classes, epochs, batch, lr, seed, beta1=0.9, beta2=0.999, eps=1e-8):
    m = X.shape[0]
    dtype = X.dtype
    Y = np.eye(classes, dtype=dtype)[y]
    v = [[np.zeros_like(W), np.zeros_like(b)] for W, b in params]
    s = [[np.zeros_like(W), np.zeros_like(b)] for W, b in params]
    t = 0
    costs = []
    for epoch in range(epochs):
        np.random.seed(seed + epoch + 1)
        permutation = np.random.permutation(m)
        total = 0.0
        for k in range(0, m, batch):
            idx = permutation[k:k + batch]
            bX, bY = X[idx], Y[idx]
            mb = bX.shape[0]
            AL, caches = forward(params, bX)
            cost = float(-np.sum(bY * np.log(AL)) / mb)
            total += cost * mb
            dZ = AL - bY
            t += 1
            for l in reversed(range(len(params))):
                A_prev, Z = caches[l]
                W, b = params[l]
                dW = dZ.T.dot(A_prev) / mb
                db = np.sum(dZ, axis=0) / mb
                if l > 0:
                    dA = dZ.dot(W)
                    dZ = dA * (caches[l - 1][1] > 0)
                for j, g in enumerate((dW, db)):
                    v[l][j] = beta1 * v[l][j] + (1 - beta1) * g
                    s[l][j] = beta2 * s[l][j] + (1 - beta2) * (g * g)
                    v_hat = v[l][j] / (1 - beta1 ** t)
                    s_hat = s[l][j] / (1 - beta2 ** t)
                    params[l][j] = params[l][j] - lr * v_hat / (np.sqrt(s_hat) + eps)
        costs.append({"epoch": epoch, "cost": total / m})
    return costs


def accuracy(params, X, y):
    A, _ = forward(params, X)
    return float(np.mean(np.argmax(A, axis=1) == y) * 100)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default=os.path.join(HERE, "..", "..", "shared", "datasets", "mnist"))
    p.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    p.add_argument("--layers", default="784,128,10")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--learning-rate", type=float, default=0.001)
    p.add_argument("--test-last", type=int, default=2000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--shuffle-seed", type=int, default=10)
    args = p.parse_args()
    dtype = np.float32 if args.dtype == "float32" else np.float64
    t0 = time.perf_counter()
    X, y, Xt, yt = load(args.data, dtype, args.test_last)
    layers = [int(n) for n in args.layers.split(",")]
    t1 = time.perf_counter()
    params = init_he(layers, args.seed, dtype)
    costs = train(params, X, y, layers[-1], args.epochs, args.batch_size, args.learning_rate, args.shuffle_seed)
    t2 = time.perf_counter()
    out = {
        "dtype": args.dtype,
        "layers": layers,
        "costs": costs,
        "trainAccuracy": accuracy(params, X, y),
        "testAccuracy": accuracy(params, Xt, yt),
        "loadSeconds": t1 - t0,
        "trainingSeconds": t2 - t1,
        # ru_maxrss is in KiB on Linux.
        "maxRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "numpy": np.__version__,
        "blas": blas_library(),
    }
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
