"""The bench's numpy peer for the deep networks: the course's two_layer_model and
L_layer_model, run by the very functions of test/nn/fixtures/course_dnn.py (the script whose
output tsgrad's tests hold it to), as one whole process: start, load, train, evaluate.

    /usr/bin/python3 bench/numpy_dnn.py --model L_layer --data ../shared/datasets
    /usr/bin/python3 bench/numpy_dnn.py --model two_layer

Prints the course's cost lines, then one JSON line: costs every 100 iterations and at the
last, train/test accuracy in percent, training seconds, peak RSS, numpy's version and BLAS.
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

LAYERS = {"two_layer": [12288, 7, 1], "L_layer": [12288, 20, 7, 5, 1]}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", choices=sorted(LAYERS), default="L_layer")
    p.add_argument("--data", default=os.path.join(HERE, "..", "..", "shared", "datasets"))
    p.add_argument("--iterations", type=int, default=2500)
    args = p.parse_args()
    course_dnn.DATA = args.data
    data = course_dnn.load_data()
    t0 = time.perf_counter()
    r = course_dnn.course_run(args.model, data, LAYERS[args.model], args.iterations)
    out = {
        "model": args.model,
        "layers": r["layers"],
        "costs": r["costs"],
        "trainAccuracy": r["train"]["percent"],
        "testAccuracy": r["test"]["percent"],
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
