"""The PyTorch peer of bench/cnn.ts: the small CNNs of bench/README.md's `cnn` rows on the CPU.

PyTorch holds images NCHW: the NHWC batches are permuted once, outside the timed code. TF's
'same' padding of an even kernel puts the extra pixel at the bottom and right; PyTorch's
symmetric `padding=` cannot, so those convolutions pad with F.pad first.

    /usr/bin/python3 bench/torch_cnn.py --net signs --what grad    # forward + backward, batch 64
    /usr/bin/python3 bench/torch_cnn.py --net signs --what step    # + Adam, batches of a synthetic set
    /usr/bin/python3 bench/torch_cnn.py --net lenet --what epoch --data ../shared/datasets --epochs 2

Prints one JSON line.
"""
import argparse
import gzip
import json
import os
import resource
import statistics
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

BATCH = 64
# The synthetic set of the step row: 16 batches of 64 (the course's SIGNS training set has 1080 images).
SYNTHETIC = 1024


def same_pad(k):
    """TF's 'same' for stride 1: k - 1 pixels, the extra one at the bottom / right."""
    total = k - 1
    return (total // 2, total - total // 2, total // 2, total - total // 2)  # left, right, top, bottom


class Conv(nn.Module):
    def __init__(self, c_in, c_out, k, padding):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, k)
        self.pad = same_pad(k) if padding == 'same' else None
        nn.init.kaiming_normal_(self.conv.weight, nonlinearity='relu')
        nn.init.zeros_(self.conv.bias)

    def forward(self, x):
        return self.conv(F.pad(x, self.pad) if self.pad is not None else x)


def dense(n_in, n_out):
    d = nn.Linear(n_in, n_out)
    nn.init.kaiming_normal_(d.weight, nonlinearity='relu')
    nn.init.zeros_(d.bias)
    return d


def signs_net():
    # conv:8:4:same,relu,maxpool:8:8:same,conv:16:2:same,relu,maxpool:4:4:same,flatten,dense:6
    # (64 / 8 and 8 / 4 divide exactly: 'same' pooling adds no padding here.)
    return nn.Sequential(
        Conv(3, 8, 4, 'same'), nn.ReLU(), nn.MaxPool2d(8, 8),
        Conv(8, 16, 2, 'same'), nn.ReLU(), nn.MaxPool2d(4, 4),
        nn.Flatten(), dense(2 * 2 * 16, 6),
    )


def lenet():
    # conv:6:5:same,relu,maxpool:2:2,conv:16:5:valid,relu,maxpool:2:2,flatten,dense:120,relu,dense:84,relu,dense:10
    return nn.Sequential(
        Conv(1, 6, 5, 'same'), nn.ReLU(), nn.MaxPool2d(2, 2),
        Conv(6, 16, 5, 'valid'), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(), dense(5 * 5 * 16, 120), nn.ReLU(), dense(120, 84), nn.ReLU(), dense(84, 10),
    )


NETS = {'signs': (signs_net, (64, 64, 3), 6), 'lenet': (lenet, (28, 28, 1), 10)}


def synthetic(shape, classes, n, seed=1):
    """Seeded uint8 images (n, h, w, c) and labels: the same draws as bench/cnn.ts's (tsgrad's RandomState is numpy's)."""
    rng = np.random.RandomState(seed)
    x = rng.randint(0, 256, size=n * int(np.prod(shape))).reshape((n,) + shape).astype(np.uint8)
    y = rng.randint(0, classes, size=n)
    return x, y


def nchw(x_uint8):
    """NHWC uint8 → NCHW float32 / 255, done once outside the timing."""
    return torch.from_numpy(np.ascontiguousarray(x_uint8.transpose(0, 3, 1, 2)).astype(np.float32) / 255.0)


def timed_calls(fn, max_calls=30, budget=3.0):
    """Median seconds of `fn` after warm-up (3 calls, or 1 when that takes over 2 s), of at least
    3 calls (2 when one takes over 5 s), then more until `budget` seconds or `max_calls`."""
    start = time.perf_counter()
    for _ in range(3):
        fn()
        if time.perf_counter() - start > 2.0:
            break
    min_calls = 2 if time.perf_counter() - start > 5.0 else 3
    times = []
    start = time.perf_counter()
    while len(times) < min_calls or (len(times) < max_calls and time.perf_counter() - start < budget):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), len(times)


def read_idx(path):
    with gzip.open(path, 'rb') if path.endswith('.gz') else open(path, 'rb') as f:
        raw = f.read()
    rank = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], 'big') for i in range(rank)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--net', choices=list(NETS), default='signs')
    ap.add_argument('--what', choices=['grad', 'step', 'epoch'], default='grad')
    ap.add_argument('--data', default=os.path.join('..', 'shared', 'datasets'))
    ap.add_argument('--epochs', type=int, default=2)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--epoch-budget', type=float, default=20.0, help='seconds: an epoch still running then stops and its time is extrapolated')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    make, shape, classes = NETS[a.net]
    model = make()
    out = {'impl': 'torch', 'version': torch.__version__, 'threads': torch.get_num_threads(), 'net': a.net, 'what': a.what}

    if a.what == 'grad':
        xs, ys = synthetic(shape, classes, BATCH)
        x, y = nchw(xs), torch.from_numpy(ys)

        def grad():
            model.zero_grad(set_to_none=True)
            F.cross_entropy(model(x), y).backward()

        out['medianSeconds'], out['calls'] = timed_calls(grad)
    elif a.what == 'step':
        xs, ys = synthetic(shape, classes, SYNTHETIC)
        x, y = nchw(xs), torch.from_numpy(ys)
        opt = torch.optim.Adam(model.parameters(), lr=0.001)
        at = [0]
        perms = {}

        def step():
            # tsgrad's Trainer: epoch e's order is RandomState(shuffleSeed 10 + e + 1).permutation(m).
            epoch, start = divmod(at[0], SYNTHETIC)
            if epoch not in perms:
                perms.clear()
                perms[epoch] = torch.from_numpy(np.random.RandomState(10 + epoch + 1).permutation(SYNTHETIC))
            idx = perms[epoch][start:start + BATCH]
            at[0] += BATCH
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(model(x[idx]), y[idx]).backward()
            opt.step()

        out['medianSeconds'], out['calls'] = timed_calls(step)
    else:
        mnist = os.path.join(a.data, 'mnist')
        images = read_idx(os.path.join(mnist, 't10k-images-idx3-ubyte.gz'))[..., None]
        labels = read_idx(os.path.join(mnist, 't10k-labels-idx1-ubyte.gz')).astype(np.int64)
        x_all, y_all = nchw(images), torch.from_numpy(labels)
        x, y, x_test, y_test = x_all[:8000], y_all[:8000], x_all[8000:], y_all[8000:]
        m = x.shape[0]
        opt = torch.optim.Adam(model.parameters(), lr=0.001)
        seconds, costs = [], []
        batches = (m + BATCH - 1) // BATCH
        for epoch in range(a.epochs):
            t0 = time.perf_counter()
            # tsgrad's Trainer: the epoch's order is RandomState(shuffleSeed 10 + epoch + 1).permutation(m).
            perm = torch.from_numpy(np.random.RandomState(10 + epoch + 1).permutation(m))
            total, done, first = 0.0, 0, 0.0
            for start in range(0, m, BATCH):
                idx = perm[start:start + BATCH]
                opt.zero_grad(set_to_none=True)
                loss = F.cross_entropy(model(x[idx]), y[idx])
                loss.backward()
                opt.step()
                total += loss.item() * len(idx)
                done += 1
                if done == 1:
                    first = time.perf_counter() - t0
                if time.perf_counter() - t0 > a.epoch_budget and 2 <= done < batches:
                    break
            elapsed = time.perf_counter() - t0
            if done < batches:
                # Too slow for the table: the first batch (warm-up) plus the mean of the others
                # for the rest of the epoch, and no accuracy.
                est = first + (elapsed - first) / (done - 1) * (batches - 1)
                out.update({'partial': {'batches': done, 'of': batches}, 'epochSeconds': [est], 'medianSeconds': est})
                break
            seconds.append(elapsed)
            costs.append(total / m)
        if 'partial' not in out:
            with torch.no_grad():
                pred = model(x_test).argmax(1)
            out.update({
                'epochSeconds': seconds,
                'medianSeconds': sum(seconds) / len(seconds),
                'costs': costs,
                'testAccuracy': 100.0 * (pred == y_test).float().mean().item(),
            })
    out['maxRssBytes'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps(out))


if __name__ == '__main__':
    main()
