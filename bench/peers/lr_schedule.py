"""ardiff's learning-rate schedule (src/neural/optim.ts `warmupCosine`, as trainDenoiser uses it),
for the PyTorch peers' LambdaLR: linear warm-up over the first 2% of the steps, then cosine decay to
min_ratio of the peak."""
import math


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
