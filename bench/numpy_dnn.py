"""The bench's numpy peer for the deep networks: the course's two_layer_model and
L_layer_model, run by the very functions of test/nn/fixtures/course_dnn.py (the script whose
output tsgrad's tests hold it to), as one whole process: start, load, train, evaluate.

    /usr/bin/python3 bench/numpy_dnn.py --model L_layer --data ../shared/datasets
    /usr/bin/python3 bench/numpy_dnn.py --model two_layer
    /usr/bin/python3 bench/numpy_dnn.py --model adam --epochs 100 --print-every 10

`--model adam` is the L-layer network [12288, 20, 7, 5, 1] trained by the fixture's
`general_model` (the course's optimisation assignment): He init from seed 1, Adam (lr 0.0007,
b1 0.9, b2 0.999, eps 1e-8, bias-corrected) on mini-batches of 64 reshuffled every epoch by
np.random.seed(10 + epoch + 1), the cost of an epoch the mean over its samples.

Prints the course's cost lines, then one JSON line: costs every 100 iterations and at the
last (every --print-every epochs and the last, for adam), train/test accuracy in percent,
training seconds, peak RSS, numpy's version and BLAS.
"""
import argparse
import json
import os
import resource
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "test", "nn", "fixtures"))

import course_dnn  # noqa: E402  (the course's numpy code, shared with the test fixture)
import numpy as np  # noqa: E402
from numpy_logistic import blas_library  # noqa: E402

LAYERS = {"two_layer": [12288, 7, 1], "L_layer": [12288, 20, 7, 5, 1], "adam": [12288, 20, 7, 5, 1]}


def adam_run(data, layers, epochs, print_every):
    """The general model with Adam on mini-batches of 64; the printed epochs' costs and both accuracies."""
    X, Y, Xt, Yt = data
    cfg = {"layers": layers, "init": "he", "seed": 1, "learning_rate": 0.0007, "epochs": epochs, "batch_size": 64, "optimizer": "adam"}
    params = []
    r = course_dnn.general_model(X, Y, cfg, params)
    shown = [e for e in range(epochs) if e % print_every == 0 or e == epochs - 1]

    def percent(X, y):
        A = X
        for l, (W, b) in enumerate(params):
            Z = W.dot(A) + b
            A = 1 / (1 + np.exp(-Z)) if l == len(params) - 1 else np.maximum(0, Z)
        return 100 * int(np.sum((A > 0.5) == y)) / y.shape[1]

    return {"costs": [{"epoch": e, "cost": r["epochCosts"][e]} for e in shown], "train": percent(X, Y), "test": percent(Xt, Yt)}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", choices=sorted(LAYERS), default="L_layer")
    p.add_argument("--data", default=os.path.join(HERE, "..", "..", "shared", "datasets"))
    p.add_argument("--iterations", type=int, default=2500)
    p.add_argument("--epochs", type=int, default=100, help="adam: passes over the data")
    p.add_argument("--print-every", type=int, default=10, help="adam: the epochs whose cost is printed")
    args = p.parse_args()
    course_dnn.DATA = args.data
    data = course_dnn.load_data()
    t0 = time.perf_counter()
    if args.model == "adam":
        r = adam_run(data, LAYERS["adam"], args.epochs, args.print_every)
        train, test = r["train"], r["test"]
    else:
        r = course_dnn.course_run(args.model, data, LAYERS[args.model], args.iterations)
        train, test = r["train"]["percent"], r["test"]["percent"]
    out = {
        "model": args.model,
        "layers": LAYERS[args.model],
        "costs": r["costs"],
        "trainAccuracy": train,
        "testAccuracy": test,
        "trainingSeconds": time.perf_counter() - t0,
        # ru_maxrss is in KiB on Linux.
        "maxRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "numpy": np.__version__,
        "blas": blas_library(),
    }
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
