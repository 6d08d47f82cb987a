#!/usr/bin/env python3
"""Times one SwinIR body convolution (C -> C, 3x3, padding 1, batch 1) in PyTorch/cuDNN, the reference for ONNX
Runtime's (scripts/gpu-session.sh conv): FP16 NCHW and channels-last at C = 180 and 184, cuDNN's benchmark mode off
and on, and FP32 without TF32. Median of CUDA-event timings per configuration.

    profile-conv.py [H W]        (default 384 512)
"""
import sys

import torch


def median_ms(fn, warmup=10, iters=50):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(iters):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    times.sort()
    return times[len(times) // 2]


def main():
    h, w = (int(sys.argv[1]), int(sys.argv[2])) if len(sys.argv) == 3 else (384, 512)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    print(f"torch {torch.__version__}, cuDNN {torch.backends.cudnn.version()}, {torch.cuda.get_device_name()}, input {h}x{w}")
    for dtype, name in ((torch.float16, "fp16"), (torch.float32, "fp32")):
        for channels in (180, 184):
            for layout in ("nchw", "nhwc"):
                if dtype == torch.float32 and (channels == 184 or layout == "nhwc"):
                    continue
                for benchmark in (False, True):
                    torch.backends.cudnn.benchmark = benchmark
                    conv = torch.nn.Conv2d(channels, channels, 3, padding=1).cuda().to(dtype).eval()
                    x = torch.randn(1, channels, h, w, device="cuda", dtype=dtype)
                    if layout == "nhwc":
                        conv = conv.to(memory_format=torch.channels_last)
                        x = x.to(memory_format=torch.channels_last)
                    with torch.inference_mode():
                        ms = median_ms(lambda: conv(x))
                    print(f"  {name} C={channels} {layout} cudnn.benchmark={int(benchmark)}: {ms:.3f} ms")


if __name__ == "__main__":
    main()
