"""The single neuron of the classic notes in numpy, for `npm run bench` to time against tsgrad.

Same algorithm as src/nn/logistic.ts: weights and bias from zeros, full-batch gradient
descent on the catvnoncat pixels / 255, the cost recorded every `--print-every` iterations.
Prints one JSON object: costs, accuracies, seconds spent loading and training, peak RSS.

    /usr/bin/python3 bench/numpy_logistic.py --dtype float64
    /usr/bin/python3 bench/numpy_logistic.py --dot      # the notes' 100,000-element np.dot
"""
import argparse
import json
import os
import resource
import sys
import time

import numpy as np


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def propagate(w, b, X, Y):
    m = X.shape[1]
    A = sigmoid(np.dot(w.T, X) + b)
    cost = -1 / m * np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    dw = 1 / m * np.dot(X, (A - Y).T)
    db = 1 / m * np.sum(A - Y)
    return dw, db, float(cost)


def optimize(w, b, X, Y, num_iterations, learning_rate, print_every):
    costs = []
    for i in range(num_iterations):
        dw, db, cost = propagate(w, b, X, Y)
        w = w - learning_rate * dw
        b = b - learning_rate * db
        if i % print_every == 0:
            costs.append({"iteration": i, "cost": cost})
    return w, b, costs


def predict(w, b, X):
    A = sigmoid(np.dot(w.T, X) + b)
    return (A > 0.5).astype(np.float64)


def load(data_dir, dtype):
    import h5py

    with h5py.File(os.path.join(data_dir, "train_catvnoncat.h5"), "r") as f:
        train_x = np.array(f["train_set_x"][:])
        train_y = np.array(f["train_set_y"][:])
    with h5py.File(os.path.join(data_dir, "test_catvnoncat.h5"), "r") as f:
        test_x = np.array(f["test_set_x"][:])
        test_y = np.array(f["test_set_y"][:])
    train_y = train_y.reshape((1, train_y.shape[0])).astype(dtype)
    test_y = test_y.reshape((1, test_y.shape[0])).astype(dtype)
    train_x = (train_x.reshape(train_x.shape[0], -1).T / 255.0).astype(dtype, copy=False)
    test_x = (test_x.reshape(test_x.shape[0], -1).T / 255.0).astype(dtype, copy=False)
    return train_x, train_y, test_x, test_y


def single_neuron(args):
    dtype = np.float32 if args.dtype == "float32" else np.float64
    t0 = time.perf_counter()
    train_x, train_y, test_x, test_y = load(args.data, dtype)
    t1 = time.perf_counter()
    w = np.zeros((train_x.shape[0], 1), dtype=dtype)
    b = dtype(0)
    w, b, costs = optimize(w, b, train_x, train_y, args.iterations, args.learning_rate, args.print_every)
    pred_test = predict(w, b, test_x)
    pred_train = predict(w, b, train_x)
    train_acc = 100 - np.mean(np.abs(pred_train - train_y)) * 100
    test_acc = 100 - np.mean(np.abs(pred_test - test_y)) * 100
    t2 = time.perf_counter()
    return {
        "dtype": args.dtype,
        "costs": costs,
        "trainAccuracy": float(train_acc),
        "testAccuracy": float(test_acc),
        "loadSeconds": t1 - t0,
        "trainingSeconds": t2 - t1,
    }


def dot_demo(args):
    # The notes' vectorisation demo: one dot product of two 100,000-element vectors.
    rng = np.random.RandomState(1)
    x1 = rng.rand(args.n)
    x2 = rng.rand(args.n)
    times = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        r = np.dot(x1, x2)
        times.append(time.perf_counter() - t0)
    times.sort()
    return {"n": args.n, "value": float(r), "medianSeconds": times[len(times) // 2]}


def blas_library():
    # Which BLAS numpy runs on (Debian switches libblas.so.3 between reference BLAS and OpenBLAS).
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.lower()}
        return ", ".join(sorted(os.path.realpath(p) for p in libs)) or "unknown"
    except OSError:
        return "unknown"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "datasets"))
    p.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    p.add_argument("--iterations", type=int, default=2000)
    p.add_argument("--learning-rate", type=float, default=0.005)
    p.add_argument("--print-every", type=int, default=100)
    p.add_argument("--dot", action="store_true", help="time np.dot on two random vectors instead")
    p.add_argument("--n", type=int, default=100_000)
    p.add_argument("--repeats", type=int, default=101)
    args = p.parse_args()
    out = dot_demo(args) if args.dot else single_neuron(args)
    # ru_maxrss is in KiB on Linux.
    out["maxRssBytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    out["numpy"] = np.__version__
    out["blas"] = blas_library()
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
