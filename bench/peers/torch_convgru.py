"""PyTorch peer of ardiff's ConvGRU next-frame predictor (src/neural/conv-gru.ts); writes the fixture
test/fixtures/conv-gru.json that test/conv-gru.test.ts checks ardiff against.

The network is written independently, the way a PyTorch user writes it (NCHW, F.conv2d,
F.interpolate), from the description in conv-gru.ts (C = hidden, S = frame size):

  enc1    e1 = SiLU(conv3x3(x))                 [B, C/2, S, S]      (x: [B, 1, S, S])
  enc2    e2 = SiLU(conv3x3, stride 2(e1))      [B, C, S/2, S/2]
  gates   z, r = sigmoid(conv3x3(cat[e2, h]))   first C channels z, last C channels r
  cand    c = tanh(conv3x3(cat[e2, r * h]))
  update  h' = (1 - z) * h + z * c;  h0 = 0
  dec1    d1 = SiLU(conv3x3(nearest_x2(h')))    [B, C/2, S, S]
  out     logits = conv3x3(cat[d1, e1])         [B, 1, S, S]

Padding: ardiff's convolutions use TensorFlow's 'same' rule. For the stride-1 3x3 convs that is
one row/column on each side (padding=1). For the stride-2 conv of an even size S the output is S/2
and the total padding max((S/2 - 1) * 2 + 3 - S, 0) = 1 goes at the END (bottom/right):
F.pad(x, (0, 1, 0, 1)) and padding 0 -- not PyTorch's symmetric padding=1, which would shift the
sampling grid by one pixel. Every conv is also recomputed by a direct numpy loop over the TF rule
(pad_before = total // 2, pad_after = total - pad_before) and must agree to 1e-12.

Weight layouts: ardiff's conv filters are HWIO [kh, kw, cin, cout]; PyTorch's are
[cout, cin, kh, kw] = permute(3, 2, 0, 1). The fixture stores the HWIO layout, flat, row-major,
under ardiff's parameter names (enc1.w, enc1.b, ..., out.w, out.b).

Cases (float64 throughout; weights ~ U(-0.3, 0.3) and frames ~ U(0, 1) from a seeded
torch.Generator, both rounded to float32 first so the fixture holds exactly the numbers ardiff
uses):

  steps     teacher-forced logits of step t = 0 .. T-2 (predicting frame t+1 from frames 0..t),
            each [B, S, S] flat (NHWC with one channel = row-major per image);
  loss      the mean over those steps of the per-step mean over pixels of the stable BCE with
            logits max(l, 0) - l y + log(1 + exp(-|l|)) (ConvGRUPredictor.loss), also checked
            against F.binary_cross_entropy_with_logits;
  rollout   predict(context = the first k = 2 frames of each sequence, k = 2, horizon = 3): the k
            context frames are fed, then each prediction's sigmoid probabilities are fed back;
            the output is B x horizon x S x S.

Run with Debian's python, which has torch:

  /usr/bin/python3 bench/peers/torch_convgru.py
"""
import datetime
import json
import pathlib
import platform

import numpy as np
import torch
import torch.nn.functional as F

SEED = 20261208
SIZE = 8
HIDDEN = 4
B = 2
T = 4
K = 2
HORIZON = 3
BOUND = 0.3

torch.set_default_dtype(torch.float64)


def param_shapes(hidden):
    half = hidden // 2
    return [("enc1", 1, half), ("enc2", half, hidden), ("gates", 2 * hidden, 2 * hidden), ("cand", 2 * hidden, hidden), ("dec1", hidden, half), ("out", hidden, 1)]


def f32(t):
    """Rounds to float32 and back, so the double value is exactly what ardiff holds."""
    return t.to(torch.float32).to(torch.float64)


def conv_same(x, w_hwio, b, stride=1):
    """TensorFlow 'same' 3x3 conv in NCHW; w_hwio [kh, kw, cin, cout]."""
    w = w_hwio.permute(3, 2, 0, 1).contiguous()
    if stride == 1:
        return F.conv2d(x, w, b, stride=1, padding=1)
    size = x.shape[-1]
    assert size % 2 == 0 and x.shape[-2] == size
    total = max((size // 2 - 1) * 2 + 3 - size, 0)
    assert total == 1
    return F.conv2d(F.pad(x, (0, 1, 0, 1)), w, b, stride=2, padding=0)


def conv_numpy(x, w_hwio, b, stride=1):
    """Direct loop over TF's 'same' rule, NCHW numpy, for the self-check."""
    x = np.asarray(x)
    w = np.asarray(w_hwio)
    n, cin, h, wd = x.shape
    kh, kw, _, cout = w.shape
    oh, ow = -(-h // stride), -(-wd // stride)
    ph = max((oh - 1) * stride + kh - h, 0)
    pw = max((ow - 1) * stride + kw - wd, 0)
    top, left = ph // 2, pw // 2
    xp = np.zeros((n, cin, h + ph, wd + pw))
    xp[:, :, top:top + h, left:left + wd] = x
    out = np.zeros((n, cout, oh, ow))
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]  # n, cin, kh, kw
            out[:, :, i, j] = np.einsum("nchw,hwco->no", patch, w)
    return out + np.asarray(b)[None, :, None, None]


CONV_CHECKS = []


def conv_checked(x, w, b, stride=1):
    y = conv_same(x, w, b, stride)
    ref = conv_numpy(x.detach().numpy(), w.detach().numpy(), b.detach().numpy(), stride)
    CONV_CHECKS.append(float(np.max(np.abs(y.detach().numpy() - ref))))
    return y


def silu(x):
    return x * torch.sigmoid(x)


def step(p, x, h, hidden):
    """x [B, 1, S, S], h [B, C, S/2, S/2] -> logits [B, 1, S, S], new h."""
    e1 = silu(conv_checked(x, p["enc1.w"], p["enc1.b"]))
    e2 = silu(conv_checked(e1, p["enc2.w"], p["enc2.b"], stride=2))
    g = torch.sigmoid(conv_checked(torch.cat([e2, h], 1), p["gates.w"], p["gates.b"]))
    z, r = g[:, :hidden], g[:, hidden:]
    c = torch.tanh(conv_checked(torch.cat([e2, r * h], 1), p["cand.w"], p["cand.b"]))
    nxt = (1 - z) * h + z * c
    d1 = silu(conv_checked(F.interpolate(nxt, scale_factor=2, mode="nearest"), p["dec1.w"], p["dec1.b"]))
    logits = conv_checked(torch.cat([d1, e1], 1), p["out.w"], p["out.b"])
    return logits, nxt


def stable_bce(l, y):
    return torch.clamp(l, min=0) - l * y + torch.log1p(torch.exp(-l.abs()))


def main():
    gen = torch.Generator().manual_seed(SEED)
    params = {}
    weights = []
    for name, cin, cout in param_shapes(HIDDEN):
        for suffix, shape in (("w", [3, 3, cin, cout]), ("b", [cout])):
            v = f32((torch.rand(shape, generator=gen) * 2 - 1) * BOUND)
            params[f"{name}.{suffix}"] = v
            weights.append({"name": f"{name}.{suffix}", "shape": shape, "data": v.flatten().tolist()})

    frames = f32(torch.rand((B, T, SIZE, SIZE), generator=gen))
    half = SIZE // 2

    # Teacher-forced steps and loss.
    h = torch.zeros((B, HIDDEN, half, half))
    steps, per_step, check_losses = [], [], []
    for t in range(T - 1):
        x = frames[:, t:t + 1]
        y = frames[:, t + 1:t + 2]
        logits, h = step(params, x, h, HIDDEN)
        steps.append(logits[:, 0].flatten().tolist())
        per_step.append(stable_bce(logits, y).mean())
        check_losses.append(F.binary_cross_entropy_with_logits(logits, y))
    loss = torch.stack(per_step).mean()
    loss_check = torch.stack(check_losses).mean()
    assert abs(float(loss) - float(loss_check)) < 1e-12, (float(loss), float(loss_check))

    # Rollout: feed K context frames, then the sigmoid of each prediction.
    h = torch.zeros((B, HIDDEN, half, half))
    context = frames[:, :K]
    out = torch.zeros((B, HORIZON, SIZE, SIZE))
    nxt = None
    for i in range(K + HORIZON - 1):
        x = context[:, i:i + 1] if i < K else nxt
        logits, h = step(params, x, h, HIDDEN)
        pred = torch.sigmoid(logits)
        if i >= K - 1:
            out[:, i - K + 1] = pred[:, 0]
        nxt = pred

    worst = max(CONV_CHECKS)
    assert worst < 1e-12, f"torch conv disagrees with the direct TF-'same' loop by {worst}"

    fixture = {
        "provenance": (
            f"Made by `/usr/bin/python3 bench/peers/torch_convgru.py` (Debian python {platform.python_version()}, torch {torch.__version__}, "
            f"numpy {np.__version__}, float64, torch.Generator seed {SEED}; convs cross-checked against a direct TF-'same' numpy loop to {worst:.1e}) "
            f"on {datetime.date.today().isoformat()}"
        ),
        "size": SIZE,
        "hidden": HIDDEN,
        "batch": B,
        "length": T,
        "weights": weights,
        "frames": frames.flatten().tolist(),
        "steps": steps,
        "loss": float(loss),
        "rollout": {"k": K, "horizon": HORIZON, "context": context.flatten().tolist(), "predictions": out.flatten().tolist()},
    }
    path = pathlib.Path(__file__).resolve().parents[2] / "test" / "fixtures" / "conv-gru.json"
    path.write_text(json.dumps(fixture) + "\n")
    print(f"wrote {path}: loss {float(loss):.12g}, {len(steps)} steps, rollout {out.numel()} values, conv self-check {worst:.2e}")


if __name__ == "__main__":
    main()
