"""Times SwinBench's PyTorch SwinIR (swinir_torch.py) in the peer modes the harness compares itself with.

Input: a request (JSON) naming the cases (a task's config + input H x W), the modes, the device and the iteration
counts; the C# PeerRunner writes it, so the presets stay in SwinBench (harness/Model/Presets.cs). For hand use, --config
and --size describe one case instead.

Output: one JSON object per (case, mode) on stdout, nothing else there (progress goes to stderr). Each row has
"status": "ok", "unavailable: pytorch: <reason>" or "failed: <reason>", the latency statistics over the timed
iterations (CUDA events on a GPU) and the samples themselves, the compile time of compiled modes, the fidelity of FP16 modes against the FP32 eager
output, and the golden check's largest difference (run first, FP32, on the same device).

Modes (FP16 modes use the hoisted mask; TF32 is off):
  eager-fp32-perblock                 eager, the official path: FP32, a mask built per shifted block each forward
  eager-fp16-hoisted                  eager FP16, one mask per size
  compile-default                     torch.compile(mode=None), FP16 hoisted
  compile-max-autotune-no-cudagraphs  torch.compile(mode="max-autotune-no-cudagraphs"), FP16 hoisted
  compile-reduce-overhead             torch.compile(mode="reduce-overhead") (CUDA graphs), FP16 hoisted

Exit status: 0 when every row was written (whatever their status), 2 for a bad request.
"""

import argparse
import copy
import json
import math
import os
import statistics
import sys
import time
import traceback

MODES = {
    "eager-fp32-perblock": dict(precision="fp32", mask="perblock", compile=None),
    "eager-fp16-hoisted": dict(precision="fp16", mask="hoisted", compile=None),
    "compile-default": dict(precision="fp16", mask="hoisted", compile="default"),
    "compile-max-autotune-no-cudagraphs": dict(precision="fp16", mask="hoisted", compile="max-autotune-no-cudagraphs"),
    "compile-reduce-overhead": dict(precision="fp16", mask="hoisted", compile="reduce-overhead"),
}
REFERENCE_MODE = "eager-fp32-perblock"


class RequestError(ValueError):
    """A bad request; the message names the field."""


def emit(row):
    """Writes one result row as a JSON line (NaN/inf written as null / strings so every line is strict JSON)."""
    def clean(v):
        if isinstance(v, float) and not math.isfinite(v):
            return None if math.isnan(v) else ("inf" if v > 0 else "-inf")
        return v
    print(json.dumps({k: clean(v) for k, v in row.items()}), flush=True)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def one_line(e):
    """An exception as one line: its type and message, no traceback."""
    text = f"{type(e).__name__}: {e}".replace("\r", " ").replace("\n", " ")
    return text[:400]


# ---------------------------------------------------------------------------------------------------------------------
# statistics

def _t_pdf(t, df):
    c = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    return math.exp(c - (df + 1) / 2 * math.log1p(t * t / df))


def _t_cdf(t, df, steps=2000):
    """P(T <= t) for t >= 0 by Simpson's rule over [0, t]."""
    h = t / steps
    s = _t_pdf(0.0, df) + _t_pdf(t, df)
    for i in range(1, steps):
        s += (4 if i % 2 else 2) * _t_pdf(i * h, df)
    return 0.5 + s * h / 3


def t_quantile(p, df):
    """The p-quantile (p > 0.5) of Student's t with df degrees of freedom, by bisection on the CDF."""
    lo, hi = 0.0, 1.0
    while _t_cdf(hi, df) < p:
        hi *= 2
        if hi > 1e6:
            return math.inf
    for _ in range(60):
        mid = (lo + hi) / 2
        if _t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def percentile(sorted_values, q):
    """Linear-interpolated percentile (q in [0, 100]) of sorted values."""
    if len(sorted_values) == 1:
        return sorted_values[0]
    pos = (len(sorted_values) - 1) * q / 100.0
    i = int(math.floor(pos))
    j = min(i + 1, len(sorted_values) - 1)
    return sorted_values[i] + (sorted_values[j] - sorted_values[i]) * (pos - i)


def summarize(times_ms):
    """median, mean, p5, p95, min, max, stdev and the 99.9% confidence half-width of the mean (Student's t)."""
    s = sorted(times_ms)
    n = len(s)
    mean = statistics.fmean(s)
    sd = statistics.stdev(s) if n > 1 else float("nan")
    ci = t_quantile(0.9995, n - 1) * sd / math.sqrt(n) if n > 1 else float("nan")
    return dict(median_ms=statistics.median(s), mean_ms=mean, p5_ms=percentile(s, 5), p95_ms=percentile(s, 95),
                min_ms=s[0], max_ms=s[-1], stdev_ms=sd, ci999_ms=ci, iterations=n)


# ---------------------------------------------------------------------------------------------------------------------
# request

def parse_size(text):
    parts = str(text).lower().split("x")
    if len(parts) == 2 and all(p.isdigit() and int(p) > 0 for p in parts):
        return int(parts[0]), int(parts[1])
    raise RequestError(f"size '{text}' must be HxW with positive integers, e.g. 384x512")


def load_request(args):
    """The request from --request FILE ('-': stdin), or one case from --config/--size and the flags."""
    if args.request:
        try:
            text = sys.stdin.read() if args.request == "-" else open(args.request, encoding="utf-8").read()
            req = json.loads(text)
        except OSError as e:
            raise RequestError(f"--request {args.request}: {e.strerror}") from None
        except json.JSONDecodeError as e:
            raise RequestError(f"--request {args.request}: not valid JSON: {e}") from None
        if not isinstance(req, dict):
            raise RequestError(f"--request {args.request}: must be a JSON object")
    else:
        if not args.config or not args.size:
            raise RequestError("give --request FILE, or --config JSON|FILE and --size HxW")
        cfg_text = open(args.config, encoding="utf-8").read() if os.path.isfile(args.config) else args.config
        try:
            cfg = json.loads(cfg_text)
        except json.JSONDecodeError as e:
            raise RequestError(f"--config: not valid JSON: {e}") from None
        if isinstance(cfg, dict) and isinstance(cfg.get("config"), dict):
            cfg = cfg["config"]
        h, w = parse_size(args.size)
        req = dict(cases=[dict(id=f"{args.task or 'custom'} {h}x{w}", task=args.task or "custom", config=cfg, h=h, w=w,
                               weights=args.weights)])
    for key, value in (("device", args.device), ("warmup", args.warmup), ("iterations", args.iterations),
                       ("seed", args.seed), ("golden", args.golden)):
        if value is not None:
            req[key] = value
    if args.modes:
        req["modes"] = args.modes.split(",")
    req.setdefault("device", "cuda")
    req.setdefault("warmup", 5)
    req.setdefault("iterations", 20)
    req.setdefault("seed", 0)
    req.setdefault("modes", list(MODES))
    cases = req.get("cases")
    if not isinstance(cases, list) or not cases:
        raise RequestError("request: 'cases' must be a non-empty list")
    for i, c in enumerate(cases):
        if not isinstance(c, dict) or not isinstance(c.get("config"), dict):
            raise RequestError(f"request: cases[{i}] must be an object with a 'config' object")
        for k in ("h", "w"):
            if not isinstance(c.get(k), int) or c[k] < 1:
                raise RequestError(f"request: cases[{i}].{k} must be a positive integer, got {c.get(k)!r}")
        c.setdefault("id", f"case{i}")
        c.setdefault("task", "custom")
    for m in req["modes"]:
        if m not in MODES:
            raise RequestError(f"unknown mode '{m}'; modes: {', '.join(MODES)}")
    for k in ("warmup", "iterations"):
        if not isinstance(req[k], int) or req[k] < (1 if k == "iterations" else 0):
            raise RequestError(f"request: '{k}' must be an integer >= {1 if k == 'iterations' else 0}, got {req[k]!r}")
    return req


def base_row(case, mode, req):
    spec = MODES[mode]
    return dict(case=case["id"], task=case["task"], h=case["h"], w=case["w"], mode=mode, precision=spec["precision"],
                mask=spec["mask"], compile_mode=spec["compile"], device=str(req["device"]),
                weights=case.get("weights") or f"seeded:{req['seed']}", warmup=req["warmup"])


# ---------------------------------------------------------------------------------------------------------------------
# running

class Unavailable(Exception):
    """The mode cannot run with this PyTorch or device; the message is the reason."""


def torch_version_tuple(torch):
    parts = []
    for p in torch.__version__.split("+")[0].split(".")[:2]:
        digits = "".join(ch for ch in p if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def compile_unavailable_reason(torch):
    if torch_version_tuple(torch) < (2, 0) or not hasattr(torch, "compile"):
        return f"torch.compile needs torch >= 2.0 (this is {torch.__version__})"
    return None


def is_missing_backend(e):
    """Whether a compile failure means a missing toolchain (Triton, a C++ compiler) rather than a bug."""
    text = str(e).lower()
    return any(s in text for s in ("triton", "c compiler", "c++ compiler", "cannot find a working", "invalid cxx", "no module named"))


class Timer:
    """Times one call: CUDA events on a CUDA device, perf_counter on the CPU."""

    def __init__(self, torch, device):
        self.torch = torch
        self.cuda = device.type == "cuda"

    def time_ms(self, fn):
        torch = self.torch
        if self.cuda:
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            out = fn()
            end.record()
            end.synchronize()
            return start.elapsed_time(end), out
        t0 = time.perf_counter()
        out = fn()
        return (time.perf_counter() - t0) * 1e3, out


def fidelity(torch, y, ref):
    """PSNR (peak 1, no clamping) and max|d| of y against the reference output."""
    d = (y.double() - ref.double())
    mse = d.pow(2).mean().item()
    psnr = math.inf if mse == 0 else (10 * math.log10(1.0 / mse) if math.isfinite(mse) else math.nan)
    return psnr, d.abs().max().item()


def run_case(torch, sw, case, req, device, golden, env):
    """All modes of one case; yields rows."""
    cfg = sw.validate_config(case["config"])
    base = sw.SwinIR(cfg, mask="perblock")
    if case.get("weights"):
        sw.load_checkpoint(base, case["weights"], case.get("wrap_key"))
    else:
        sw.seeded_init(base, req["seed"])
    base = base.eval()
    gen = torch.Generator().manual_seed(req["seed"])
    x32 = torch.rand(1, cfg["in_chans"], case["h"], case["w"], generator=gen).to(device)
    timer = Timer(torch, device)
    reference = None

    def model_for(spec):
        m = copy.deepcopy(base)
        m.masks = sw.MaskProvider(spec["mask"])
        m = m.to(device)
        return m.half() if spec["precision"] == "fp16" else m

    with torch.no_grad():  # no_grad rather than inference_mode: parameters, masks and inputs stay ordinary tensors
        if any(MODES[m]["precision"] == "fp16" for m in req["modes"]):
            reference = model_for(MODES[REFERENCE_MODE])(x32).float()
        for mode in req["modes"]:
            spec = MODES[mode]
            row = dict(base_row(case, mode, req), **env, **golden)
            try:
                row.update(run_mode(torch, spec, model_for, x32, req, device, timer, reference))
                if golden_failed(golden):
                    row["status"] = f"failed: golden check: {golden['golden_status']}"
            except Unavailable as e:
                row["status"] = f"unavailable: pytorch: {e}"
            except Exception as e:  # noqa: BLE001 - one failed mode is a row, the other modes still run
                if "not implemented for 'Half'" in str(e):
                    row["status"] = f"unavailable: pytorch: FP16 is not supported on {device.type} by torch {torch.__version__} ({one_line(e)})"
                else:
                    log(traceback.format_exc())
                    row["status"] = f"failed: {one_line(e)}"
            finally:
                if device.type == "cuda":
                    torch.cuda.empty_cache()
            yield row


def golden_failed(golden):
    """Whether the golden check ran and did not pass (a check that was not run is no failure)."""
    status = golden.get("golden_status", "ok")
    return status != "ok" and not status.startswith("not run")


def run_mode(torch, spec, model_for, x32, req, device, timer, reference):
    out = {}
    if spec["compile"] is not None:
        reason = compile_unavailable_reason(torch)
        if reason:
            raise Unavailable(reason)
        if spec["compile"] == "reduce-overhead" and device.type != "cuda":
            raise Unavailable("mode reduce-overhead (CUDA graphs) needs a CUDA device")
    model = model_for(spec)
    x = x32.half() if spec["precision"] == "fp16" else x32
    fn = model
    if device.type == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    if spec["compile"] is not None:
        model(x)  # fills the hoisted mask cache eagerly, so the traced graph reads it as a buffer
        import torch._dynamo
        torch._dynamo.reset()
        kwargs = dict(dynamic=False, fullgraph=False)
        if spec["compile"] != "default":
            kwargs["mode"] = spec["compile"]
        fn = torch.compile(model, **kwargs)
        t0 = time.perf_counter()
        try:
            fn(x)
            if device.type == "cuda":
                torch.cuda.synchronize()
        except Exception as e:  # noqa: BLE001
            if is_missing_backend(e):
                raise Unavailable(f"torch.compile backend missing: {one_line(e)}") from None
            raise
        out["compile_s"] = time.perf_counter() - t0
    for _ in range(req["warmup"]):
        fn(x)
    if device.type == "cuda":
        torch.cuda.synchronize()
        free, total = torch.cuda.mem_get_info(device)
        out["peak_memory_mb"] = (total - free) / 2 ** 20
    times, y = [], None
    for _ in range(req["iterations"]):
        ms, y = timer.time_ms(lambda: fn(x))
        times.append(ms)
    y = y.float().clone()  # CUDA-graph outputs are overwritten by the next replay
    out.update(summarize(times))
    out["samples_ms"] = times
    if device.type == "cuda":
        out["max_allocated_mb"] = torch.cuda.max_memory_allocated(device) / 2 ** 20
    if reference is not None and spec["precision"] == "fp16":
        out["fidelity_psnr_db"], out["fidelity_max_abs"] = fidelity(torch, y, reference)
    out["status"] = "ok"
    return out


def run_golden(torch, sw, req, device):
    """The golden check (FP32, both mask modes) on the run's device: the fields every row carries."""
    if req.get("golden") == "skip":
        return dict(golden_status="not run: skipped by the request", golden_max_abs_diff=None)
    golden_dir = req.get("golden") or sw.default_golden_dir()
    if not os.path.isfile(os.path.join(golden_dir, "index.json")):
        return dict(golden_status=f"not run: fixtures not found at {golden_dir}", golden_max_abs_diff=None)
    try:
        results = sw.golden_check(golden_dir, device=device)
    except Exception as e:  # noqa: BLE001
        return dict(golden_status=f"error: {one_line(e)}", golden_max_abs_diff=None)
    worst = max(results, key=lambda r: r["max_abs_diff"])
    for r in results:
        log(f"golden {'ok  ' if r['ok'] else 'FAIL'} {r['model']} {r['case']} {r['mask']}: max|d| = {r['max_abs_diff']:.3e}")
    failed = [r for r in results if not r["ok"]]
    status = "ok" if not failed else (
        f"max|d| = {worst['max_abs_diff']:.3e} > {sw.GOLDEN_TOLERANCE:g} ({worst['model']} {worst['case']} {worst['mask']}; "
        f"{len(failed)} of {len(results)} failed)")
    return dict(golden_status=status, golden_max_abs_diff=worst["max_abs_diff"], golden_cases=len(results))


def environment(torch, device):
    env = dict(torch=torch.__version__, cuda=torch.version.cuda or "n/a", python=sys.version.split()[0])
    if device.type == "cuda":
        env["device_name"] = torch.cuda.get_device_name(device)
    else:
        env["device_name"] = "cpu"
    try:
        import triton  # noqa: F401
        env["triton"] = triton.__version__
    except Exception:  # noqa: BLE001
        env["triton"] = "n/a"
    return env


def unavailable_rows(req, reason):
    for case in req["cases"]:
        for mode in req["modes"]:
            emit(dict(base_row(case, mode, req), status=f"unavailable: pytorch: {reason}"))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--request", help="request JSON file ('-': stdin)")
    p.add_argument("--config", help="one case: SwinIR config as JSON text or a file (official keys)")
    p.add_argument("--size", help="one case: input HxW")
    p.add_argument("--task", help="one case: task name for the rows")
    p.add_argument("--weights", help="one case: official .pth (default: seeded random init)")
    p.add_argument("--modes", help=f"comma-separated modes (default: all): {', '.join(MODES)}")
    p.add_argument("--device", help="cuda (default), cuda:N or cpu")
    p.add_argument("--warmup", type=int)
    p.add_argument("--iterations", type=int)
    p.add_argument("--seed", type=int)
    p.add_argument("--golden", help="golden fixture folder, or 'skip'")
    args = p.parse_args(argv)
    try:
        req = load_request(args)
    except RequestError as e:
        print(f"run_peers: {e}", file=sys.stderr)
        return 2

    try:
        import torch
    except Exception as e:  # noqa: BLE001 - no torch: every row says so
        unavailable_rows(req, f"cannot import torch ({one_line(e)})")
        return 0
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import swinir_torch as sw

    try:
        device = torch.device(req["device"])
    except RuntimeError as e:
        print(f"run_peers: device '{req['device']}': {one_line(e)}", file=sys.stderr)
        return 2
    if device.type == "cuda" and not torch.cuda.is_available():
        unavailable_rows(req, f"CUDA is not available to torch {torch.__version__} (cuda {torch.version.cuda or 'none'})")
        return 0
    sw.set_tf32(False)
    env = environment(torch, device)
    log(f"torch {env['torch']} on {env['device_name']}; golden check first")
    golden = run_golden(torch, sw, req, device)
    log(f"golden: {golden['golden_status']}")
    for case in req["cases"]:
        log(f"case {case['id']}")
        done = set()
        try:
            for row in run_case(torch, sw, case, req, device, golden, env):
                log(f"  {row['mode']}: {row['status']}" + (f", median {row['median_ms']:.3f} ms" if row["status"] == "ok" else ""))
                emit(row)
                done.add(row["mode"])
        except Exception as e:  # noqa: BLE001 - the case could not be set up: each mode left gets the reason
            log(traceback.format_exc())
            for mode in req["modes"]:
                if mode not in done:
                    emit(dict(base_row(case, mode, req), **env, **golden, status=f"failed: {one_line(e)}"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
