"""Peer: PyTorch on the CPU for the neural cases of bench/neural.js (`npm run bench -- --neural`).

Usage: /usr/bin/python3 bench/peers/torch_neural.py TASK.json OUT.json
Reads the task written by bench/neural.js (sizes, counts, ardiff's initial weights and the fixed
batch of every case) and writes, per case, the wall-clock milliseconds of each timed training step
(or sampling run) and the numbers bench/neural.js compares with ardiff's. Interpreter start-up,
imports, JSON parsing and model construction are outside the timed region. Single-threaded:
torch.set_num_threads(1) here, and OMP/OpenBLAS/MKL_NUM_THREADS=1 in the environment bench/neural.js
gives this process.

The models are written the way PyTorch users write them:

  lstm-*, gru-*   nn.LSTM / nn.GRU (time-major [T, B, F], 1 layer) + nn.Linear(H, 2) Gaussian head,
                  mu = out[..., 0], sigma = softplus(out[..., 1]) + 1e-6, mean Gaussian NLL;
                  AdamW(lr 3e-3, weight_decay 0), clip_grad_norm_(10) (DeepAR's settings in ardiff).
  gpt-*           nanoGPT (Karpathy): token + learned position embeddings, pre-norm blocks of causal
                  self-attention (c_attn, q/k/v split, masked_fill with a tril buffer, softmax; torch
                  1.13 has no scaled_dot_product_attention, so this is nanoGPT's own fallback path) and
                  an MLP with GELU (tanh form, GPT-2's and ardiff's), ln_f, lm_head tied to wte,
                  F.cross_entropy; AdamW(lr 1e-3, betas (0.9, 0.999), weight decay 0.1 on the
                  2-D weights only, as nanoGPT's configure_optimizers), clip_grad_norm_(1).
  mlp             ardiff's MLP denoiser (sinusoidal time embedding 64 -> Linear -> SiLU -> Linear,
                  input Linear, 3 residual blocks h + W2 SiLU(W1 SiLU(h)), Linear out of SiLU(h)),
                  F.mse_loss against a fixed epsilon batch, AdamW(lr 1e-3, weight_decay 0), no clip.
  ddpm-mlp        the diffusers-example training step on that MLP: random rows, t ~ U{0..999},
                  eps ~ N(0, I), x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps, MSE, clip_grad_norm_(1),
                  AdamW step, LambdaLR (linear warm-up over 2% of the steps, cosine to 10%: ardiff's
                  warmupCosine), EMA of the weights (decay 0.995) -- what ardiff's trainDenoiser does.
  sample-*        n samples with the same MLP under torch.no_grad(), the scheduler updates written
                  by hand as diffusers computes them (diffusers itself is not needed): DDPM
                  ancestral (fixed_small, 1000 steps), DDIM eta 0 (50, leading spacing),
                  DPM-Solver++ 2M midpoint (20, linspace spacing, final sigma 0), Euler (50,
                  linspace spacing). The starting noise is ardiff's, so the deterministic samplers
                  can be compared sample by sample.
  ddpm-unet28     ardiff's 2-D U-Net denoiser (28x28, 32 base channels, levels 32/64/64, attention at
                  7x7) in nn.Conv2d / nn.GroupNorm / F.interpolate, one trainDenoiser step on a fixed
                  batch (x_t, t, eps) of 32 images: MSE, clip_grad_norm_(1), AdamW + LambdaLR, EMA.
                  In bench/peers/torch_unet.py, which also checks the initial loss against ardiff's
                  before timing.
"""
import base64
import json
import math
import statistics
import sys
import time

import numpy as np

import torch
import torch.nn as nn
import torch.nn.functional as F
from train_setup import optimiser_setup

torch.set_num_threads(1)
try:
    torch.set_num_interop_threads(1)
except RuntimeError:
    pass
HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


# ------------------------------------------------------------------------------- helpers

def f32(b64, shape=None):
    a = np.frombuffer(base64.b64decode(b64), dtype="<f4").copy()
    return torch.from_numpy(a if shape is None else a.reshape(shape))


def i32(b64, shape=None):
    a = np.frombuffer(base64.b64decode(b64), dtype="<i4").astype(np.int64)
    return torch.from_numpy(a if shape is None else a.reshape(shape))


def b64(t):
    return base64.b64encode(t.detach().contiguous().numpy().astype("<f4").tobytes()).decode("ascii")


def params_of(case):
    """ardiff's initial weights: name -> float32 tensor of ardiff's shape."""
    return {p["name"]: f32(p["data"], p["shape"]) for p in case["params"]}


def time_steps(step, warmup, reps):
    """Runs `step` warmup + reps times; returns (first step's return value, timed ms list)."""
    first = None
    samples = []
    for i in range(warmup + reps):
        t0 = time.perf_counter()
        r = step()
        dt = (time.perf_counter() - t0) * 1000
        if i == 0:
            first = r
        if i >= warmup:
            samples.append(dt)
    return first, samples


def train_step(model, opt, loss_fn, clip):
    opt.zero_grad(set_to_none=True)
    loss = loss_fn()
    loss.backward()
    if clip is not None:
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
    opt.step()
    return loss.item()


def copy_(dst, src):
    with torch.no_grad():
        if tuple(dst.shape) != tuple(src.shape):
            raise ValueError(f"shape {tuple(dst.shape)} vs ardiff's {tuple(src.shape)}")
        dst.copy_(src)


# ------------------------------------------------------------------------------- LSTM / GRU

class RNNForecaster(nn.Module):
    def __init__(self, cell, input_size, hidden, layers):
        super().__init__()
        self.rnn = (nn.LSTM if cell == "lstm" else nn.GRU)(input_size, hidden, num_layers=layers)
        self.head = nn.Linear(hidden, 2)

    def forward(self, x, y):
        out, _ = self.rnn(x)  # [T, B, H]
        p = self.head(out)  # [T, B, 2]
        mu = p[..., 0]
        sigma = F.softplus(p[..., 1]) + 1e-6
        z = (y - mu) / sigma
        return (torch.log(sigma) + 0.5 * z * z + HALF_LOG_2PI).mean()


def run_rnn(case):
    T, B, Fin, H, L = case["T"], case["B"], case["features"], case["hidden"], case["layers"]
    model = RNNForecaster(case["cell"], Fin, H, L)
    w = params_of(case)
    for l in range(L):
        # ardiff stores the weight matrices transposed ([in, G*H]); the gate order is PyTorch's.
        copy_(getattr(model.rnn, f"weight_ih_l{l}"), w[f"rnn.weight_ih_l{l}"].t())
        copy_(getattr(model.rnn, f"weight_hh_l{l}"), w[f"rnn.weight_hh_l{l}"].t())
        copy_(getattr(model.rnn, f"bias_ih_l{l}"), w[f"rnn.bias_ih_l{l}"])
        copy_(getattr(model.rnn, f"bias_hh_l{l}"), w[f"rnn.bias_hh_l{l}"])
    copy_(model.head.weight, w["head.weight"].t())
    copy_(model.head.bias, w["head.bias"])
    x = f32(case["x"], (T, B, Fin))
    y = f32(case["y"], (T, B))
    opt = torch.optim.AdamW(model.parameters(), lr=case["lr"], weight_decay=0.0)
    loss0, samples = time_steps(lambda: train_step(model, opt, lambda: model(x, y), case["clipNorm"]), case["warmup"], case["reps"])
    return {"ms": statistics.median(samples), "samples": samples, "loss0": loss0}


# ------------------------------------------------------------------------------- nanoGPT

class CausalSelfAttention(nn.Module):
    def __init__(self, C, n_head, block_size):
        super().__init__()
        self.c_attn = nn.Linear(C, 3 * C)
        self.c_proj = nn.Linear(C, C)
        self.n_head = n_head
        self.register_buffer("bias", torch.tril(torch.ones(block_size, block_size)).view(1, 1, block_size, block_size))

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(C, dim=2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float("-inf"))
        att = F.softmax(att, dim=-1)
        y = att @ v
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)


class MLP(nn.Module):
    def __init__(self, C):
        super().__init__()
        self.c_fc = nn.Linear(C, 4 * C)
        self.gelu = nn.GELU(approximate="tanh")
        self.c_proj = nn.Linear(4 * C, C)

    def forward(self, x):
        return self.c_proj(self.gelu(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, C, n_head, block_size):
        super().__init__()
        self.ln_1 = nn.LayerNorm(C)
        self.attn = CausalSelfAttention(C, n_head, block_size)
        self.ln_2 = nn.LayerNorm(C)
        self.mlp = MLP(C)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        x = x + self.mlp(self.ln_2(x))
        return x


class GPT(nn.Module):
    def __init__(self, V, n_layer, n_head, C, block_size):
        super().__init__()
        self.wte = nn.Embedding(V, C)
        self.wpe = nn.Embedding(block_size, C)
        self.h = nn.ModuleList([Block(C, n_head, block_size) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(C)
        self.lm_head = nn.Linear(C, V, bias=False)
        self.lm_head.weight = self.wte.weight  # weight tying

    def forward(self, idx, targets):
        B, T = idx.size()
        pos = torch.arange(0, T, dtype=torch.long)
        x = self.wte(idx) + self.wpe(pos)
        for block in self.h:
            x = block(x)
        logits = self.lm_head(self.ln_f(x))
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))


def run_gpt(case):
    V, L, NH, C, BS, B = case["vocabSize"], case["nLayer"], case["nHead"], case["dModel"], case["blockSize"], case["B"]
    T = BS
    model = GPT(V, L, NH, C, BS)
    w = params_of(case)
    copy_(model.wte.weight, w["wte"])
    copy_(model.wpe.weight, w["wpe"])
    for l, blk in enumerate(model.h):
        p = f"h.{l}."
        copy_(blk.ln_1.weight, w[p + "ln_1.g"]); copy_(blk.ln_1.bias, w[p + "ln_1.b"])
        copy_(blk.attn.c_attn.weight, w[p + "attn.c_attn.w"].t()); copy_(blk.attn.c_attn.bias, w[p + "attn.c_attn.b"])
        copy_(blk.attn.c_proj.weight, w[p + "attn.c_proj.w"].t()); copy_(blk.attn.c_proj.bias, w[p + "attn.c_proj.b"])
        copy_(blk.ln_2.weight, w[p + "ln_2.g"]); copy_(blk.ln_2.bias, w[p + "ln_2.b"])
        copy_(blk.mlp.c_fc.weight, w[p + "mlp.c_fc.w"].t()); copy_(blk.mlp.c_fc.bias, w[p + "mlp.c_fc.b"])
        copy_(blk.mlp.c_proj.weight, w[p + "mlp.c_proj.w"].t()); copy_(blk.mlp.c_proj.bias, w[p + "mlp.c_proj.b"])
    copy_(model.ln_f.weight, w["ln_f.g"]); copy_(model.ln_f.bias, w["ln_f.b"])
    x = i32(case["x"], (B, T))
    y = i32(case["y"], (B, T))
    # nanoGPT's configure_optimizers: weight decay on the 2-D parameters only.
    params = [p for p in model.parameters() if p.requires_grad]
    groups = [
        {"params": [p for p in params if p.dim() >= 2], "weight_decay": case["weightDecay"]},
        {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(groups, lr=case["lr"], betas=(0.9, 0.999))
    loss0, samples = time_steps(lambda: train_step(model, opt, lambda: model(x, y), case["clipNorm"]), case["warmup"], case["reps"])
    return {"ms": statistics.median(samples), "samples": samples, "loss0": loss0}


# ------------------------------------------------------------------------------- MLP denoiser

def timestep_embedding(t, dim, max_period=10000):
    """diffusers' get_timestep_embedding(flip_sin_to_cos=True, downscale_freq_shift=0): [cos, sin]."""
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class MLPDenoiser(nn.Module):
    def __init__(self, d, width, blocks, temb):
        super().__init__()
        self.temb = temb
        self.inp = nn.Linear(d, width)
        self.time1 = nn.Linear(temb, width)
        self.time2 = nn.Linear(width, width)
        self.blocks = nn.ModuleList([nn.ModuleList([nn.Linear(width, width), nn.Linear(width, width)]) for _ in range(blocks)])
        self.out = nn.Linear(width, d)

    def forward(self, x, t):
        cond = self.time2(F.silu(self.time1(timestep_embedding(t, self.temb))))
        h = self.inp(x) + cond
        for l1, l2 in self.blocks:
            h = h + l2(F.silu(l1(F.silu(h))))
        return self.out(F.silu(h))


def mlp_from(case):
    m = MLPDenoiser(case["d"], case["width"], case["blocks"], case["timeEmbedding"])
    w = params_of(case)

    def lin(mod, name):
        copy_(mod.weight, w[name + ".w"].t())
        copy_(mod.bias, w[name + ".b"])

    lin(m.inp, "in"); lin(m.time1, "time1"); lin(m.time2, "time2"); lin(m.out, "out")
    for i, (l1, l2) in enumerate(m.blocks):
        lin(l1, f"block{i}.1"); lin(l2, f"block{i}.2")
    return m


def run_mlp(case):
    B, d = case["B"], case["d"]
    model = mlp_from(case)
    xt = f32(case["xt"], (B, d))
    t = f32(case["t"])
    eps = f32(case["target"], (B, d))
    opt = torch.optim.AdamW(model.parameters(), lr=case["lr"], weight_decay=0.0)
    loss0, samples = time_steps(lambda: train_step(model, opt, lambda: F.mse_loss(model(xt, t), eps), None), case["warmup"], case["reps"])
    return {"ms": statistics.median(samples), "samples": samples, "loss0": loss0}


def linear_abar(T, beta_start, beta_end):
    betas = torch.linspace(beta_start, beta_end, T, dtype=torch.float32)
    return torch.cumprod(1.0 - betas, dim=0)


def run_ddpm_mlp(case):
    torch.manual_seed(0)
    B, d = case["B"], case["d"]
    data = f32(case["data"], (-1, d))
    n = data.shape[0]
    model = mlp_from(case)
    T = case["numTrainTimesteps"]
    abar = linear_abar(T, case["betaStart"], case["betaEnd"])
    steps = case["warmup"] + case["reps"]
    opt, sched, ema = optimiser_setup(model, case["lr"], steps)
    decay = case["emaDecay"]

    def step():
        idx = torch.randint(0, n, (B,))
        x0 = data[idx]
        t = torch.randint(0, T, (B,))
        noise = torch.randn_like(x0)
        a = abar[t].unsqueeze(1)
        xt = a.sqrt() * x0 + (1 - a).sqrt() * noise
        opt.zero_grad(set_to_none=True)
        loss = F.mse_loss(model(xt, t), noise)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), case["clipNorm"])
        opt.step()
        sched.step()
        with torch.no_grad():
            for e, p in zip(ema, model.parameters()):
                e.mul_(decay).add_(p, alpha=1 - decay)
        return loss.item()

    loss0, samples = time_steps(step, case["warmup"], case["reps"])
    return {"ms": statistics.median(samples), "samples": samples, "loss0": loss0}


# ------------------------------------------------------------------------------- samplers

def sample_ddpm(model, z, abar, T, steps):
    """DDPMScheduler (fixed_small, clip_sample False, leading spacing) ancestral sampling."""
    x = z.clone()
    n = x.shape[0]
    ratio = T // steps
    ts = [(steps - 1 - i) * ratio for i in range(steps)]
    for k, t in enumerate(ts):
        eps = model(x, torch.full((n,), float(t)))
        prev = ts[k + 1] if k + 1 < len(ts) else -1
        a_t = abar[t].item()
        a_prev = abar[prev].item() if prev >= 0 else 1.0
        beta_t = 1 - a_t / a_prev
        x0 = (x - math.sqrt(1 - a_t) * eps) / math.sqrt(a_t)
        mean = (math.sqrt(a_prev) * beta_t / (1 - a_t)) * x0 + (math.sqrt(1 - beta_t) * (1 - a_prev) / (1 - a_t)) * x
        if t > 0:
            var = max((1 - a_prev) / (1 - a_t) * beta_t, 1e-20)
            x = mean + math.sqrt(var) * torch.randn_like(x)
        else:
            x = mean
    return x


def sample_ddim(model, z, abar, T, steps):
    """DDIMScheduler, eta 0, leading spacing, set_alpha_to_one, clip_sample False."""
    x = z.clone()
    n = x.shape[0]
    ratio = T // steps
    for i in range(steps):
        t = (steps - 1 - i) * ratio
        eps = model(x, torch.full((n,), float(t)))
        prev = t - ratio
        a_t = abar[t].item()
        a_prev = abar[prev].item() if prev >= 0 else 1.0
        x0 = (x - math.sqrt(1 - a_t) * eps) / math.sqrt(a_t)
        x = math.sqrt(a_prev) * x0 + math.sqrt(1 - a_prev) * eps
    return x


def train_sigmas(abar):
    return ((1 - abar) / abar).sqrt().numpy().astype(np.float64)


def sample_dpmpp(model, z, abar, T, steps):
    """DPMSolverMultistepScheduler: dpmsolver++ 2M midpoint, linspace spacing, final sigma 0
    (first order at the first and the last step, lower_order_final)."""
    x = z.clone()
    n = x.shape[0]
    ts = np.round(np.linspace(0, T - 1, steps + 1))[::-1][:-1].astype(np.int64)
    sig = np.interp(ts, np.arange(T), train_sigmas(abar))
    sig = np.concatenate([sig, [0.0]])
    alpha = 1 / np.sqrt(sig ** 2 + 1)
    sigma = sig * alpha
    with np.errstate(divide="ignore"):
        lam = np.log(alpha) - np.log(sigma)
    m_prev = None
    for i, t in enumerate(ts):
        eps = model(x, torch.full((n,), float(t)))
        m0 = (x - float(sigma[i]) * eps) / float(alpha[i])  # x0 prediction
        if sig[i + 1] == 0:
            # h = inf: the first-order update reduces to x0.
            x_new = m0
        else:
            h = lam[i + 1] - lam[i]
            c1 = sigma[i + 1] / sigma[i]
            c2 = alpha[i + 1] * (math.exp(-h) - 1)
            if m_prev is None:
                x_new = float(c1) * x - float(c2) * m0
            else:
                r0 = (lam[i] - lam[i - 1]) / h
                d1 = (1.0 / r0) * (m0 - m_prev)
                x_new = float(c1) * x - float(c2) * m0 - float(0.5 * c2) * d1
        m_prev = m0
        x = x_new
    return x


def sample_euler(model, z, abar, T, steps):
    """EulerDiscreteScheduler, linspace spacing, no churn."""
    ts = np.linspace(0, T - 1, steps)[::-1].astype(np.float32)
    sig = np.interp(ts, np.arange(T), train_sigmas(abar)).astype(np.float32)
    sig = np.concatenate([sig, np.zeros(1, dtype=np.float32)])
    x = z * float(sig.max())
    n = x.shape[0]
    for i, t in enumerate(ts):
        s = float(sig[i])
        eps = model(x / math.sqrt(s * s + 1), torch.full((n,), float(t)))
        x0 = x - s * eps
        d = (x - x0) / s
        x = x + (float(sig[i + 1]) - s) * d
    return x


SAMPLERS = {"ddpm": sample_ddpm, "ddim": sample_ddim, "dpm++": sample_dpmpp, "euler": sample_euler}


def run_sample(case):
    torch.manual_seed(0)
    model = mlp_from(case)
    model.eval()
    n, d = case["n"], case["d"]
    z = f32(case["z"], (n, d))
    abar = linear_abar(case["numTrainTimesteps"], case["betaStart"], case["betaEnd"])
    fn = SAMPLERS[case["scheduler"]]
    out = {}

    def one():
        with torch.no_grad():
            out["x"] = fn(model, z, abar, case["numTrainTimesteps"], case["steps"])

    _, samples = time_steps(one, case["warmup"], case["reps"])
    ms = statistics.median(samples)
    return {"ms": ms, "samples": samples, "samplesPerSec": n / (ms / 1000), "x": b64(out["x"])}


def run_unet_case(case):
    from torch_unet import run_unet  # bench/peers/ is on sys.path: it is this script's directory

    return run_unet(case, time_steps)


RUNNERS = {"rnn": run_rnn, "gpt": run_gpt, "mlp": run_mlp, "ddpm-mlp": run_ddpm_mlp, "sample": run_sample, "unet": run_unet_case}


def main():
    with open(sys.argv[1]) as fh:
        task = json.load(fh)
    out = {
        "peer": "pytorch",
        "version": f"torch {torch.__version__}, numpy {np.__version__}, threads {torch.get_num_threads()}",
        "cases": {},
        "errors": {},
    }
    for name in task["order"]:
        case = task["cases"][name]
        try:
            out["cases"][name] = RUNNERS[case["kind"]](case)
        except Exception as e:  # report and go on with the other cases
            out["errors"][name] = f"{type(e).__name__}: {e}"
        print(f"[torch] {name} done", file=sys.stderr, flush=True)
    with open(sys.argv[2], "w") as fh:
        json.dump(out, fh)


if __name__ == "__main__":
    main()
