"""PyTorch peer of ardiff's 2-D U-Net denoiser (src/diffusion/denoisers/unet2d.ts) for the
`ddpm-unet28` case of bench/neural.js; imported by bench/peers/torch_neural.py (RUNNERS["unet"]).

The network is written the way a PyTorch user writes a small DDPM / diffusers UNet2DModel, in NCHW
with nn.Conv2d, nn.GroupNorm, nn.Linear and F.interpolate, and built from ardiff's exported
parameters (same names, so the same weights):

  time       sinusoidal embedding of t (embedding.ts: [cos(t w_k), sin(t w_k)], w_k =
             exp(-ln(10000) k / half), computed in double and rounded to float32 as ardiff does on
             the host) -> time1 -> SiLU -> time2; every residual block adds Linear(SiLU(cond)) per
             channel.
  in         3x3 conv, channels -> levelChannels[0].
  down i     blocksPerLevel residual blocks (GN -> SiLU -> conv3x3, + time, GN -> SiLU -> conv3x3,
             1x1 skip conv when the channels change); the output is kept as a skip, then a 3x3
             stride-2 conv. ardiff uses TensorFlow's 'same' padding, which for an even size puts the
             one row/column of padding at the bottom/right only: F.pad(h, (0, 1, 0, 1)) + conv with
             padding 0 (diffusers' Downsample2D with padding=0 does the same), not padding=1.
  mid        res block, single-head self-attention over the H*W positions (GN, one qkv Linear split
             into q | k | v, softmax(q k^T / sqrt(C)) v, proj Linear, residual), res block.
  up i       nearest x2 upsampling -> 3x3 conv to the finer level's channels -> concat [h, skip] on
             channels -> residual blocks (the first maps 2C -> C with a 1x1 skip conv).
  out        GN -> SiLU -> 3x3 conv to the image channels.

Weight layouts: ardiff's conv filters are [kh, kw, cin, cout] (tfjs HWIO) -> PyTorch
[cout, cin, kh, kw] = permute(3, 2, 0, 1); dense weights are [in, out] -> transposed. Group norm
groups are contiguous channel blocks on both sides, eps 1e-5, biased variance. Images travel as
ardiff's rows [B, H*W*C] in NHWC order and are permuted to NCHW here (and the output back).

One training step is trainDenoiser's (src/diffusion/train.ts) on a fixed batch (x_t, t, eps) made by
bench/neural.js: MSE of the predicted eps, backward, clip_grad_norm_(1), AdamW (weight decay 0) with
ardiff's warm-up + cosine factor through LambdaLR, EMA of the weights (decay 0.995).

Before anything is timed the initial-weight loss on that batch (no_grad) is compared with the first
loss ardiff reported (task field ardiffLoss0; tolerance lossTol, 1e-5 relative), and the initial
output with ardiff's (ardiffPred0; max |diff| <= predTol = 1e-4 times max |output|): the loss alone
is dominated by |eps|^2 at initialisation. Beyond either tolerance the case fails with an
AgreementError naming the numbers (bench/neural.js lists it under PROBLEMS and exits 1) and is not
timed.
"""
import base64
import math
import statistics
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from train_setup import optimiser_setup


class AgreementError(RuntimeError):
    pass


def _f32(b64, shape=None):
    a = np.frombuffer(base64.b64decode(b64), dtype="<f4").copy()
    return torch.from_numpy(a if shape is None else a.reshape(shape))


def timestep_embedding_f64(t, dim, max_period=10000):
    """embedding.ts exactly: frequencies and angles in double, [cos, sin] rounded to float32."""
    half = dim // 2
    k = np.arange(half, dtype=np.float64)
    freqs = np.exp((-math.log(max_period) * k) / half)
    args = np.asarray(t, dtype=np.float64)[:, None] * freqs[None, :]
    return torch.from_numpy(np.concatenate([np.cos(args), np.sin(args)], axis=1).astype(np.float32))


class ResBlock(nn.Module):
    def __init__(self, cin, cout, tdim, groups):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin, eps=1e-5)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.time = nn.Linear(tdim, cout)
        self.norm2 = nn.GroupNorm(groups, cout, eps=1e-5)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, cond_act):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.time(cond_act)[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return (x if self.skip is None else self.skip(x)) + h


class Attention(nn.Module):
    def __init__(self, c, groups):
        super().__init__()
        self.norm = nn.GroupNorm(groups, c, eps=1e-5)
        self.qkv = nn.Linear(c, 3 * c)
        self.proj = nn.Linear(c, c)

    def forward(self, x):
        B, C, H, W = x.shape
        h = self.norm(x).flatten(2).transpose(1, 2)  # [B, HW, C]
        q, k, v = self.qkv(h).split(C, dim=2)
        att = torch.softmax((q @ k.transpose(1, 2)) * (1.0 / math.sqrt(C)), dim=-1)
        o = self.proj(att @ v)  # [B, HW, C]
        return x + o.transpose(1, 2).reshape(B, C, H, W)


class Downsample(nn.Module):
    """3x3 stride-2 conv with TensorFlow 'same' padding (extra row/column at the end)."""

    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, stride=2, padding=0)

    def forward(self, x):
        H, W = x.shape[2], x.shape[3]
        ph = max((math.ceil(H / 2) - 1) * 2 + 3 - H, 0)
        pw = max((math.ceil(W / 2) - 1) * 2 + 3 - W, 0)
        return self.conv(F.pad(x, (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2)))


class Upsample(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class UNet2D(nn.Module):
    def __init__(self, channels, level_channels, blocks_per_level, attention, groups, temb, num_classes=0):
        super().__init__()
        ch, L = list(level_channels), len(level_channels)
        td = 4 * ch[0]
        self.temb = temb
        self.time1 = nn.Linear(temb, td)
        self.time2 = nn.Linear(td, td)
        self.class_emb = nn.Embedding(num_classes + 1, td) if num_classes > 0 else None
        self.num_classes = num_classes
        self.inp = nn.Conv2d(channels, ch[0], 3, padding=1)
        self.down_blocks = nn.ModuleList()
        self.downs = nn.ModuleList()
        c = ch[0]
        for i in range(L):
            level = nn.ModuleList()
            for _ in range(blocks_per_level):
                level.append(ResBlock(c, ch[i], td, groups))
                c = ch[i]
            self.down_blocks.append(level)
            if i < L - 1:
                self.downs.append(Downsample(ch[i]))
        self.mid1 = ResBlock(ch[-1], ch[-1], td, groups)
        self.attn = Attention(ch[-1], groups) if attention else None
        self.mid2 = ResBlock(ch[-1], ch[-1], td, groups)
        self.ups = nn.ModuleList()
        self.up_blocks = nn.ModuleList()
        for i in range(L - 2, -1, -1):
            self.ups.append(Upsample(ch[i + 1], ch[i]))
            self.up_blocks.append(nn.ModuleList([ResBlock(2 * ch[i] if j == 0 else ch[i], ch[i], td, groups) for j in range(blocks_per_level)]))
        self.out_norm = nn.GroupNorm(groups, ch[0], eps=1e-5)
        self.out = nn.Conv2d(ch[0], channels, 3, padding=1)

    def forward(self, x, temb, labels=None):
        cond = self.time2(F.silu(self.time1(temb)))
        if self.class_emb is not None:
            ids = labels if labels is not None else torch.full((x.shape[0],), self.num_classes, dtype=torch.long)
            cond = cond + self.class_emb(ids)
        cond_act = F.silu(cond)
        h = self.inp(x)
        skips = []
        for i, level in enumerate(self.down_blocks):
            for blk in level:
                h = blk(h, cond_act)
            if i < len(self.downs):
                skips.append(h)
                h = self.downs[i](h)
        h = self.mid1(h, cond_act)
        if self.attn is not None:
            h = self.attn(h)
        h = self.mid2(h, cond_act)
        for up, level in zip(self.ups, self.up_blocks):
            h = torch.cat([up(h), skips.pop()], dim=1)
            for blk in level:
                h = blk(h, cond_act)
        return self.out(F.silu(self.out_norm(h)))


def unet_from(case):
    """The U-Net of the case with ardiff's weights; checks that every ardiff parameter is used once."""
    ch = case["levelChannels"]
    L = len(ch)
    m = UNet2D(case["channels"], ch, case["blocksPerLevel"], case["attention"], case["groups"], case["timeEmbedding"], case.get("numClasses", 0))
    w = {p["name"]: _f32(p["data"], p["shape"]) for p in case["params"]}
    used = set()

    def take(name):
        if name not in w:
            raise KeyError(f"ardiff has no parameter '{name}'")
        used.add(name)
        return w[name]

    def put(dst, src):
        with torch.no_grad():
            if tuple(dst.shape) != tuple(src.shape):
                raise ValueError(f"shape {tuple(dst.shape)} vs ardiff's {tuple(src.shape)} (after layout change)")
            dst.copy_(src)

    def lin(mod, name):
        put(mod.weight, take(name + ".w").t())
        put(mod.bias, take(name + ".b"))

    def conv(mod, name):
        put(mod.weight, take(name + ".w").permute(3, 2, 0, 1))  # [kh, kw, cin, cout] -> [cout, cin, kh, kw]
        put(mod.bias, take(name + ".b"))

    def norm(mod, name):
        put(mod.weight, take(name + ".g"))
        put(mod.bias, take(name + ".b"))

    def res(blk, name):
        norm(blk.norm1, name + ".norm1")
        conv(blk.conv1, name + ".conv1")
        lin(blk.time, name + ".time")
        norm(blk.norm2, name + ".norm2")
        conv(blk.conv2, name + ".conv2")
        if blk.skip is not None:
            conv(blk.skip, name + ".skip")

    lin(m.time1, "time1")
    lin(m.time2, "time2")
    if m.class_emb is not None:
        put(m.class_emb.weight, take("class"))
    conv(m.inp, "in")
    for i, level in enumerate(m.down_blocks):
        for j, blk in enumerate(level):
            res(blk, f"down{i}.res{j}")
        if i < L - 1:
            conv(m.downs[i].conv, f"down{i}.down")
    res(m.mid1, "mid.res1")
    if m.attn is not None:
        norm(m.attn.norm, "mid.attn.norm")
        lin(m.attn.qkv, "mid.attn.qkv")
        lin(m.attn.proj, "mid.attn.proj")
    res(m.mid2, "mid.res2")
    for k, (up, level) in enumerate(zip(m.ups, m.up_blocks)):
        i = L - 2 - k
        conv(up.conv, f"up{i}.up")
        for j, blk in enumerate(level):
            res(blk, f"up{i}.res{j}")
    norm(m.out_norm, "out.norm")
    conv(m.out, "out")
    unused = sorted(set(w) - used)
    if unused:
        raise KeyError(f"ardiff parameters not mapped onto the PyTorch U-Net: {', '.join(unused)}")
    n_torch = sum(p.numel() for p in m.parameters())
    n_ardiff = sum(v.numel() for v in w.values())
    if n_torch != n_ardiff:
        raise ValueError(f"PyTorch U-Net has {n_torch} parameters, ardiff's {n_ardiff}")
    return m


def run_unet(case, time_steps):
    B, H, W, C = case["B"], case["height"], case["width"], case["channels"]
    model = unet_from(case)
    model.train()
    # ardiff's rows are NHWC; the PyTorch model is NCHW.
    xt = _f32(case["xt"], (B, H, W, C)).permute(0, 3, 1, 2).contiguous()
    eps = _f32(case["target"], (B, H, W, C)).permute(0, 3, 1, 2).contiguous()
    t = _f32(case["t"]).numpy()
    temb = timestep_embedding_f64(t, case["timeEmbedding"])

    # Agreement first: the same function on the same batch, or nothing is timed.
    # The loss is dominated by |eps|^2 at initialisation, so the outputs are compared too.
    with torch.no_grad():
        pred = model(xt, temb)
        check = F.mse_loss(pred, eps).item()
    ref = case["ardiffLoss0"]
    rel = abs(check - ref) / max(1e-12, abs(ref))
    ardiff_pred = _f32(case["ardiffPred0"], (B, H, W, C))
    pred_diff = (pred.permute(0, 2, 3, 1) - ardiff_pred).abs().max().item()
    pred_max = ardiff_pred.abs().max().item()
    name = case.get("name", "unet")
    print(f"[torch] {name}: initial loss PyTorch {check!r} vs ardiff {ref!r}, rel. {rel:.2e} (tolerance {case['lossTol']:g}); "
          f"initial output max |diff| {pred_diff:.2e} of max |output| {pred_max:.3g} (tolerance {case['predTol']:g} relative)", file=sys.stderr, flush=True)
    if not rel <= case["lossTol"]:
        raise AgreementError(f"initial loss PyTorch {check!r} vs ardiff {ref!r}: rel. {rel:.2e} > {case['lossTol']:g}; the PyTorch U-Net is not ardiff's function, not timed")
    if not pred_diff <= case["predTol"] * max(pred_max, 1e-12):
        raise AgreementError(f"initial output differs from ardiff's by {pred_diff:.2e} (max |output| {pred_max:.3g}, > {case['predTol']:g} relative); the PyTorch U-Net is not ardiff's function, not timed")

    steps = case["warmup"] + case["reps"]
    opt, sched, ema = optimiser_setup(model, case["lr"], steps)
    decay = case["emaDecay"]
    norms = []

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.mse_loss(model(xt, temb), eps)
        loss.backward()
        norms.append(float(torch.nn.utils.clip_grad_norm_(model.parameters(), case["clipNorm"])))
        opt.step()
        sched.step()
        with torch.no_grad():
            for e, p in zip(ema, model.parameters()):
                e.mul_(decay).add_(p, alpha=1 - decay)
        losses.append(loss.item())
        return losses[-1]

    losses = []
    loss0, samples = time_steps(step, case["warmup"], case["reps"])
    return {
        "ms": statistics.median(samples), "samples": samples, "loss0": loss0, "lossLast": losses[-1],
        "gradNorm0": norms[0], "checkLoss": check, "checkRelDiff": rel, "predMaxAbsDiff": pred_diff, "predMaxAbs": pred_max,
        "parameters": sum(p.numel() for p in model.parameters()),
    }
