"""The label-efficiency tables' plain supervised convnet, in PyTorch: a check
that MEGA's PoolNet baseline is as strong as a plain recipe makes it.

PoolNet as gomlxssl/models/poolnet.go builds it — per width a 3x3 convolution
at stride 1 ("same" padding), batch norm and ReLU, a 2x2 max pool after every
block but the last, global average pooling, a linear classifier — trained
from scratch on the labelled rows of Fashion-MNIST's training split that MEGA
fine-tunes on (a file of row numbers, one a line: the stratified subset
eval.FractionRows draws with the data seed), no augmentation, Adam at 1e-3,
batch 64, images scaled as MEGA's (x/255 - 0.5) * 4; then top-1 on the 10,000
test images. --schedule cosine anneals the rate to 0 over the steps (MEGA's
recipe); constant keeps it. --init he initialises as GoMLX does by default
(normal, sd sqrt(2/fan-in)), torch as PyTorch does. One JSON line per seed.

Run with Debian's Python: /usr/bin/python3 torch_fewlabels.py --rows ROWS.txt
"""
import argparse
import gzip
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from common import cpu_info


def idx_images(path):
    with gzip.open(path, "rb") as f:
        b = f.read()
    n, h, w = int.from_bytes(b[4:8], "big"), int.from_bytes(b[8:12], "big"), int.from_bytes(b[12:16], "big")
    return np.frombuffer(b, np.uint8, offset=16).reshape(n, 1, h, w)


def idx_labels(path):
    with gzip.open(path, "rb") as f:
        b = f.read()
    return np.frombuffer(b, np.uint8, offset=8).astype(np.int64)


class PoolNet(nn.Module):
    def __init__(self, widths=(16, 32, 64, 128), classes=10):
        super().__init__()
        layers, c = [], 1
        for i, w in enumerate(widths):
            layers += [nn.Conv2d(c, w, 3, padding=1, bias=False), nn.BatchNorm2d(w), nn.ReLU()]
            if i < len(widths) - 1:
                layers.append(nn.MaxPool2d(2))
            c = w
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(c, classes)

    def forward(self, x):
        return self.head(self.body(x).mean((2, 3)))


def scaled(x):
    return (torch.from_numpy(np.array(x, copy=True)).float() / 255 - 0.5) * 4


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--rows", required=True, help="the labelled training rows, one a line")
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--schedule", choices=["cosine", "constant"], default="cosine")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--init", choices=["torch", "he"], default="torch",
                    help="torch: PyTorch's default initialisation; he: GoMLX's default, every weight normal with sd sqrt(2/fan-in), biases 0")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    xtr = idx_images(os.path.join(a.data, "train-images-idx3-ubyte.gz"))
    ytr = idx_labels(os.path.join(a.data, "train-labels-idx1-ubyte.gz"))
    xte = scaled(idx_images(os.path.join(a.data, "t10k-images-idx3-ubyte.gz")))
    yte = torch.from_numpy(idx_labels(os.path.join(a.data, "t10k-labels-idx1-ubyte.gz")))
    rows = np.array([int(l) for l in open(a.rows) if l.strip()])
    x, y = scaled(xtr[rows]), torch.from_numpy(ytr[rows])
    for seed in range(1, a.seeds + 1):
        torch.manual_seed(seed)
        net = PoolNet()
        if a.init == "he":
            for m in net.modules():
                if isinstance(m, (nn.Conv2d, nn.Linear)):
                    nn.init.kaiming_normal_(m.weight, nonlinearity="relu")  # sd sqrt(2/fan-in)
                    if m.bias is not None:
                        nn.init.zeros_(m.bias)
        opt = torch.optim.Adam(net.parameters(), lr=a.lr)
        g = torch.Generator().manual_seed(seed)
        start, step = time.time(), 0
        while step < a.steps:
            for idx in torch.randperm(len(rows), generator=g).split(a.batch):
                if step >= a.steps:
                    break
                if a.schedule == "cosine":
                    for pg in opt.param_groups:
                        pg["lr"] = a.lr * 0.5 * (1 + math.cos(math.pi * step / a.steps))
                net.train()
                loss = F.cross_entropy(net(x[idx]), y[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
                step += 1
        net.eval()
        with torch.no_grad():
            right = sum(int((net(xte[i:i + 1000]).argmax(1) == yte[i:i + 1000]).sum()) for i in range(0, len(yte), 1000))
        print(json.dumps({"net": "poolnet-16-32-64-128", "rows": len(rows), "seed": seed, "steps": step,
                          "schedule": a.schedule, "init": a.init, "lr": a.lr, "batch": a.batch, "top1": right / len(yte),
                          "seconds": round(time.time() - start, 1), "cpu": cpu_info()["cpu_model"]}), flush=True)


if __name__ == "__main__":
    main()
