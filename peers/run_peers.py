"""Times SwinBench's PyTorch SwinIR (swinir_torch.py) in the peer modes the harness compares itself with.

Input: a request (JSON) naming the cases (a task's config + input H x W), the modes, the device and the iteration
counts; the C# PeerRunner writes it, so the presets stay in SwinBench (harness/Model/Presets.cs). For hand use, --config
and --size describe one case instead.

Output: one JSON object per (case, mode) on stdout, nothing else there (progress goes to stderr). Each row has
"status": "ok", "unavailable: pytorch: <reason>", "failed: out of memory at HxW (tried to allocate X GiB)" or
"failed: <reason>", the latency statistics over the timed iterations (CUDA events on a GPU) and the samples themselves,
the compile time and compile count of compiled modes, the fidelity of FP16 modes against the FP32 eager output, and
the golden check's largest difference (run first, FP32, on the same device).

Modes (FP16 modes use a hoisted mask; TF32 is off):
  eager-fp32-perblock                 eager, the official path: FP32, a mask built per shifted block each forward
  eager-fp16-hoisted                  eager FP16, one mask per size
  compile-default                     torch.compile(mode=None), FP16 hoisted, compiled for each case's shape
  compile-max-autotune-no-cudagraphs  torch.compile(mode="max-autotune-no-cudagraphs"), FP16 hoisted, per shape
  compile-reduce-overhead             torch.compile(mode="reduce-overhead") (CUDA graphs), FP16 hoisted, per shape
  compile-dynamic                     torch.compile(dynamic=True), FP16, the masks built in the graph (mask "traced",
                                      one per window/shift per forward): one compile per model and process, reused
                                      for every case whatever its H x W

Order: the eager modes and compile-dynamic run case by case first; the per-shape compile modes run afterwards, case by
case, each after torch._dynamo.reset(), so their resets never discard the dynamic compile.

Exit status: 0 when every row was written (whatever their status), 2 for a bad request.
"""

import argparse
import copy
import gc
import json
import math
import os
import re
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_stats import summarize  # noqa: E402

MODES = {
    "eager-fp32-perblock": dict(precision="fp32", mask="perblock", compile=None, dynamic=False),
    "eager-fp16-hoisted": dict(precision="fp16", mask="hoisted", compile=None, dynamic=False),
    "compile-default": dict(precision="fp16", mask="hoisted", compile="default", dynamic=False),
    "compile-max-autotune-no-cudagraphs": dict(precision="fp16", mask="hoisted", compile="max-autotune-no-cudagraphs",
                                               dynamic=False),
    "compile-reduce-overhead": dict(precision="fp16", mask="hoisted", compile="reduce-overhead", dynamic=False),
    "compile-dynamic": dict(precision="fp16", mask="traced", compile="default", dynamic=True),
}
REFERENCE_MODE = "eager-fp32-perblock"


def per_shape(mode):
    """Whether a mode compiles for each case's shape (after a dynamo reset), so it runs in the second pass."""
    spec = MODES[mode]
    return spec["compile"] is not None and not spec["dynamic"]


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
# out of memory (the same texts as SwinBench.Results.FailureStatus, which tests/Peers checks against this)

_UNITS = {"bytes": 1, "KiB": 2 ** 10, "MiB": 2 ** 20, "GiB": 2 ** 30, "TiB": 2 ** 40}
_TORCH_CUDA_OOM = re.compile(r"CUDA out of memory\. Tried to allocate (\d+(?:\.\d+)?) (bytes|KiB|MiB|GiB|TiB)")
_TORCH_CPU_OOM = re.compile(r"DefaultCPUAllocator: (?:not enough memory|can't allocate memory): you tried to allocate (\d+) bytes")
_SIZELESS_OOM = re.compile(r"CUDA out of memory|\bout of memory\b|cudaErrorMemoryAllocation|CUBLAS_STATUS_ALLOC_FAILED|CUDNN_STATUS_ALLOC_FAILED")


def format_bytes(n):
    """A size as c10's format_size writes it: N bytes up to 1 KiB, else two decimals of KiB up to 1 MiB, of MiB up to
    1 GiB, of GiB above."""
    if n <= 2 ** 10:
        return f"{int(n)} bytes"
    for unit, size in (("KiB", 2 ** 10), ("MiB", 2 ** 20)):
        if n <= size * 2 ** 10:
            return f"{n / size:.2f} {unit}"
    return f"{n / 2 ** 30:.2f} GiB"


def _exception_chain(e):
    seen = []
    while e is not None and all(e is not s for s in seen):
        seen.append(e)
        e = e.__cause__ or e.__context__
    return seen


def oom_status(e, h, w):
    """'failed: out of memory at HxW (tried to allocate X)' for a PyTorch out-of-memory error (CUDA or CPU allocator,
    also when wrapped by torch.compile), without the parenthesis when the size is unknown; None for other errors."""
    for err in _exception_chain(e):
        text = str(err)
        m = _TORCH_CUDA_OOM.search(text)
        if m:
            return f"failed: out of memory at {h}x{w} (tried to allocate {format_bytes(float(m.group(1)) * _UNITS[m.group(2)])})"
        m = _TORCH_CPU_OOM.search(text)
        if m:
            return f"failed: out of memory at {h}x{w} (tried to allocate {format_bytes(int(m.group(1)))})"
    for err in _exception_chain(e):
        if type(err).__name__ == "OutOfMemoryError" or _SIZELESS_OOM.search(str(err)):
            return f"failed: out of memory at {h}x{w}"
    return None


def free_memory(torch, device):
    """Drops what a failed or finished mode left behind (cached blocks, cyclic garbage holding tensors)."""
    gc.collect()
    if device.type == "cuda":
        torch.cuda.empty_cache()


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
            raise RequestError("give --request FILE, or --config JSON|FILE and --size HxW[,HxW...]")
        cfg_text = open(args.config, encoding="utf-8").read() if os.path.isfile(args.config) else args.config
        try:
            cfg = json.loads(cfg_text)
        except json.JSONDecodeError as e:
            raise RequestError(f"--config: not valid JSON: {e}") from None
        if isinstance(cfg, dict) and isinstance(cfg.get("config"), dict):
            cfg = cfg["config"]
        cases = []
        for size in args.size.split(","):
            h, w = parse_size(size)
            cases.append(dict(id=f"{args.task or 'custom'} {h}x{w}", task=args.task or "custom", config=cfg, h=h, w=w,
                              weights=args.weights))
        req = dict(cases=cases)
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
                mask=spec["mask"], compile_mode=spec["compile"], dynamic=spec["dynamic"], device=str(req["device"]),
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
        return f"torch.compile needs PyTorch >= 2.0 (this is torch {torch.__version__})"
    return None


def is_missing_backend(e):
    """Whether a compile failure means a missing toolchain (Triton, a C++ compiler) rather than a bug."""
    text = str(e).lower()
    return any(s in text for s in ("triton", "c compiler", "c++ compiler", "cannot find a working", "invalid cxx", "no module named"))


def graphs_compiled():
    """Dynamo's count of graphs compiled in this process (None where torch has no dynamo)."""
    try:
        from torch._dynamo.utils import counters
    except Exception:  # noqa: BLE001
        return None
    return int(counters["stats"]["unique_graphs"])


def mark_hw_dynamic(torch, x):
    """Marks the input's H and W (dims 2, 3) dynamic; maybe_mark_dynamic where it exists, which never fails a
    compile that specializes them (a specialization shows as a recompile in the rows' compile counts)."""
    import torch._dynamo
    mark = getattr(torch._dynamo, "maybe_mark_dynamic", None) or torch._dynamo.mark_dynamic
    mark(x, 2)
    mark(x, 3)
    return x


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


def fidelity(y, ref):
    """PSNR (peak 1, no clamping) and max|d| of y against the reference output."""
    d = (y.double() - ref.double().to(y.device))
    mse = d.pow(2).mean().item()
    psnr = math.inf if mse == 0 else (10 * math.log10(1.0 / mse) if math.isfinite(mse) else math.nan)
    return psnr, d.abs().max().item()


class Session:
    """What a request shares across its cases: the FP32 CPU models (one per config, weights and seed), the
    compile-dynamic models compiled once each, and the FP32 reference outputs the per-shape pass still needs."""

    def __init__(self, torch, sw, req, device):
        self.torch, self.sw, self.req, self.device = torch, sw, req, device
        self.timer = Timer(torch, device)
        self.bases = {}
        self.dynamic = {}
        self.references = {}

    @staticmethod
    def model_key(case):
        return json.dumps([case["config"], case.get("weights"), case.get("wrap_key")], sort_keys=True)

    def base(self, case):
        key = self.model_key(case)
        if key not in self.bases:
            sw = self.sw
            model = sw.SwinIR(sw.validate_config(case["config"]), mask="perblock")
            if case.get("weights"):
                sw.load_checkpoint(model, case["weights"], case.get("wrap_key"))
            else:
                sw.seeded_init(model, self.req["seed"])
            self.bases[key] = model.eval()
        return self.bases[key]

    def model_for(self, case, spec):
        m = copy.deepcopy(self.base(case))
        m.masks = self.sw.MaskProvider(spec["mask"])
        m = m.to(self.device)
        return m.half() if spec["precision"] == "fp16" else m

    def dynamic_model(self, case, spec):
        """The case's compile-dynamic entry {fn, graphs}: compiled (lazily, on its first call) once per model."""
        key = self.model_key(case)
        if key not in self.dynamic:
            fn = self.torch.compile(self.model_for(case, spec), dynamic=True, fullgraph=False)
            self.dynamic[key] = dict(fn=fn, graphs=0)
        return self.dynamic[key]

    def drop_dynamic(self):
        self.dynamic.clear()
        free_memory(self.torch, self.device)


def run_modes(session, case, modes, golden, env, keep_reference=False):
    """The given modes of one case; yields rows. A failure of the case's setup (the input, the reference) becomes each
    mode's row; an out-of-memory error in the FP32 reference only leaves the FP16 rows without fidelity."""
    torch, req, device = session.torch, session.req, session.device
    spec_of = {m: MODES[m] for m in modes}
    h, w = case["h"], case["w"]
    setup_status, reference, x32 = None, None, None
    with torch.no_grad():  # no_grad rather than inference_mode: parameters, masks and inputs stay ordinary tensors
        try:
            cfg = session.sw.validate_config(case["config"])
            session.base(case)
            gen = torch.Generator().manual_seed(req["seed"])
            x32 = torch.rand(1, cfg["in_chans"], h, w, generator=gen).to(device)
            reference = session.references.pop(case["id"], None)
            if reference is None and any(s["precision"] == "fp16" for s in spec_of.values()):
                try:
                    reference = session.model_for(case, MODES[REFERENCE_MODE])(x32).float()
                except Exception as e:  # noqa: BLE001
                    if oom_status(e, h, w) is None:
                        raise
                    log(f"  reference: {oom_status(e, h, w)}; FP16 rows have no fidelity")
                    reference = None
            if keep_reference and reference is not None:
                session.references[case["id"]] = reference.cpu()
        except Exception as e:  # noqa: BLE001 - the case could not be set up: every mode gets the reason
            setup_status = oom_status(e, h, w) or f"failed: {one_line(e)}"
            if not setup_status.startswith("failed: out of memory"):
                log(traceback.format_exc())
        free_memory(torch, device)
        for mode in modes:
            row = dict(base_row(case, mode, req), **env, **golden)
            if setup_status is not None:
                row["status"] = setup_status
                yield row
                continue
            status = None
            try:
                row.update(run_mode(session, case, spec_of[mode], x32, reference))
                if golden_failed(golden):
                    row["status"] = f"failed: golden check: {golden['golden_status']}"
            except Unavailable as e:
                row["status"] = f"unavailable: pytorch: {e}"
            except Exception as e:  # noqa: BLE001 - one failed mode is a row, the other modes still run
                status = oom_status(e, h, w)
                if status is None and "not implemented for 'Half'" in str(e):
                    status = (f"unavailable: pytorch: FP16 is not supported on {device.type} by torch "
                              f"{torch.__version__} ({one_line(e)})")
                if status is None:
                    log(traceback.format_exc())
                    status = f"failed: {one_line(e)}"
                row["status"] = status
            free_memory(torch, device)
            yield row


def golden_failed(golden):
    """Whether the golden check ran and did not pass (a check that was not run is no failure)."""
    status = golden.get("golden_status", "ok")
    return status != "ok" and not status.startswith("not run")


def run_mode(session, case, spec, x32, reference):
    torch, req, device = session.torch, session.req, session.device
    out = {}
    if spec["compile"] is not None:
        reason = compile_unavailable_reason(torch)
        if reason:
            raise Unavailable(reason)
        if spec["compile"] == "reduce-overhead" and device.type != "cuda":
            raise Unavailable("mode reduce-overhead (CUDA graphs) needs a CUDA device")
    x = x32.half() if spec["precision"] == "fp16" else x32
    if device.type == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    entry = None
    if spec["dynamic"]:
        entry = session.dynamic_model(case, spec)
        fn = entry["fn"]
        x = mark_hw_dynamic(torch, x)
    elif spec["compile"] is not None:
        model = session.model_for(case, spec)
        model(x)  # fills the hoisted mask cache eagerly, so the traced graph reads it as a buffer
        import torch._dynamo
        torch._dynamo.reset()
        kwargs = dict(dynamic=False, fullgraph=False)
        if spec["compile"] != "default":
            kwargs["mode"] = spec["compile"]
        fn = torch.compile(model, **kwargs)
    else:
        fn = session.model_for(case, spec)
    if spec["compile"] is not None:
        graphs_before = graphs_compiled()
        t0 = time.perf_counter()
        try:
            fn(x)
            if device.type == "cuda":
                torch.cuda.synchronize()
        except Exception as e:  # noqa: BLE001
            if is_missing_backend(e) and oom_status(e, case["h"], case["w"]) is None:
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
        ms, y = session.timer.time_ms(lambda: fn(x))
        times.append(ms)
    if spec["compile"] is not None and graphs_before is not None:
        out["compiles"] = graphs_compiled() - graphs_before
        if entry is not None:
            entry["graphs"] += out["compiles"]
            out["compiles_total"] = entry["graphs"]
    y = y.float().clone()  # CUDA-graph outputs are overwritten by the next replay
    out.update(summarize(times))
    out["samples_ms"] = times
    if device.type == "cuda":
        out["max_allocated_mb"] = torch.cuda.max_memory_allocated(device) / 2 ** 20
    if reference is not None and spec["precision"] == "fp16":
        out["fidelity_psnr_db"], out["fidelity_max_abs"] = fidelity(y, reference)
    out["status"] = "ok"
    return out


def run_golden(torch, sw, req, device):
    """The golden check (FP32, every mask mode) on the run's device: the fields every row carries."""
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


def run_request(torch, sw, req, device, golden, env):
    """Every (case, mode): first the eager and dynamic-compile modes case by case, then the per-shape compile modes
    case by case. Emits each row as it finishes."""
    session = Session(torch, sw, req, device)
    first = [m for m in req["modes"] if not per_shape(m)]
    second = [m for m in req["modes"] if per_shape(m)]
    for modes, keep in ((first, bool(second)), (second, False)):
        if not modes:
            continue
        for case in req["cases"]:
            log(f"case {case['id']}: {', '.join(modes)}")
            for row in run_modes(session, case, modes, golden, env, keep_reference=keep):
                extra = f", median {row['median_ms']:.3f} ms" if row["status"] == "ok" else ""
                if row.get("compiles") is not None:
                    extra += f", {row['compiles']} graph(s) compiled"
                log(f"  {row['mode']}: {row['status']}{extra}")
                emit(row)
        session.drop_dynamic()


def unavailable_rows(req, reason):
    for case in req["cases"]:
        for mode in req["modes"]:
            emit(dict(base_row(case, mode, req), status=f"unavailable: pytorch: {reason}"))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--request", help="request JSON file ('-': stdin)")
    p.add_argument("--config", help="cases of one model: SwinIR config as JSON text or a file (official keys)")
    p.add_argument("--size", help="input HxW, or several: HxW,HxW,... (one case each)")
    p.add_argument("--task", help="task name for the rows")
    p.add_argument("--weights", help="official .pth (default: seeded random init)")
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
    run_request(torch, sw, req, device, golden, env)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
