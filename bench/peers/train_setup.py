"""The optimiser side of ardiff's trainDenoiser for the PyTorch peers: AdamW (no weight decay),
ardiff's learning-rate schedule (src/neural/optim.ts `warmupCosine`: linear warm-up over the first
2% of the steps, then cosine decay to min_ratio of the peak) through LambdaLR, and the EMA shadow
copies of the weights."""
import math

import torch


def warmup_cosine_lambda(steps, min_ratio=0.1):
    warm = max(1, round(steps * 0.02))

    def lr_lambda(s):
        if s < warm:
            return (s + 1) / warm
        if s >= steps:
            return min_ratio
        p = (s - warm) / max(1, steps - warm)
        return min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * p))

    return lr_lambda


def optimiser_setup(model, lr, steps):
    """AdamW, its LambdaLR with ardiff's schedule over `steps`, and EMA copies of the weights."""
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, warmup_cosine_lambda(steps))
    ema = [p.detach().clone() for p in model.parameters()]
    return opt, sched, ema
