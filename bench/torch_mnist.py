"""The bench's PyTorch peer for MNIST (CPU): the network and algorithm of bench/numpy_mnist.py
written as PyTorch users write it (nn.Linear, ReLU, F.cross_entropy on the logits,
torch.optim.Adam), as one whole process: start, load, train, evaluate.

    /usr/bin/python3 bench/torch_mnist.py --data ../shared/datasets/mnist --dtype float32 --threads 2

The same start as numpy's and tsgrad's: the weights are numpy's He draws
(np.random.seed(1), randn(n_out, n_in) * sqrt(2 / n_in), biases 0), and every epoch's
batches follow np.random.seed(10 + epoch + 1); np.random.permutation(m). PyTorch's Adam
computes the same update with its own rounding (lr / (1 - b1^t) times v over
sqrt(s) / sqrt(1 - b2^t) + eps), so the costs agree to rounding, not to the bit.
Prints one JSON line, as bench/numpy_mnist.py does.
"""
import argparse
import json
import os
import resource
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from numpy_mnist import load  # noqa: E402


def network(layers, seed, dtype):
    np.random.seed(seed)
    mods = []
    for l, (n_in, n_out) in enumerate(zip(layers[:-1], layers[1:])):
        d = nn.Linear(n_in, n_out).to(dtype)
        with torch.no_grad():
            d.weight.copy_(torch.from_numpy(np.random.randn(n_out, n_in) * np.sqrt(2. / n_in)))
            d.bias.zero_()
        mods.append(d)
        if l < len(layers) - 2:
            mods.append(nn.ReLU())
    return nn.Sequential(*mods)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default=os.path.join(HERE, "..", "..", "shared", "datasets", "mnist"))
    p.add_argument("--dtype", choices=["float64", "float32"], default="float32")
    p.add_argument("--layers", default="784,128,10")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--learning-rate", type=float, default=0.001)
    p.add_argument("--test-last", type=int, default=2000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--shuffle-seed", type=int, default=10)
    p.add_argument("--threads", type=int, default=0, help="torch.set_num_threads (0: PyTorch's default)")
    args = p.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    t0 = time.perf_counter()
    npdtype = np.float32 if args.dtype == "float32" else np.float64
    dtype = torch.float32 if args.dtype == "float32" else torch.float64
    X, y, Xt, yt = load(args.data, npdtype, args.test_last)
    X, y, Xt, yt = (torch.from_numpy(np.ascontiguousarray(a)) for a in (X, y, Xt, yt))
    layers = [int(n) for n in args.layers.split(",")]
    t1 = time.perf_counter()
    net = network(layers, args.seed, dtype)
    opt = torch.optim.Adam(net.parameters(), lr=args.learning_rate, betas=(0.9, 0.999), eps=1e-8)
    m = X.shape[0]
    costs = []
    for epoch in range(args.epochs):
        np.random.seed(args.shuffle_seed + epoch + 1)
        permutation = torch.from_numpy(np.random.permutation(m))
        total = 0.0
        for k in range(0, m, args.batch_size):
            idx = permutation[k:k + args.batch_size]
            bX, by = X[idx], y[idx]
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(net(bX), by)
            loss.backward()
            opt.step()
            total += loss.item() * bX.shape[0]
        costs.append({"epoch": epoch, "cost": total / m})
    t2 = time.perf_counter()
    with torch.no_grad():
        train_acc = float((net(X).argmax(1) == y).double().mean() * 100)
        test_acc = float((net(Xt).argmax(1) == yt).double().mean() * 100)
    out = {
        "dtype": args.dtype,
        "layers": layers,
        "costs": costs,
        "trainAccuracy": train_acc,
        "testAccuracy": test_acc,
        "loadSeconds": t1 - t0,
        "trainingSeconds": t2 - t1,
        "maxRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "version": torch.__version__,
        "threads": torch.get_num_threads(),
    }
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
