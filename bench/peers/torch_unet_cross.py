"""PyTorch peer of ardiff's 2-D U-Net with a token context (src/diffusion/denoisers/unet2d.ts,
`contextTokens`): writes the fixture test/fixtures/unet-cross-attention.json that
test/diffusion-unet.test.ts checks ardiff against.

Written independently, functionally in NCHW with F.conv2d / F.group_norm / F.interpolate, from the
description in unet2d.ts. A context row of a U-Net with T tokens of width D is
[pooled (D) | token states (T x D, row-major) | flags (T; 1 real, 0 padding)]:

  time       sinusoidal embedding of t ([cos(t w_k), sin(t w_k)], w_k = exp(-ln(10000) k / half),
             double then float32, as ardiff's host code) -> time1 -> SiLU -> time2, plus
             context(pooled) (a Linear D -> 4 C0); every residual block adds Linear(SiLU(cond)).
  tokens     e = [null | states] (the learned null token `xattn.null` first), [B, T + 1, D]; the
             additive mask m = 0 for the null token and the real tokens, -1e9 for padding.
  res block  GN -> SiLU -> conv3x3, + time, GN -> SiLU -> conv3x3, 1x1 skip conv when the channels
             change; then cross-attention: q = Linear(GN(h)) over the H*W positions, k = Linear(e),
             v = Linear(e), o = softmax(q k^T / sqrt(C) + m) v, h + Linear(o).
  in/down/mid/up/out  as bench/peers/torch_unet.py (TensorFlow 'same' padding for the stride-2
             conv of an even size: one row/column at the end), self-attention in the middle.

Weights ~ U(-0.3, 0.3) (group-norm gains 1 + U(-0.3, 0.3)), images ~ N(0, 1), token states ~ N(0, 1)
from a seeded torch.Generator, all rounded to float32 first so the fixture holds exactly the
numbers ardiff uses; the network runs in float64. The rows' contexts: all tokens real; padding
after 3, 1 and 0 real tokens (the last row is the zero context: no text, only the null token).
The fixture stores the weights in ardiff's layouts (dense [in, out], conv HWIO [kh, kw, cin, cout])
under ardiff's names.

Run with Debian's python, which has torch:
  /usr/bin/python3 bench/peers/torch_unet_cross.py
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

SEED = 11
H, W, CH = 8, 4, 1
LEVELS = [8, 16]
GROUPS = 4
TEMB = 16
T_TOK, D_TOK = 5, 6
B = 4
BOUND = 0.3
VALID = [5, 3, 1, 0]  # real tokens per row (the last row is the zero context)
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "unet-cross-attention.json")


def f32(t):
    return t.to(torch.float32).to(torch.float64)


def short(t):
    """float32 values with the 9 significant digits that round-trip them (a smaller fixture)."""
    return [float(f"{v:.9g}") for v in t.flatten().tolist()]


def declare():
    """ardiff's parameter names and shapes, in its declaration order."""
    td = 4 * LEVELS[0]
    out = []

    def lin(name, i, o):
        out.extend([(f"{name}.w", [i, o]), (f"{name}.b", [o])])

    def conv(name, ci, co, k=3):
        out.extend([(f"{name}.w", [k, k, ci, co]), (f"{name}.b", [co])])

    def norm(name, c):
        out.extend([(f"{name}.g", [c]), (f"{name}.b", [c])])

    def res(name, cin, cout):
        norm(f"{name}.norm1", cin)
        conv(f"{name}.conv1", cin, cout)
        lin(f"{name}.time", td, cout)
        norm(f"{name}.norm2", cout)
        conv(f"{name}.conv2", cout, cout)
        if cin != cout:
            conv(f"{name}.skip", cin, cout, 1)
        norm(f"{name}.xattn.norm", cout)
        lin(f"{name}.xattn.q", cout, cout)
        lin(f"{name}.xattn.k", D_TOK, cout)
        lin(f"{name}.xattn.v", D_TOK, cout)
        lin(f"{name}.xattn.proj", cout, cout)

    lin("time1", TEMB, td)
    lin("time2", td, td)
    lin("context", D_TOK, td)
    out.append(("xattn.null", [1, D_TOK]))
    conv("in", CH, LEVELS[0])
    res("down0.res0", LEVELS[0], LEVELS[0])
    conv("down0.down", LEVELS[0], LEVELS[0])
    res("down1.res0", LEVELS[0], LEVELS[1])
    res("mid.res1", LEVELS[1], LEVELS[1])
    norm("mid.attn.norm", LEVELS[1])
    lin("mid.attn.qkv", LEVELS[1], 3 * LEVELS[1])
    lin("mid.attn.proj", LEVELS[1], LEVELS[1])
    res("mid.res2", LEVELS[1], LEVELS[1])
    conv("up0.up", LEVELS[1], LEVELS[0])
    res("up0.res0", 2 * LEVELS[0], LEVELS[0])
    norm("out.norm", LEVELS[0])
    conv("out", LEVELS[0], CH)
    return out


def timestep_embedding(t, dim):
    half = dim // 2
    freqs = np.exp((-math.log(10000) * np.arange(half, dtype=np.float64)) / half)
    args = np.asarray(t, dtype=np.float64)[:, None] * freqs[None, :]
    return torch.from_numpy(np.concatenate([np.cos(args), np.sin(args)], axis=1).astype(np.float32).astype(np.float64))


class Net:
    def __init__(self, p):
        self.p = p

    def dense(self, name, x):
        return x @ self.p[f"{name}.w"] + self.p[f"{name}.b"]

    def conv(self, name, x, stride=1):
        w = self.p[f"{name}.w"].permute(3, 2, 0, 1)  # HWIO -> OIHW
        k = w.shape[2]
        if stride == 1:
            return F.conv2d(x, w, self.p[f"{name}.b"], padding=k // 2)
        h, wd = x.shape[2], x.shape[3]
        ph = max((math.ceil(h / 2) - 1) * 2 + k - h, 0)
        pw = max((math.ceil(wd / 2) - 1) * 2 + k - wd, 0)
        x = F.pad(x, (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2))
        return F.conv2d(x, w, self.p[f"{name}.b"], stride=2)

    def gn(self, name, x):
        return F.group_norm(x, GROUPS, self.p[f"{name}.g"], self.p[f"{name}.b"], eps=1e-5)

    def xattn(self, name, x, e, m):
        b, c, h, w = x.shape
        hn = self.gn(f"{name}.norm", x).flatten(2).transpose(1, 2)  # [B, HW, C]
        q = self.dense(f"{name}.q", hn)
        k = self.dense(f"{name}.k", e)
        v = self.dense(f"{name}.v", e)
        att = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(c) + m[:, None, :], dim=-1)
        o = self.dense(f"{name}.proj", att @ v)
        return x + o.transpose(1, 2).reshape(b, c, h, w)

    def res(self, name, x, cond_act, e, m):
        h = self.conv(f"{name}.conv1", F.silu(self.gn(f"{name}.norm1", x)))
        h = h + self.dense(f"{name}.time", cond_act)[:, :, None, None]
        h = self.conv(f"{name}.conv2", F.silu(self.gn(f"{name}.norm2", h)))
        skip = x if f"{name}.skip.w" not in self.p else self.conv(f"{name}.skip", x)
        return self.xattn(f"{name}.xattn", skip + h, e, m)

    def self_attn(self, name, x):
        b, c, h, w = x.shape
        hn = self.gn(f"{name}.norm", x).flatten(2).transpose(1, 2)
        q, k, v = self.dense(f"{name}.qkv", hn).split(c, dim=2)
        att = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(c), dim=-1)
        return x + self.dense(f"{name}.proj", att @ v).transpose(1, 2).reshape(b, c, h, w)

    def __call__(self, x, t, ctx):
        n = x.shape[0]
        pooled = ctx[:, :D_TOK]
        states = ctx[:, D_TOK:D_TOK + T_TOK * D_TOK].reshape(n, T_TOK, D_TOK)
        flags = ctx[:, D_TOK + T_TOK * D_TOK:]
        e = torch.cat([self.p["xattn.null"].reshape(1, 1, D_TOK).expand(n, 1, D_TOK), states], dim=1)
        m = torch.cat([torch.zeros(n, 1), (flags - 1) * 1e9], dim=1)
        cond = self.dense("time2", F.silu(self.dense("time1", timestep_embedding(t, TEMB))))
        cond = cond + self.dense("context", pooled)
        ca = F.silu(cond)
        h = self.conv("in", x)
        h = self.res("down0.res0", h, ca, e, m)
        skip = h
        h = self.conv("down0.down", h, stride=2)
        h = self.res("down1.res0", h, ca, e, m)
        h = self.res("mid.res1", h, ca, e, m)
        h = self.self_attn("mid.attn", h)
        h = self.res("mid.res2", h, ca, e, m)
        h = self.conv("up0.up", F.interpolate(h, scale_factor=2.0, mode="nearest"))
        h = torch.cat([h, skip], dim=1)
        h = self.res("up0.res0", h, ca, e, m)
        return self.conv("out", F.silu(self.gn("out.norm", h)))


def main():
    gen = torch.Generator().manual_seed(SEED)
    p, weights = {}, []
    for name, shape in declare():
        u = (torch.rand(shape, generator=gen) * 2 - 1) * BOUND
        v = f32(1 + u if name.endswith(".g") else u)
        p[name] = v
        weights.append({"name": name, "shape": shape, "data": short(v)})
    x = f32(torch.randn((B, H, W, CH), generator=gen))  # ardiff's NHWC rows
    t = [0.0, 137.0, 501.0, 999.0]
    ctx = torch.zeros((B, D_TOK + T_TOK * (D_TOK + 1)))
    for r, valid in enumerate(VALID):
        if valid == 0:
            continue  # the zero context
        ctx[r, :D_TOK] = f32(torch.randn(D_TOK, generator=gen))
        ctx[r, D_TOK:D_TOK + valid * D_TOK] = f32(torch.randn(valid * D_TOK, generator=gen))
        ctx[r, D_TOK + T_TOK * D_TOK:D_TOK + T_TOK * D_TOK + valid] = 1
    net = Net(p)
    out = net(x.permute(0, 3, 1, 2), t, ctx).permute(0, 2, 3, 1)  # back to NHWC
    # Padding must not matter: random states in the padded slots give the same output.
    noisy = ctx.clone()
    for r, valid in enumerate(VALID):
        if valid < T_TOK:
            noisy[r, D_TOK + valid * D_TOK:D_TOK + T_TOK * D_TOK] = torch.randn((T_TOK - valid) * D_TOK, generator=gen)
    out2 = net(x.permute(0, 3, 1, 2), t, noisy).permute(0, 2, 3, 1)
    assert torch.allclose(out, out2, atol=1e-12), float((out - out2).abs().max())
    fixture = {
        "provenance": "bench/peers/torch_unet_cross.py (PyTorch " + torch.__version__ + ", float64), seed " + str(SEED),
        "config": {"height": H, "width": W, "channels": CH, "baseChannels": LEVELS[0], "channelMults": [1, LEVELS[1] // LEVELS[0]],
                   "groups": GROUPS, "timeEmbedding": TEMB, "contextTokens": T_TOK, "contextSize": D_TOK + T_TOK * (D_TOK + 1)},
        "tokenWidth": D_TOK, "validTokens": VALID,
        "weights": weights, "x": short(x), "t": t, "context": short(ctx),
        "output": [float(f"{v:.12g}") for v in out.flatten().tolist()],
    }
    with open(OUT, "w") as f:
        json.dump(fixture, f)
    print(f"wrote {os.path.normpath(OUT)}: {len(weights)} parameters, output max |y| {float(out.abs().max()):.3g}")


if __name__ == "__main__":
    main()
