#!/usr/bin/env python3
"""An encoder MEGA exported (go run run.go export RUN -o DIR), in PyTorch.

    import mega_encoder
    encoder, cfg = mega_encoder.load("DIR")           # DIR/encoder.json, DIR/encoder.safetensors
    x = mega_encoder.preprocess(images, cfg)          # uint8 [N, H, W, C] -> float [N, C, H, W]
    with torch.no_grad():
        h = encoder(x)                                # [N, dim]: the representation MEGA's probes read

Run as a script, it embeds images (a .npy of uint8 pixels) and, with
--compare, checks the result against MEGA's own features (run.go embed's
.npy), exiting 1 where any value differs by more than --tol.
Needs numpy and torch only (Debian: python3-torch); the safetensors file is
read here (its format is a length, a JSON header and the raw tensors).
"""
import argparse
import json
import struct
import sys

import numpy as np
import torch
from torch import nn


def read_safetensors(path):
    """The float32 tensors of a safetensors file, by name."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise ValueError(f"{path}: {name} is {info['dtype']}, want F32")
        a, b = info["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[a:b], dtype="<f4").copy().reshape(info["shape"]))
    return out


class Block(nn.Module):
    """A 3x3 convolution without bias, batch norm, ReLU."""

    def __init__(self, cin, cout, stride, padding, eps):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, stride=stride, padding=padding, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=eps)

    def forward(self, x):
        return torch.relu(self.bn(self.conv(x)))


class ConvNet(nn.Module):
    """MEGA's convnet encoder: its blocks, then the mean over the image."""

    def __init__(self, cfg):
        super().__init__()
        cin = cfg["input"]["channels"]
        self.n = len(cfg["widths"])
        for i, (w, s) in enumerate(zip(cfg["widths"], cfg["strides"])):
            setattr(self, f"block{i}", Block(cin, w, s, cfg["padding"], cfg["batch_norm_eps"]))
            cin = w

    def forward(self, x):
        for i in range(self.n):
            x = getattr(self, f"block{i}")(x)
        return x.mean(dim=(2, 3))


def load(directory):
    """The exported encoder, in inference mode, and its encoder.json."""
    with open(f"{directory}/encoder.json") as f:
        cfg = json.load(f)
    if cfg["architecture"] != "convnet":
        raise ValueError(f"{directory}: architecture {cfg['architecture']!r}, want convnet")
    model = ConvNet(cfg)
    missing, unexpected = model.load_state_dict(read_safetensors(f"{directory}/encoder.safetensors"), strict=False)
    missing = [k for k in missing if not k.endswith("num_batches_tracked")]
    if missing or unexpected:
        raise ValueError(f"{directory}: missing {missing}, unexpected {unexpected}")
    return model.eval(), cfg


def preprocess(images, cfg):
    """uint8 pixels [N, H, W, C] as the encoder takes them: (p/255 - 0.5)*4, NCHW."""
    x = torch.from_numpy(np.ascontiguousarray(images)).float() / 255
    return ((x - 0.5) * 4).permute(0, 3, 1, 2).contiguous()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("dir", help="the folder run.go export wrote")
    p.add_argument("images", help=".npy of uint8 pixels, [N, H, W, C] or flat")
    p.add_argument("--out", help="write the features here (.npy)")
    p.add_argument("--compare", help="MEGA's features of the same images (.npy [N, dim])")
    p.add_argument("--tol", type=float, default=1e-4)
    a = p.parse_args()
    model, cfg = load(a.dir)
    i = cfg["input"]
    images = np.load(a.images).reshape(-1, i["height"], i["width"], i["channels"])
    with torch.no_grad():
        h = torch.cat([model(preprocess(images[s:s + 250], cfg)) for s in range(0, len(images), 250)]).numpy()
    if a.out:
        np.save(a.out, h)
    if a.compare:
        want = np.load(a.compare)
        if want.shape != h.shape:
            print(f"shapes differ: MEGA {want.shape}, PyTorch {h.shape}")
            return 1
        diff = float(np.abs(want - h).max())
        print(f"{len(h)} images, {h.shape[1]} dims: largest difference from MEGA's features {diff:.2e} (tolerance {a.tol:g})")
        return 0 if diff <= a.tol else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
