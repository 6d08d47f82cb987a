# Times SwinIR's work outside the Swin blocks in PyTorch FP16 on the GPU: the project's own PyTorch SwinIR
# (peers/swinir_torch.py) with every stage's blocks replaced by the identity, so what is left is the convolutions, the
# patch (un)embedding, the two outer LayerNorms, the residual adds and the head. Four modes: NCHW or channels-last
# weights and input, with cudnn.benchmark off or on; CUDA events, median of 30 after 5 warm-up runs; at 384x512 a
# torch.profiler kernel table (3 forwards) for NCHW and for channels-last + benchmark.
#   /opt/torch/.venv/bin/python scripts/profile-outside-blocks.py     (from the repository root, on the GPU machine)
import sys, torch, statistics
sys.path.insert(0, "peers")
import swinir_torch as S
from torch.profiler import profile, ProfilerActivity
torch.backends.cuda.matmul.allow_tf32 = False; torch.backends.cudnn.allow_tf32 = False
CFG = {
 "classical": dict(upscale=2, in_chans=3, img_size=64, window_size=8, img_range=1.0, depths=[6]*6, embed_dim=180, num_heads=[6]*6, mlp_ratio=2, upsampler="pixelshuffle", resi_connection="1conv"),
 "lightweight": dict(upscale=2, in_chans=3, img_size=64, window_size=8, img_range=1.0, depths=[6]*4, embed_dim=60, num_heads=[6]*4, mlp_ratio=2, upsampler="pixelshuffledirect", resi_connection="1conv"),
}
def t(fn, n=30):
    for _ in range(5): fn()
    torch.cuda.synchronize(); ts=[]
    for _ in range(n):
        a=torch.cuda.Event(enable_timing=True); b=torch.cuda.Event(enable_timing=True); a.record(); fn(); b.record(); b.synchronize(); ts.append(a.elapsed_time(b))
    return statistics.median(ts)
for name, cfg in CFG.items():
  for H, W in [(384, 512), (120, 176)]:
    m = S.SwinIR(cfg, mask="hoisted").cuda().half().eval()
    for l in m.layers: l.residual_group.forward = (lambda x, h, w, masks: x)
    x = torch.rand(1, 3, H, W, device="cuda").half()
    with torch.no_grad():
      for mode in ["nchw", "nchw+bench", "cl", "cl+bench"]:
        torch.backends.cudnn.benchmark = "bench" in mode
        mm = m.to(memory_format=torch.channels_last) if mode.startswith("cl") else m.to(memory_format=torch.contiguous_format)
        xx = x.contiguous(memory_format=torch.channels_last) if mode.startswith("cl") else x.contiguous()
        print(f"{name} {H}x{W} outside-blocks {mode}: {t(lambda: mm(xx)):.3f} ms", flush=True)
        if H == 384 and mode in ("nchw", "cl+bench"):
          with profile(activities=[ProfilerActivity.CUDA]) as p:
            for _ in range(3): mm(xx)
            torch.cuda.synchronize()
          print(p.key_averages().table(sort_by="cuda_time_total", row_limit=14, max_name_column_width=90), flush=True)
