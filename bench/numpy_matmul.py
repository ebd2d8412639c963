"""The deep models' matrix products in numpy: np.dot on the shapes of bench/matmul-shapes.ts.

    /usr/bin/python3 bench/numpy_matmul.py '<shapes as JSON>' [--repeats 9]

Each operand is drawn as bench/matmul.ts draws it (np.random.RandomState(seed).rand, the
stored matrix a then b; a transposed operand is the .T view of the stored matrix; a float32
shape rounds both to float32, so np.dot runs sgemm). Prints
one JSON line per shape: the median seconds of np.dot, and the sum of the product.
"""
import argparse
import json
import resource
import time

import numpy as np


def main():
    p = argparse.ArgumentParser()
    p.add_argument("shapes")
    p.add_argument("--repeats", type=int, default=9)
    args = p.parse_args()
    for s in json.loads(args.shapes):
        m, k, n = s["m"], s["k"], s["n"]
        rng = np.random.RandomState(s["seed"])
        a = rng.rand(k, m).T if s["aTransposed"] else rng.rand(m, k)
        b = rng.rand(n, k).T if s["bTransposed"] else rng.rand(k, n)
        if s.get("dtype") == "float32":
            a, b = a.astype(np.float32), b.astype(np.float32)
        # As bench/matmul.ts: small products get 1001 calls, after as many warm-up calls.
        repeats = args.repeats if m * n * k >= 1_000_000 else 1001
        for _ in range(repeats):
            y = np.dot(a, b)
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            y = np.dot(a, b)
            times.append(time.perf_counter() - t0)
        times.sort()
        out = {"name": s["name"], "medianSeconds": times[len(times) // 2], "sum": float(y.sum())}
        out["maxRssBytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
