"""A PyTorch TimeGrad (Rasul et al. 2021) on ardiff's protocol, for bench/hybrid.js.

The same method as src/hybrid/timegrad.ts, written the way the reference implementation
(pytorch-ts) writes it: an nn.LSTM over the features of DeepAR (lags of every series divided by
its mean scale mean |y|, sin/cos of the season position, the centred log scales), the DiffWave-style EpsilonTheta
denoiser, the linear-beta Gaussian diffusion with the simplified epsilon loss at random steps over
every time step of the windows, AdamW with ardiff's warm-up + cosine schedule, gradient clipping,
early stopping on the validation windows, and ancestral DDPM sampling over all K steps
(posterior variance beta-tilde, no clipping of x0).

Input (a JSON file named on the command line): the columns, the rows before the first test window
("trainEnd"), the window origins and horizon, the paths per window, ardiff's resolved settings
("config", "diffusion"), the seed, and ardiff's initial weights ("params", base64 float32 in
ardiff's layout) so both start from the same network. "check" mode instead evaluates the
denoiser on a probe with given weights and returns its output, to compare with ardiff's.
Output (stdout): one JSON line with fitSeconds, the losses and, per window, the sample paths
[paths][horizon][D] as base64 float32.
"""
import base64
import json
import math
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

torch.set_num_threads(1)


def f32(b64, shape):
    a = np.frombuffer(base64.b64decode(b64), dtype="<f4").copy()
    return torch.from_numpy(a.reshape(shape))


def b64(t):
    return base64.b64encode(np.ascontiguousarray(t, dtype="<f4").tobytes()).decode("ascii")


# ------------------------------------------------------------------------------- denoiser

def step_table(max_steps, dim):
    steps = torch.arange(max_steps, dtype=torch.float64).unsqueeze(1)
    dims = torch.arange(dim, dtype=torch.float64).unsqueeze(0)
    table = steps * 10.0 ** (dims * 4.0 / dim)
    return torch.cat([torch.sin(table), torch.cos(table)], dim=1).float()


class ResidualBlock(nn.Module):
    def __init__(self, hidden, C, dilation):
        super().__init__()
        self.dilated_conv = nn.Conv1d(C, 2 * C, 3, padding=dilation, dilation=dilation, padding_mode="circular")
        self.diffusion_projection = nn.Linear(hidden, C)
        self.conditioner_projection = nn.Conv1d(1, 2 * C, 1, padding=2, padding_mode="circular")
        self.output_projection = nn.Conv1d(C, 2 * C, 1)

    def forward(self, x, cond, step):
        y = x + self.diffusion_projection(step).unsqueeze(-1)
        y = self.dilated_conv(y) + self.conditioner_projection(cond)
        gate, filt = torch.chunk(y, 2, dim=1)
        y = torch.sigmoid(gate) * torch.tanh(filt)
        y = F.leaky_relu(self.output_projection(y), 0.4)
        residual, skip = torch.chunk(y, 2, dim=1)
        return (x + residual) / math.sqrt(2.0), skip


class EpsilonTheta(nn.Module):
    def __init__(self, D, H, s):
        super().__init__()
        C, E, R = s["residualChannels"], s["timeEmbedding"], s["residualHidden"]
        self.input_projection = nn.Conv1d(1, C, 1, padding=2, padding_mode="circular")
        self.register_buffer("table", step_table(s["diffusionSteps"], E))
        self.embed1 = nn.Linear(2 * E, R)
        self.embed2 = nn.Linear(R, R)
        self.cond1 = nn.Linear(H, D // 2)
        self.cond2 = nn.Linear(D // 2, D)
        self.layers = nn.ModuleList([ResidualBlock(R, C, 2 ** (i % s["dilationCycle"])) for i in range(s["residualLayers"])])
        self.skip_projection = nn.Conv1d(C, C, 3)
        self.output_projection = nn.Conv1d(C, 1, 3)

    def forward(self, x, k, h):
        z = F.leaky_relu(self.input_projection(x.unsqueeze(1)), 0.4)  # [N, C, L]
        e = F.silu(self.embed2(F.silu(self.embed1(self.table[k]))))
        cond = F.leaky_relu(self.cond2(F.leaky_relu(self.cond1(h), 0.4)), 0.4).unsqueeze(1)
        skip = 0
        for layer in self.layers:
            z, s = layer(z, cond, e)
            skip = skip + s
        o = F.leaky_relu(self.skip_projection(skip / math.sqrt(len(self.layers))), 0.4)
        return self.output_projection(o).squeeze(1)  # [N, D]


def load_denoiser(net, w, C, prefix="head"):
    """ardiff's layout -> PyTorch's: linear [in, out] -> [out, in]; taps-major conv [k*Cin, Cout] -> [Cout, Cin, k]."""
    def lin(mod, name):
        with torch.no_grad():
            mod.weight.copy_(w[f"{prefix}.{name}.w"].t())
            mod.bias.copy_(w[f"{prefix}.{name}.b"])

    def conv(mod, name, k):
        W = w[f"{prefix}.{name}.w"]
        cout = W.shape[1]
        cin = W.shape[0] // k
        with torch.no_grad():
            mod.weight.copy_(W.reshape(k, cin, cout).permute(2, 1, 0))
            mod.bias.copy_(w[f"{prefix}.{name}.b"])

    conv(net.input_projection, "input", 1)
    lin(net.embed1, "embed1")
    lin(net.embed2, "embed2")
    lin(net.cond1, "cond1")
    lin(net.cond2, "cond2")
    for i, layer in enumerate(net.layers):
        lin(layer.diffusion_projection, f"res{i}.step")
        conv(layer.conditioner_projection, f"res{i}.cond", 1)
        conv(layer.dilated_conv, f"res{i}.dilated", 3)
        conv(layer.output_projection, f"res{i}.out", 1)
    conv(net.skip_projection, "skip", 3)
    conv(net.output_projection, "output", 3)


# ------------------------------------------------------------------------------- TimeGrad

class TimeGrad(nn.Module):
    def __init__(self, cell, features, D, H, layers, s):
        super().__init__()
        self.rnn = (nn.LSTM if cell == "lstm" else nn.GRU)(features, H, num_layers=layers)
        self.eps = EpsilonTheta(D, H, s)


def load_weights(model, params, cfg, s):
    w = {p["name"]: f32(p["data"], p["shape"]) for p in params}
    with torch.no_grad():
        for l in range(cfg["layers"]):
            getattr(model.rnn, f"weight_ih_l{l}").copy_(w[f"rnn.weight_ih_l{l}"].t())
            getattr(model.rnn, f"weight_hh_l{l}").copy_(w[f"rnn.weight_hh_l{l}"].t())
            getattr(model.rnn, f"bias_ih_l{l}").copy_(w[f"rnn.bias_ih_l{l}"])
            getattr(model.rnn, f"bias_hh_l{l}").copy_(w[f"rnn.bias_hh_l{l}"])
    load_denoiser(model.eps, w, s["residualChannels"])


class Data:
    """DeepAR's features for one multivariate item (ardiff's Layout, lag-major then series)."""

    def __init__(self, cols, cfg):
        self.y = np.asarray(cols, dtype=np.float64)  # [D, n]
        self.D = self.y.shape[0]
        self.lags = cfg["lags"]
        self.L = max(self.lags)
        self.s = cfg["seasonalPeriod"]
        self.C = cfg["contextLength"]
        self.T = cfg["contextLength"] + cfg["predictionLength"]
        self.F = self.D * len(self.lags) + (2 if self.s > 1 else 0) + self.D

        self.centre = np.zeros(self.D)

    def scales(self, a):
        """ν = mean |y| over the context; for a context of zeros the mean before it, else 1 (ardiff's meanScale)."""
        nu = np.abs(self.y[:, a:a + self.C]).mean(axis=1)
        before = np.abs(self.y[:, :a]).mean(axis=1) if a > 0 else np.zeros(self.D)
        return np.where(nu > 0, nu, np.where(before > 0, before, 1.0))

    def fit_centre(self, starts):
        """The log-scale covariate's centre: the training windows' mean log ν (ardiff's fitScaling)."""
        self.centre = np.mean([np.log(self.scales(a)) for a in starts], axis=0)

    def features(self, t, values, nu):
        """x_t with values[d, i] for index i (observed or drawn)."""
        out = [values[d, t - l] / nu[d] for l in self.lags for d in range(self.D)]
        if self.s > 1:
            k = t % self.s
            out += [math.sin(2 * math.pi * k / self.s), math.cos(2 * math.pi * k / self.s)]
        out += list(np.log(nu) - self.centre)
        return out

    def batch(self, starts):
        B = len(starts)
        x = np.zeros((self.T, B, self.F), dtype=np.float32)
        y = np.zeros((self.T, B, self.D), dtype=np.float32)
        for b, a in enumerate(starts):
            nu = self.scales(a)
            for p in range(self.T):
                t = a + p
                x[p, b] = self.features(t, self.y, nu)
                y[p, b] = self.y[:, t] / nu
        return torch.from_numpy(x), torch.from_numpy(y)


def warmup_cosine(step, warmup, total, min_ratio=0.1):
    if step < warmup:
        return (step + 1) / warmup
    if step >= total:
        return min_ratio
    p = (step - warmup) / max(1, total - warmup)
    return min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * p))


def linear_schedule(s):
    betas = torch.linspace(s["betaStart"], s["betaEnd"], s["diffusionSteps"], dtype=torch.float32)
    alphas = 1 - betas
    abar = torch.cumprod(alphas, 0)
    return betas, alphas, abar


def eps_loss(model, x, y, abar, gen):
    T, B, D = y.shape
    out, _ = model.rnn(x)
    h = out.reshape(T * B, -1)
    x0 = y.reshape(T * B, D)
    K = abar.shape[0]
    k = torch.randint(0, K, (T * B,), generator=gen)
    e = torch.randn(x0.shape, generator=gen)
    a = abar[k].unsqueeze(1)
    xk = a.sqrt() * x0 + (1 - a).sqrt() * e
    return F.mse_loss(model.eps(xk, k, h), e)


def train(model, data, cfg, s, train_end, seed):
    n = train_end
    v = int(math.floor(cfg["validationFraction"] * n))
    end = n - v
    T, P, L = data.T, cfg["predictionLength"], data.L
    starts = [a for a in range(L, end - T + 1)]
    data.fit_centre(starts)
    val = []
    for a in range(end, n, P):
        ln = min(P, n - a)
        st = a + ln - T
        if st >= L:
            val.append((st, T - ln))
    rng = np.random.default_rng(seed)
    gen = torch.Generator().manual_seed(seed)
    _, _, abar = linear_schedule(s)
    B = cfg["batchSize"]
    steps_per_epoch = min(math.ceil(len(starts) / B), cfg["batchesPerEpoch"])
    total = steps_per_epoch * cfg["epochs"]
    warmup = max(1, min(100, round(0.05 * total)))
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["lr"], weight_decay=0.0, eps=1e-8)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda st: warmup_cosine(st, warmup, total))
    vx, vy = data.batch([st for st, _ in val]) if val else (None, None)
    vmask = None
    if val:
        vmask = torch.zeros(T, len(val))
        for b, (_, m) in enumerate(val):
            vmask[m:, b] = 1
    order, cursor = list(range(len(starts))), len(starts)
    best, best_val, since, train_loss, val_loss, epoch = None, float("inf"), 0, [], [], 0
    for epoch in range(1, cfg["epochs"] + 1):
        total_loss = 0.0
        for _ in range(steps_per_epoch):
            if cursor >= len(order):
                rng.shuffle(order)
                cursor = 0
            idx = order[cursor:cursor + B]
            cursor += B
            x, y = data.batch([starts[i] for i in idx])
            opt.zero_grad(set_to_none=True)
            loss = eps_loss(model, x, y, abar, gen)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), cfg["clipNorm"])
            opt.step()
            sched.step()
            total_loss += loss.item()
        train_loss.append(total_loss / steps_per_epoch)
        if val:
            with torch.no_grad():
                vgen = torch.Generator().manual_seed(0x5EED)
                Tn, Bn, D = vy.shape
                out, _ = model.rnn(vx)
                h = out.reshape(Tn * Bn, -1)
                k = torch.randint(0, abar.shape[0], (Tn * Bn,), generator=vgen)
                e = torch.randn((Tn * Bn, D), generator=vgen)
                a = abar[k].unsqueeze(1)
                xk = a.sqrt() * vy.reshape(-1, D) + (1 - a).sqrt() * e
                err = ((model.eps(xk, k, h) - e) ** 2).mean(dim=1)
                w = vmask.reshape(-1)
                vl = float((err * w).sum() / w.sum())
            val_loss.append(vl)
            if vl < best_val:
                best_val, since = vl, 0
                best = {kk: vv.detach().clone() for kk, vv in model.state_dict().items()}
            else:
                since += 1
            if since >= cfg["patience"]:
                break
    if best is not None:
        model.load_state_dict(best)
    return {"trainLoss": train_loss, "valLoss": val_loss, "epochsRun": epoch}


@torch.no_grad()
def sample(model, data, cfg, s, origin, H, paths, gen):
    """Ancestral sampling (Algorithm 3): DDPM over all K steps at every future step."""
    betas, alphas, abar = linear_schedule(s)
    abar_prev = torch.cat([torch.ones(1), abar[:-1]])
    var = betas * (1 - abar_prev) / (1 - abar)
    c1 = betas * abar_prev.sqrt() / (1 - abar)
    c2 = (1 - abar_prev) * alphas.sqrt() / (1 - abar)
    D, C = data.D, data.C
    nu = data.scales(origin - C)
    xc = torch.tensor([data.features(t, data.y, nu) for t in range(origin - C, origin)], dtype=torch.float32).unsqueeze(1)
    _, state = model.rnn(xc)
    state = tuple(st.repeat(1, paths, 1) for st in state) if isinstance(state, tuple) else state.repeat(1, paths, 1)
    draws = np.zeros((paths, H, D))
    hist = np.repeat(data.y[:, :origin][None], paths, axis=0)  # [P, D, origin]
    for j in range(H):
        t = origin + j
        x = torch.tensor(np.stack([data.features(t, np.concatenate([hist[i], draws[i, :j].T], axis=1), nu) for i in range(paths)]), dtype=torch.float32).unsqueeze(0)
        out, state = model.rnn(x, state)
        h = out[0]
        z = torch.randn((paths, D), generator=gen)
        for k in reversed(range(abar.shape[0])):
            kk = torch.full((paths,), k, dtype=torch.long)
            eps = model.eps(z, kk, h)
            x0 = (z - (1 - abar[k]).sqrt() * eps) / abar[k].sqrt()
            mean = c1[k] * x0 + c2[k] * z
            z = mean + (var[k].clamp(min=1e-20).sqrt() * torch.randn((paths, D), generator=gen) if k > 0 else 0)
        draws[:, j] = z.numpy() * nu
    return draws


def main():
    case = json.load(open(sys.argv[1]))
    cfg, s = case["config"], case["diffusion"]
    if case.get("mode") == "check":
        D, H = case["dim"], case["condSize"]
        net = EpsilonTheta(D, H, s)
        load_denoiser(net, {p["name"]: f32(p["data"], p["shape"]) for p in case["params"]}, s["residualChannels"])
        N = case["n"]
        out = net(f32(case["x"], (N, D)), torch.tensor(case["k"], dtype=torch.long), f32(case["h"], (N, H)))
        print(json.dumps({"eps": b64(out.detach().numpy())}))
        return
    data = Data(case["columns"], cfg)
    model = TimeGrad(cfg["cell"], data.F, data.D, cfg["hiddenSize"], cfg["layers"], s)
    if case.get("params"):
        load_weights(model, case["params"], cfg, s)
    t0 = time.perf_counter()
    record = train(model, data, cfg, s, case["trainEnd"], case["seed"])
    fit_seconds = time.perf_counter() - t0
    gen = torch.Generator().manual_seed(case["seed"] + 1)
    t1 = time.perf_counter()
    windows = [b64(sample(model, data, cfg, s, o, case["horizon"], case["paths"], gen)) for o in case["origins"]]
    print(json.dumps({"fitSeconds": fit_seconds, "sampleSeconds": time.perf_counter() - t1, **record, "paths": windows}))


if __name__ == "__main__":
    main()
