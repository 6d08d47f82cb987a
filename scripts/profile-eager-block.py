# One classical SwinIR block (C = 180, 6 heads, window 8, shifted, hoisted mask) at 384x512 in eager PyTorch FP16, with
# random weights: its time, the attention (eager vs scaled_dot_product_attention), the FP16 GEMM time at K = 180 vs
# the aligned 184/192, a 3x3 conv, and the kernel breakdown from torch.profiler. Runs on the GPU machine's PyTorch:
#   python3 scripts/profile-eager-block.py  (output of the H100 run: results/h100-2026-11-26-ablation/eager-block-profile.txt)
import torch, torch.nn.functional as F
torch.backends.cuda.matmul.allow_tf32 = False
dev = 'cuda'; dt = torch.float16
H, W, C, heads, ws, sh = 384, 512, 180, 6, 8, 4
N = ws * ws; d = C // heads; nW = (H // ws) * (W // ws)
g = torch.Generator(device='cpu').manual_seed(0)
def P(*s): return (torch.randn(*s, generator=g) * 0.02).to(dev, dt)
wqkv, bqkv, wp, bp = P(3*C, C), P(3*C), P(C, C), P(C)
w1, b1, w2, b2 = P(2*C, C), P(2*C), P(C, 2*C), P(C)
ln1w = torch.ones(C, device=dev, dtype=dt); ln1b = torch.zeros(C, device=dev, dtype=dt)
bias = P(heads, N, N); mask = (torch.rand(nW, N, N, device=dev) > 0.9).to(dt) * -100
x = torch.randn(1, H * W, C, device=dev, dtype=dt)

def part(y):  # (1,H,W,C) -> (nW, N, C)
    return y.view(1, H//ws, ws, W//ws, ws, C).permute(0, 1, 3, 2, 4, 5).reshape(-1, N, C)
def rev(y):
    return y.view(1, H//ws, W//ws, ws, ws, C).permute(0, 1, 3, 2, 4, 5).reshape(1, H, W, C)

def attn_eager(xw):
    b = xw.shape[0]
    qkv = F.linear(xw, wqkv, bqkv).reshape(b, N, 3, heads, d).permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0] * d**-0.5, qkv[1], qkv[2]
    s = q @ k.transpose(-2, -1)
    s = s + bias.unsqueeze(0)
    s = (s.view(b // nW, nW, heads, N, N) + mask.unsqueeze(1).unsqueeze(0)).view(-1, heads, N, N)
    a = torch.softmax(s, -1)
    y = (a @ v).transpose(1, 2).reshape(b, N, C)
    return F.linear(y, wp, bp)

comb = (bias.unsqueeze(0) + mask.unsqueeze(1)).contiguous()  # (nW, heads, N, N)
def attn_sdpa(xw):
    b = xw.shape[0]
    qkv = F.linear(xw, wqkv, bqkv).view(b, N, 3, heads, d).permute(2, 0, 3, 1, 4)
    y = F.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], attn_mask=comb)
    return F.linear(y.transpose(1, 2).reshape(b, N, C), wp, bp)

def block(x, attn):
    y = F.layer_norm(x, (C,), ln1w, ln1b).view(1, H, W, C)
    y = torch.roll(y, (-sh, -sh), (1, 2))
    a = attn(part(y))
    a = torch.roll(rev(a), (sh, sh), (1, 2)).reshape(1, H * W, C)
    x = x + a
    h = F.linear(F.gelu(F.linear(F.layer_norm(x, (C,), ln1w, ln1b), w1, b1)), w2, b2)
    return x + h

def bench(f, *a, n=20):
    for _ in range(3): f(*a)
    torch.cuda.synchronize(); s = torch.cuda.Event(True); e = torch.cuda.Event(True)
    s.record()
    for _ in range(n): f(*a)
    e.record(); torch.cuda.synchronize(); return s.elapsed_time(e) / n

with torch.no_grad():
    print(f"block eager: {bench(block, x, attn_eager):.3f} ms   block sdpa: {bench(block, x, attn_sdpa):.3f} ms")
    xw = part(x.view(1, H, W, C)).contiguous()
    print(f"attn eager (incl qkv+proj): {bench(attn_eager, xw):.3f}  sdpa: {bench(attn_sdpa, xw):.3f}")
    for K in (180, 184, 192):
        a = torch.randn(H*W, K, device=dev, dtype=dt); wq = torch.randn(3*K, K, device=dev, dtype=dt)
        w1p = torch.randn(2*K, K, device=dev, dtype=dt); w2p = torch.randn(K, 2*K, device=dev, dtype=dt)
        hh = torch.randn(H*W, 2*K, device=dev, dtype=dt)
        t1 = bench(F.linear, a, wq); t2 = bench(F.linear, a, w1p); t3 = bench(F.linear, hh, w2p)
        fl = 2*H*W*K*3*K
        print(f"K={K}: qkv {t1:.3f} ms ({fl/t1/1e9:.0f} TFLOP/s) fc1 {t2:.3f} fc2 {t3:.3f}")
    y = torch.randn(1, C, H, W, device=dev, dtype=dt); cw = P(C, C, 3, 3); cb = P(C)
    print(f"conv3x3 NCHW {bench(F.conv2d, y, cw, cb, 1, 1):.3f} ms; channels_last {bench(F.conv2d, y.to(memory_format=torch.channels_last), cw.to(memory_format=torch.channels_last), cb, 1, 1):.3f} ms")
    from torch.profiler import profile, ProfilerActivity
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        for _ in range(5): block(x, attn_eager)
        torch.cuda.synchronize()
    print(prof.key_averages().table(sort_by="cuda_time_total", row_limit=25, max_name_column_width=90))
