#!/usr/bin/env bash
# Publishes swinbench and the test assembly (xunit v3: its own runner) self-contained for linux-x64 against the
# *system* libtorch (no bundled libtorch: -p:Torch=system), so that on a GPU machine they run on the CUDA libtorch found
# on LD_LIBRARY_PATH (e.g. a PyTorch 2.11 wheel's torch/lib). Packs them with the launchers into .gpu/swinbench-gpu.tar.xz
# (git-ignored). Usage: scripts/gpu-bundle.sh [out.tar.xz]; WITHOUT_ORT=1 leaves ONNX Runtime's native library out too
# (32 MB; for runs that use only TorchSharp, when the bundle must stay small).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/.gpu/swinbench-gpu.tar.xz}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
dotnet publish "$root/bench/SwinBench.Bench.csproj" -c Release -r linux-x64 --self-contained \
  -p:Torch=system -p:DebugType=none -o "$stage/swinbench" >/dev/null
# the tests beside it share its runtime files (same runtime, same references); gpu-tests.sh runs the CUDA ones
dotnet publish "$root/tests/SwinBench.Tests.csproj" -c Release -r linux-x64 --self-contained \
  -p:Torch=system -p:DebugType=none -o "$stage/swinbench" >/dev/null
# ONNX Runtime's CUDA/TensorRT provider libraries (~300 MB) travel separately (see README); keep the bundle small
rm -f "$stage/swinbench"/libonnxruntime_providers_cuda.so "$stage/swinbench"/libonnxruntime_providers_tensorrt.so
[ "${WITHOUT_ORT:-0}" = 1 ] && rm -f "$stage/swinbench"/libonnxruntime*.so*
# libtorch must come from the GPU machine; make sure none slipped in
if ls "$stage/swinbench" | grep -Eq '^libtorch(_cpu)?\.so'; then
  echo "gpu-bundle: libtorch found in the bundle; the Torch=system build should not carry it" >&2; exit 1
fi
[ -f "$stage/swinbench/libLibTorchSharp.so" ] || { echo "gpu-bundle: libLibTorchSharp.so missing from the publish output" >&2; exit 1; }
cp "$root/scripts/gpu-run.sh" "$root/scripts/gpu-tests.sh" "$stage/swinbench/"
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -n "$(git -C "$root" status --porcelain -- harness bench plugins-cu 2>/dev/null)" ] && commit="$commit-dirty"
echo "$commit" > "$stage/swinbench/COMMIT"
mkdir -p "$(dirname "$out")"
tar -C "$stage" -cJf "$out.tmp" swinbench
mv "$out.tmp" "$out"
echo "gpu-bundle: $out ($(du -h "$out" | cut -f1))"
