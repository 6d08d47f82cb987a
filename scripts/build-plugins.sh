#!/usr/bin/env bash
# Configures and builds plugins-cu into plugins-cu/build (CPU kernels always; CUDA kernels where nvcc is found) and
# runs its tests (ctest). Produces plugins-cu/build/ort/libswinbench_ort.so, the ONNX Runtime custom-op library the
# ORT backend and its tests load, and plugins-cu/build/libswinbench_plugins.so, the C ABI.
#   bash scripts/build-plugins.sh [extra cmake configure args, e.g. -DSWINBENCH_CUDA=OFF]
# Needs cmake >= 3.20 and a C++17 compiler (apt-get install cmake g++), and the ONNX Runtime headers of the NuGet
# package (restored here when missing; ORT_INCLUDE_DIR overrides their location).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
src="$root/plugins-cu"
build="$src/build"

for tool in cmake c++; do
  command -v "$tool" >/dev/null || { echo "build-plugins: '$tool' not found (apt-get install cmake g++)" >&2; exit 1; }
done

nuget="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
include="${ORT_INCLUDE_DIR:-$nuget/microsoft.ml.onnxruntime.gpu.linux/1.31.0/buildTransitive/native/include}"
if [ ! -f "$include/onnxruntime_lite_custom_op.h" ]; then
  echo "build-plugins: ONNX Runtime headers missing at $include; restoring the harness's NuGet packages"
  dotnet restore "$root/harness/SwinBench.Harness.csproj" >/dev/null
fi

generator=()
command -v ninja >/dev/null && [ ! -f "$build/Makefile" ] && generator=(-G Ninja)
cmake -S "$src" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "-DORT_INCLUDE_DIR=$include" "$@"
cmake --build "$build" --parallel "$(nproc)"
ctest --test-dir "$build" --output-on-failure
