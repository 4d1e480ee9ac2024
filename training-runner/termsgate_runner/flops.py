"""Model FLOPs utilisation: achieved training FLOP/s over the device's peak."""
import os

import torch

# Dense bf16 tensor-core peaks (no sparsity), per device.
GPU_PEAK_BF16 = {"H200": 989e12, "H100": 989e12, "A100": 312e12, "L40": 181e12, "L4": 121e12, "A10": 125e12, "4090": 165e12}


def train_flops_per_token(n_params: int, n_layers: int, hidden: int, seq_len: int) -> float:
    """6N for the dense matmuls (forward + backward) plus attention's 12·L·d·T (PaLM appendix B)."""
    return 6 * n_params + 12 * n_layers * hidden * seq_len


def peak_flops(device: torch.device, override: float | None = None) -> tuple[float, str]:
    if override:
        return override, "configured"
    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
        for key, value in GPU_PEAK_BF16.items():
            if key in name:
                return value, f"{name} bf16 dense"
        return 0.0, f"{name}: unknown peak"
    # fp32 FMA on AVX2: 2 units × 8 lanes × 2 FLOPs per cycle; 2.5 GHz nominal. An estimate, labelled as such.
    threads = torch.get_num_threads() or os.cpu_count() or 1
    return threads * 2.5e9 * 32, "cpu estimate (AVX2 fp32 at 2.5 GHz)"
