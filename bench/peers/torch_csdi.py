"""A PyTorch CSDI (Tashiro, Song, Song & Ermon 2021, "CSDI: Conditional score-based diffusion
models for probabilistic time series imputation", NeurIPS) on ardiff's protocol.

The network is the reference implementation's (github.com/ermongroup/CSDI, diff_models.py
`diff_CSDI` / `ResidualBlock` / `DiffusionEmbedding`, main_model.py `CSDI_base`): side information
[sinusoidal time embedding of the position in the window (128), learned feature embedding (16),
conditional mask (1)], an input 1x1 convolution of [conditional observations, noisy targets],
residual layers that add the projected diffusion-step embedding, run one PyTorch
nn.TransformerEncoderLayer(d_model=C, nhead, dim_feedforward=64, activation="gelu") along time
(per feature) and one along the features (per time step), a 1x1 "mid" projection plus the
projected side information, a sigmoid * tanh gate, and a 1x1 projection to residual and skip;
the "quad" beta schedule; the epsilon loss on the hidden targets of random-strategy masks; Adam
(weight decay 1e-6) with MultiStepLR (x0.1 at 75% and 90% of the epochs); ancestral DDPM
imputation, median and quantiles of n samples. Run with Debian's /usr/bin/python3 (torch 1.13),
one thread.

Modes (first argument):

  fixture OUT.json   writes the fixture of test/csdi.test.ts: small networks with perturbed
                     weights (in ardiff's layout, base64 float32), inputs, the predicted noise,
                     the loss for a fixed noise and step, and the gradients of a few parameters.
  train CASE.json    trains and imputes on a case written by bench/csdi.js: the columns with the
                     entries to impute as null, the settings, the seed. Prints one JSON line:
                     fitSeconds, imputeSeconds, the training losses and, for every missing entry
                     (column-major order: column 0's missing rows first), its samples (base64
                     float32 [samples, missing]) in the data's units.

ardiff's layout of the weights (src/hybrid/csdi-net.ts): every linear map and 1x1 convolution is
stored [in, out] (PyTorch's weight transposed), the transformer's in_proj as [C, 3C] (columns
q | k | v), the feature embedding [K, F] as PyTorch's.
"""
import base64
import datetime
import json
import math
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

torch.set_num_threads(1)


def b64(a):
    return base64.b64encode(np.ascontiguousarray(a, dtype="<f4").tobytes()).decode("ascii")


def unb64(s, shape):
    return torch.from_numpy(np.frombuffer(base64.b64decode(s), dtype="<f4").copy().reshape(shape))


# ------------------------------------------------------------------------------- network

def transformer(channels, heads, ff):
    layer = nn.TransformerEncoderLayer(d_model=channels, nhead=heads, dim_feedforward=ff, activation="gelu")
    return nn.TransformerEncoder(layer, num_layers=1)


def conv1x1(cin, cout):
    layer = nn.Conv1d(cin, cout, 1)
    nn.init.kaiming_normal_(layer.weight)
    return layer


class DiffusionEmbedding(nn.Module):
    def __init__(self, num_steps, dim):
        super().__init__()
        half = dim / 2
        steps = torch.arange(num_steps).unsqueeze(1)
        freqs = 10.0 ** (torch.arange(half) / (half - 1) * 4.0).unsqueeze(0)
        table = steps * freqs
        self.register_buffer("embedding", torch.cat([torch.sin(table), torch.cos(table)], dim=1), persistent=False)
        self.projection1 = nn.Linear(dim, dim)
        self.projection2 = nn.Linear(dim, dim)

    def forward(self, t):
        return F.silu(self.projection2(F.silu(self.projection1(self.embedding[t]))))


class ResidualBlock(nn.Module):
    def __init__(self, side_dim, C, emb_dim, heads, ff):
        super().__init__()
        self.diffusion_projection = nn.Linear(emb_dim, C)
        self.cond_projection = conv1x1(side_dim, 2 * C)
        self.mid_projection = conv1x1(C, 2 * C)
        self.output_projection = conv1x1(C, 2 * C)
        self.time_layer = transformer(C, heads, ff)
        self.feature_layer = transformer(C, heads, ff)

    def forward(self, x, side, emb):
        B, C, K, L = x.shape
        x = x.reshape(B, C, K * L)
        y = x + self.diffusion_projection(emb).unsqueeze(-1)
        if L > 1:  # along time, one sequence per (sample, feature)
            y = y.reshape(B, C, K, L).permute(0, 2, 1, 3).reshape(B * K, C, L)
            y = self.time_layer(y.permute(2, 0, 1)).permute(1, 2, 0)
            y = y.reshape(B, K, C, L).permute(0, 2, 1, 3).reshape(B, C, K * L)
        if K > 1:  # along the features, one sequence per (sample, time step)
            y = y.reshape(B, C, K, L).permute(0, 3, 1, 2).reshape(B * L, C, K)
            y = self.feature_layer(y.permute(2, 0, 1)).permute(1, 2, 0)
            y = y.reshape(B, L, C, K).permute(0, 2, 3, 1).reshape(B, C, K * L)
        y = self.mid_projection(y) + self.cond_projection(side.reshape(B, side.shape[1], K * L))
        gate, filt = torch.chunk(y, 2, dim=1)
        y = self.output_projection(torch.sigmoid(gate) * torch.tanh(filt))
        residual, skip = torch.chunk(y, 2, dim=1)
        return ((x + residual) / math.sqrt(2.0)).reshape(B, C, K, L), skip.reshape(B, C, K, L)


class CSDI(nn.Module):
    def __init__(self, K, s):
        super().__init__()
        C = s["channels"]
        self.s = s
        self.K = K
        self.embed_layer = nn.Embedding(K, s["featureEmbedding"])
        side_dim = s["timeEmbedding"] + s["featureEmbedding"] + 1
        self.diffusion_embedding = DiffusionEmbedding(s["diffusionSteps"], s["diffusionEmbedding"])
        self.input_projection = conv1x1(2, C)
        self.output_projection1 = conv1x1(C, C)
        self.output_projection2 = conv1x1(C, 1)
        nn.init.zeros_(self.output_projection2.weight)
        self.residual_layers = nn.ModuleList([ResidualBlock(side_dim, C, s["diffusionEmbedding"], s["heads"], s["feedForward"]) for _ in range(s["layers"])])
        T = s["diffusionSteps"]
        if s["schedule"] == "quad":
            beta = np.linspace(s["betaStart"] ** 0.5, s["betaEnd"] ** 0.5, T) ** 2
        else:
            beta = np.linspace(s["betaStart"], s["betaEnd"], T)
        self.beta = beta
        self.alpha_hat = 1 - beta
        self.alpha = np.cumprod(self.alpha_hat)
        self.alpha_torch = torch.tensor(self.alpha).float()

    def time_embedding(self, L):
        d = self.s["timeEmbedding"]
        pos = torch.arange(L).float().unsqueeze(1)
        div = 1 / torch.pow(10000.0, torch.arange(0, d, 2) / d)
        pe = torch.zeros(L, d)
        pe[:, 0::2] = torch.sin(pos * div)
        pe[:, 1::2] = torch.cos(pos * div)
        return pe

    def side_info(self, cond_mask):
        B, K, L = cond_mask.shape
        te = self.time_embedding(L).unsqueeze(0).unsqueeze(2).expand(B, -1, K, -1)  # (B,L,K,*)
        fe = self.embed_layer(torch.arange(K)).unsqueeze(0).unsqueeze(0).expand(B, L, -1, -1)
        side = torch.cat([te, fe], dim=-1).permute(0, 3, 2, 1)  # (B,*,K,L)
        return torch.cat([side, cond_mask.unsqueeze(1)], dim=1)

    def denoise(self, total, side, t):
        B, _, K, L = total.shape
        C = self.s["channels"]
        x = F.relu(self.input_projection(total.reshape(B, 2, K * L))).reshape(B, C, K, L)
        emb = self.diffusion_embedding(t)
        skip = []
        for layer in self.residual_layers:
            x, sk = layer(x, side, emb)
            skip.append(sk)
        x = torch.sum(torch.stack(skip), dim=0) / math.sqrt(len(self.residual_layers))
        x = F.relu(self.output_projection1(x.reshape(B, C, K * L)))
        return self.output_projection2(x).reshape(B, K, L)

    @staticmethod
    def total_input(noisy, observed, cond_mask):
        return torch.stack([cond_mask * observed, (1 - cond_mask) * noisy], dim=1)

    def loss(self, observed, cond_mask, observed_mask, t, noise):
        a = self.alpha_torch[t].reshape(-1, 1, 1)
        noisy = a ** 0.5 * observed + (1.0 - a) ** 0.5 * noise
        pred = self.denoise(self.total_input(noisy, observed, cond_mask), self.side_info(cond_mask), t)
        target = observed_mask - cond_mask
        n = target.sum()
        return (((noise - pred) * target) ** 2).sum() / (n if n > 0 else 1)

    @torch.no_grad()
    def impute(self, observed, cond_mask, n_samples, gen):
        B, K, L = observed.shape
        side = self.side_info(cond_mask)
        out = torch.zeros(B, n_samples, K, L)
        for i in range(n_samples):
            x = torch.randn(observed.shape, generator=gen)
            for t in range(self.s["diffusionSteps"] - 1, -1, -1):
                tt = torch.full((B,), t, dtype=torch.long)
                pred = self.denoise(self.total_input(x, observed, cond_mask), side, tt)
                x = (x - (1 - self.alpha_hat[t]) / (1 - self.alpha[t]) ** 0.5 * pred) / self.alpha_hat[t] ** 0.5
                if t > 0:
                    sigma = ((1.0 - self.alpha[t - 1]) / (1.0 - self.alpha[t]) * self.beta[t]) ** 0.5
                    x = x + sigma * torch.randn(x.shape, generator=gen)
            out[:, i] = x
        return out


def linear_pairs(model):
    """(ardiff name, PyTorch tensor, transpose?) for every parameter."""
    out = [("feature.w", model.embed_layer.weight, False)]
    de = model.diffusion_embedding
    for name, mod in [("embed1", de.projection1), ("embed2", de.projection2)]:
        out += [(f"{name}.w", mod.weight, True), (f"{name}.b", mod.bias, False)]
    for name, mod in [("input", model.input_projection), ("output1", model.output_projection1), ("output2", model.output_projection2)]:
        out += [(f"{name}.w", mod.weight, True), (f"{name}.b", mod.bias, False)]
    for i, layer in enumerate(model.residual_layers):
        p = f"res{i}"
        out += [(f"{p}.step.w", layer.diffusion_projection.weight, True), (f"{p}.step.b", layer.diffusion_projection.bias, False)]
        for name, mod in [("cond", layer.cond_projection), ("mid", layer.mid_projection), ("out", layer.output_projection)]:
            out += [(f"{p}.{name}.w", mod.weight, True), (f"{p}.{name}.b", mod.bias, False)]
        for name, enc in [("time", layer.time_layer), ("feature", layer.feature_layer)]:
            tl = enc.layers[0]
            q = f"{p}.{name}"
            out += [
                (f"{q}.attn.in.w", tl.self_attn.in_proj_weight, True), (f"{q}.attn.in.b", tl.self_attn.in_proj_bias, False),
                (f"{q}.attn.out.w", tl.self_attn.out_proj.weight, True), (f"{q}.attn.out.b", tl.self_attn.out_proj.bias, False),
                (f"{q}.ff1.w", tl.linear1.weight, True), (f"{q}.ff1.b", tl.linear1.bias, False),
                (f"{q}.ff2.w", tl.linear2.weight, True), (f"{q}.ff2.b", tl.linear2.bias, False),
                (f"{q}.norm1.g", tl.norm1.weight, False), (f"{q}.norm1.b", tl.norm1.bias, False),
                (f"{q}.norm2.g", tl.norm2.weight, False), (f"{q}.norm2.b", tl.norm2.bias, False),
            ]
    return out


def ardiff_value(t, transpose):
    t = t.detach()
    if t.dim() == 3:  # Conv1d weight [out, in, 1]
        t = t[:, :, 0]
    return t.t() if transpose else t


def export_params(model, prefix="csdi"):
    return [{"name": f"{prefix}.{n}", "shape": list(ardiff_value(t, tr).shape), "data": b64(ardiff_value(t, tr).numpy())} for n, t, tr in linear_pairs(model)]


def import_params(model, params, prefix="csdi"):
    w = {p["name"]: unb64(p["data"], p["shape"]) for p in params}
    with torch.no_grad():
        for n, t, tr in linear_pairs(model):
            v = w[f"{prefix}.{n}"]
            v = v.t() if tr else v
            t.copy_(v.reshape(t.shape))


# ------------------------------------------------------------------------------- fixture

def fixture_case(rng, K, L, B, s):
    torch.manual_seed(int(rng.integers(1 << 30)))
    model = CSDI(K, s)
    with torch.no_grad():  # perturb every weight, so zero-initialised ones (output, attention biases) matter
        for p in model.parameters():
            p.add_(torch.from_numpy(rng.standard_normal(tuple(p.shape)).astype(np.float32)) * 0.2)
    model.eval()
    observed = torch.from_numpy(rng.standard_normal((B, K, L)).astype(np.float32))
    observed_mask = torch.from_numpy((rng.random((B, K, L)) < 0.85).astype(np.float32))
    cond_mask = observed_mask * torch.from_numpy((rng.random((B, K, L)) < 0.5).astype(np.float32))
    observed = observed * observed_mask
    if float((observed_mask - cond_mask).sum()) == 0:  # give the loss at least one target
        cond_mask.view(-1)[int(torch.nonzero(observed_mask.reshape(-1))[0])] = 0
    noise = torch.from_numpy(rng.standard_normal((B, K, L)).astype(np.float32))
    t = torch.from_numpy(rng.integers(0, s["diffusionSteps"], B)).long()
    noisy = torch.from_numpy(rng.standard_normal((B, K, L)).astype(np.float32))
    with torch.no_grad():
        pred = model.denoise(CSDI.total_input(noisy, observed, cond_mask), model.side_info(cond_mask), t)
    loss = model.loss(observed, cond_mask, observed_mask, t, noise)
    model.zero_grad()
    loss.backward()
    grads = {}
    for n, p, tr in linear_pairs(model):
        if p.grad is not None and n in ("feature.w", "input.w", "res0.time.ff1.w", "res0.feature.attn.in.w", "res0.cond.w", "embed1.w"):
            grads[f"csdi.{n}"] = b64(ardiff_value(p.grad, tr).numpy())
    return {
        "features": K, "length": L, "batch": B, "settings": s,
        "params": export_params(model),
        "observed": b64(observed.numpy()), "observedMask": b64(observed_mask.numpy()), "condMask": b64(cond_mask.numpy()),
        "noisy": b64(noisy.numpy()), "noise": b64(noise.numpy()), "t": [int(v) for v in t],
        "alphaBar": [float(v) for v in model.alpha_torch], "predicted": b64(pred.numpy()), "loss": float(loss), "grads": grads,
    }


def write_fixture(path):
    rng = np.random.default_rng(20261208)
    tiny = {"layers": 2, "channels": 16, "heads": 4, "feedForward": 24, "diffusionEmbedding": 32, "diffusionSteps": 50,
            "schedule": "quad", "betaStart": 1e-4, "betaEnd": 0.5, "timeEmbedding": 16, "featureEmbedding": 8}
    wide = {**tiny, "layers": 1, "channels": 32, "heads": 8, "feedForward": 64, "diffusionEmbedding": 64, "timeEmbedding": 128, "featureEmbedding": 16}
    one = {**tiny, "layers": 1, "schedule": "linear", "betaEnd": 0.2}
    ref = CSDI(4, {**wide, "diffusionEmbedding": 128})  # the reference's tables (E = 128, T_e = 128, L = 36)
    doc = {
        "_provenance": f"bench/peers/torch_csdi.py fixture; torch {torch.__version__}, numpy {np.__version__}, one thread, float32; numpy seed 20261208; {datetime.date.today().isoformat()}",
        "stepTable": {"steps": 50, "width": 128, "values": b64(ref.diffusion_embedding.embedding.numpy())},
        "timeTable": {"length": 36, "width": 128, "values": b64(ref.time_embedding(36).numpy())},
        "cases": [fixture_case(rng, 3, 5, 2, tiny), fixture_case(rng, 4, 6, 2, wide), fixture_case(rng, 1, 7, 3, one), fixture_case(rng, 3, 1, 2, one),
                  fixture_case(rng, 2, 14, 2, {**one, "heads": 2})],  # L > 12: attention by batched products
    }
    with open(path, "w") as f:
        json.dump(doc, f)
        f.write("\n")


# ------------------------------------------------------------------------------- train / impute

def standardise(cols):
    y = np.array([[np.nan if v is None else v for v in c] for c in cols], dtype=np.float64)  # [K, n]
    obs = ~np.isnan(y)
    mean = np.array([y[k, obs[k]].mean() for k in range(len(y))])
    sd = np.array([y[k, obs[k]].std() for k in range(len(y))])
    sd[~(sd > 0)] = 1.0
    z = np.where(obs, (y - mean[:, None]) / sd[:, None], 0.0)
    return z, obs.astype(np.float64), mean, sd


def random_cond_mask(observed_mask, rng):
    """The reference's random strategy: hide round(U(0,1) * observed) random observed entries per sample."""
    B = observed_mask.shape[0]
    cond = observed_mask.clone()
    for i in range(B):
        idx = torch.nonzero(observed_mask[i].reshape(-1)).squeeze(1).numpy()
        m = int(round(len(idx) * rng.random()))
        hide = rng.choice(idx, m, replace=False) if m > 0 else []
        flat = cond[i].reshape(-1)
        flat[hide] = 0
        cond[i] = flat.reshape(cond[i].shape)
    return cond


def train_case(case):
    s, seed = case["settings"], case["seed"]
    cols = case["columns"]
    K, n = len(cols), len(cols[0])
    L = s["window"]
    z, obs, mean, sd = standardise(cols)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = CSDI(K, s)
    if case.get("params"):
        import_params(model, case["params"])
    opt = torch.optim.Adam(model.parameters(), lr=s["lr"], weight_decay=1e-6)
    E = s["epochs"]
    sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[int(0.75 * E), int(0.9 * E)], gamma=0.1)
    starts = list(range(0, n - L + 1))
    B = s["batchSize"]
    per_epoch = min(math.ceil(len(starts) / B), s.get("batchesPerEpoch") or 10 ** 9)
    order, cursor, losses = list(starts), len(starts), []
    t0 = time.perf_counter()
    model.train()
    for _ in range(E):
        total = 0.0
        for _ in range(per_epoch):
            if cursor >= len(order):
                rng.shuffle(order)
                cursor = 0
            idx = order[cursor:cursor + B]
            cursor += B
            x = torch.tensor(np.stack([z[:, a:a + L] for a in idx]), dtype=torch.float32)
            m = torch.tensor(np.stack([obs[:, a:a + L] for a in idx]), dtype=torch.float32)
            cond = random_cond_mask(m, rng)
            t = torch.randint(0, s["diffusionSteps"], (len(idx),))
            noise = torch.randn_like(x)
            opt.zero_grad()
            loss = model.loss(x, cond, m, t, noise)
            loss.backward()
            opt.step()
            total += loss.item()
        sched.step()
        losses.append(total / per_epoch)
    fit_seconds = time.perf_counter() - t0
    # Imputation windows: consecutive windows of L, the last one ending at the series' end.
    model.eval()
    gen = torch.Generator().manual_seed(seed + 1)
    S = s["samples"]
    draws = np.zeros((S, K, n), dtype=np.float64)
    t1 = time.perf_counter()
    a = 0
    while a < n:
        start = min(a, max(0, n - L))
        Lw = min(L, n)
        if (obs[:, a:start + Lw] == 0).any():  # the rows this window fills
            x = torch.tensor(z[:, start:start + Lw][None], dtype=torch.float32)
            m = torch.tensor(obs[:, start:start + Lw][None], dtype=torch.float32)
            out = model.impute(x, m, S, gen)[0].numpy()  # [S, K, Lw]
            draws[:, :, a:start + Lw] = out[:, :, a - start:]
        a = start + Lw
    impute_seconds = time.perf_counter() - t1
    missing = [(k, i) for k in range(K) for i in range(n) if obs[k, i] == 0]
    vals = np.array([[draws[sidx, k, i] * sd[k] + mean[k] for k, i in missing] for sidx in range(S)])
    return {"fitSeconds": fit_seconds, "imputeSeconds": impute_seconds, "trainLoss": losses, "missing": len(missing),
            "samples": b64(vals), "torch": torch.__version__}


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "fixture":
        write_fixture(sys.argv[2])
    elif mode == "train":
        with open(sys.argv[2]) as f:
            case = json.load(f)
        print(json.dumps(train_case(case)))
    else:
        sys.exit("usage: torch_csdi.py fixture OUT.json | train CASE.json")


if __name__ == "__main__":
    main()
