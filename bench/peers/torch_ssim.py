"""PyTorch peer of ardiff's structural similarity index (src/core/ssim.ts); writes the fixture
test/fixtures/ssim.json that test/ssim.test.ts checks ardiff against (1e-10 relative).

SSIM is Wang, Bovik, Sheikh & Simoncelli 2004 ("Image quality assessment: from error visibility
to structural similarity", IEEE TIP 13(4)), eq. 13 with the Gaussian-window statistics of their
section III-C, written the way pytorch_msssim (github.com/VainF/pytorch-msssim, `ssim(...,
size_average=True)`) writes it:

  g          1-D Gaussian window, coords = arange(n) - n // 2, exp(-coords^2 / (2 sigma^2)),
             normalised to sum 1;
  filter     separable 'valid' convolution: F.conv2d with the window laid along H, then along W,
             no padding (MATLAB filter2(w, x, 'valid') of Wang's ssim_index);
  mu         filter(x), filter(y); sigma_x^2 = filter(x*x) - mu_x^2, sigma_xy = filter(x*y) -
             mu_x mu_y (no sample-covariance correction);
  map        (2 mu_x mu_y + C1) / (mu_x^2 + mu_y^2 + C1) * (2 sigma_xy + C2) / (sigma_x^2 +
             sigma_y^2 + C2), C1 = (k1 L)^2, C2 = (k2 L)^2, L the data range;
  ssim       the mean of the map over its valid positions, per image.

Two deliberate differences from pytorch_msssim, both matching ardiff: everything (the window
included) is float64 -- pytorch_msssim builds the window in float32, which alone moves these
cases' SSIM by 1e-9 to 1e-5 relative (most where SSIM is near 0), far outside the tests' 1e-10 --
and a dimension smaller than the window gets a window of its own size
(the largest odd number <= the size) instead of pytorch_msssim's "skip the blur along it, with a
warning". Each value is also recomputed by a direct numpy double loop over the 2-D window (outer
product of the 1-D ones) and must agree to 1e-12, so the fixture does not rest on one code path.

Reads nothing; seeded (torch.Generator). Run with Debian's python, which has torch:

  /usr/bin/python3 bench/peers/torch_ssim.py

Inputs are rounded to 6 decimals (integers for the data-range-255 case) before SSIM is computed,
so the JSON holds exactly the numbers the expected values were computed from.
"""
import datetime
import json
import math
import pathlib
import platform

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
OUT = pathlib.Path(__file__).resolve().parents[2] / "test" / "fixtures" / "ssim.json"


def gauss_1d(n, sigma):
    coords = torch.arange(n, dtype=torch.float64) - n // 2
    g = torch.exp(-(coords ** 2) / (2 * sigma ** 2))
    return g / g.sum()


def window_size_for(size, window_size):
    """The window used along a dimension of `size` pixels: the requested one, or the largest odd
    number <= size when the image is smaller than it."""
    return window_size if size >= window_size else (size if size % 2 == 1 else size - 1)


def torch_ssim(x, y, data_range=1.0, window_size=11, sigma=1.5, k1=0.01, k2=0.03):
    """Per-image SSIM of x, y: [N, 1, H, W] float64."""
    _, _, h, w = x.shape
    gh = gauss_1d(window_size_for(h, window_size), sigma).view(1, 1, -1, 1)  # along H
    gw = gauss_1d(window_size_for(w, window_size), sigma).view(1, 1, 1, -1)  # along W

    def filt(t):
        return F.conv2d(F.conv2d(t, gh), gw)

    c1 = (k1 * data_range) ** 2
    c2 = (k2 * data_range) ** 2
    mu1, mu2 = filt(x), filt(y)
    mu1_sq, mu2_sq, mu1_mu2 = mu1.pow(2), mu2.pow(2), mu1 * mu2
    sigma1_sq = filt(x * x) - mu1_sq
    sigma2_sq = filt(y * y) - mu2_sq
    sigma12 = filt(x * y) - mu1_mu2
    cs_map = (2 * sigma12 + c2) / (sigma1_sq + sigma2_sq + c2)
    ssim_map = ((2 * mu1_mu2 + c1) / (mu1_sq + mu2_sq + c1)) * cs_map
    return torch.flatten(ssim_map, 1).mean(-1)


def numpy_ssim(x, y, data_range=1.0, window_size=11, sigma=1.5, k1=0.01, k2=0.03):
    """The same index by a direct double loop over the 2-D window (one image, [H, W])."""
    h, w = x.shape
    gh = gauss_1d(window_size_for(h, window_size), sigma).numpy()
    gw = gauss_1d(window_size_for(w, window_size), sigma).numpy()
    win = np.outer(gh, gw)
    wh, ww = win.shape
    c1 = (k1 * data_range) ** 2
    c2 = (k2 * data_range) ** 2
    vals = []
    for i in range(h - wh + 1):
        for j in range(w - ww + 1):
            px, py = x[i:i + wh, j:j + ww], y[i:i + wh, j:j + ww]
            mx, my = (win * px).sum(), (win * py).sum()
            vx = (win * (px - mx) ** 2).sum()  # eq. 15 (squared), = E[x^2] - mu^2 for sum(w) = 1
            vy = (win * (py - my) ** 2).sum()
            cxy = (win * (px - mx) * (py - my)).sum()  # eq. 16
            vals.append((2 * mx * my + c1) * (2 * cxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2)))  # eq. 13
    return float(np.mean(vals))


GEN = torch.Generator().manual_seed(20261207)


def uniform(shape):
    return torch.rand(shape, generator=GEN)


def normal(shape):
    return torch.randn(shape, generator=GEN)


def rounded(t, decimals=6):
    return torch.tensor([round(v, decimals) for v in t.flatten().tolist()]).view(t.shape)


def smooth_image(count, h, w):
    """Images with structure (a few Gaussian blobs on a gradient), rescaled into [0, 1]."""
    yy, xx = torch.meshgrid(torch.arange(h, dtype=torch.float64), torch.arange(w, dtype=torch.float64), indexing="ij")
    out = []
    for _ in range(count):
        img = 0.3 * xx / max(w - 1, 1) + 0.2 * yy / max(h - 1, 1)
        for _ in range(4):
            cy, cx = uniform(()) * h, uniform(()) * w
            s = 1.5 + uniform(()) * (min(h, w) / 3)
            amp = uniform(()) * 2 - 1
            img = img + amp * torch.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * s * s))
        img = (img - img.min()) / (img.max() - img.min())
        out.append(img)
    return torch.stack(out)


def pair(kind, count, h, w, noise=0.0, scale=1.0):
    """(a, b) of shape [count, h, w] with values in [0, scale]: independent uniform images
    ('independent'), b = clip(a + noise N(0, 1)) ('correlated'), or smooth images plus noise
    ('smooth')."""
    if kind == "independent":
        a, b = uniform((count, h, w)), uniform((count, h, w))
    elif kind == "correlated":
        a = uniform((count, h, w))
        b = (a + noise * normal((count, h, w))).clamp(0, 1)
    elif kind == "smooth":
        a = smooth_image(count, h, w)
        b = (a + noise * normal((count, h, w))).clamp(0, 1)
    else:
        raise ValueError(kind)
    if scale == 1.0:
        return rounded(a), rounded(b)
    return torch.round(a * scale), torch.round(b * scale)


# (id, kind, count, height, width, noise, options); options use ardiff's names.
CASES = [
    ("28x28-independent-1", "independent", 1, 28, 28, 0.0, {}),
    ("28x28-independent-2", "independent", 1, 28, 28, 0.0, {}),
    ("28x28-correlated-0.02", "correlated", 1, 28, 28, 0.02, {}),
    ("28x28-correlated-0.1", "correlated", 1, 28, 28, 0.1, {}),
    ("28x28-correlated-0.3", "correlated", 1, 28, 28, 0.3, {}),
    ("28x28-smooth-0.05", "smooth", 1, 28, 28, 0.05, {}),
    ("14x14-independent", "independent", 1, 14, 14, 0.0, {}),
    ("14x14-correlated-0.1", "correlated", 1, 14, 14, 0.1, {}),
    ("14x14-smooth-0.02", "smooth", 1, 14, 14, 0.02, {}),
    ("8x8-correlated-0.1 (window 7)", "correlated", 1, 8, 8, 0.1, {}),
    ("9x30-correlated-0.1 (window 9 x 11)", "correlated", 1, 9, 30, 0.1, {}),
    ("20x6-smooth-0.05 (window 11 x 5)", "smooth", 1, 20, 6, 0.05, {}),
    ("28x28-uint8-dataRange-255", "correlated", 1, 28, 28, 0.08, {"dataRange": 255}),
    ("28x28-window-7-sigma-1", "correlated", 1, 28, 28, 0.1, {"windowSize": 7, "sigma": 1.0}),
    ("28x28-window-9-sigma-2", "smooth", 1, 28, 28, 0.05, {"windowSize": 9, "sigma": 2.0}),
    ("28x28-window-3-sigma-0.5", "correlated", 1, 28, 28, 0.1, {"windowSize": 3, "sigma": 0.5}),
    ("14x14-k1-0.02-k2-0.05", "correlated", 1, 14, 14, 0.2, {"k1": 0.02, "k2": 0.05}),
    ("batch-4x14x14-correlated-0.1", "correlated", 4, 14, 14, 0.1, {}),
]

TORCH_NAMES = {"dataRange": "data_range", "windowSize": "window_size", "sigma": "sigma", "k1": "k1", "k2": "k2"}


def main():
    cases = []
    for cid, kind, count, h, w, noise, options in CASES:
        scale = float(options.get("dataRange", 1.0))
        a, b = pair(kind, count, h, w, noise, scale)
        kw = {TORCH_NAMES[k]: v for k, v in options.items()}
        expected = torch_ssim(a.unsqueeze(1), b.unsqueeze(1), **kw).tolist()
        for i in range(count):
            check = numpy_ssim(a[i].numpy(), b[i].numpy(), **kw)
            if not math.isclose(check, expected[i], rel_tol=1e-12, abs_tol=1e-14):
                raise SystemExit(f"{cid}[{i}]: torch {expected[i]!r} and the direct loop {check!r} disagree")
        cases.append({
            "id": cid, "count": count, "height": h, "width": w, "options": options,
            "a": [int(v) if scale != 1.0 else v for v in a.flatten().tolist()],
            "b": [int(v) if scale != 1.0 else v for v in b.flatten().tolist()],
            "ssim": expected,
        })
        print(f"{cid:40s} {' '.join(f'{v:.6f}' for v in expected)}")
    provenance = (f"Made by `python3 bench/peers/torch_ssim.py` (Debian /usr/bin/python3 {platform.python_version()}, "
                  f"torch {torch.__version__}, numpy {np.__version__}, float64, torch.Generator seed 20261207) "
                  f"on {datetime.date.today().isoformat()}")
    description = ("Mean SSIM (Wang et al. 2004, eq. 13; Gaussian window of section III-C, 'valid' positions) of "
                   "greyscale image pairs; a and b are `count` images of height x width, row-major, one after "
                   "another; ssim holds one value per image; options use ardiff's names (defaults dataRange 1, "
                   "windowSize 11, sigma 1.5, k1 0.01, k2 0.03).")
    lines = ["{", f'  "provenance": {json.dumps(provenance)},', f'  "description": {json.dumps(description)},', '  "cases": [']
    lines.append(",\n".join("    " + json.dumps(c, separators=(",", ":")) for c in cases))
    lines += ["  ]", "}", ""]
    OUT.write_text("\n".join(lines))
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
