#!/usr/bin/env bash
# Launcher for the GPU bundle (scripts/gpu-bundle.sh). Runs swinbench against the libtorch and NVIDIA
# libraries of a PyTorch installation. TORCH_LIB (default: the PyTorch 2.11 venv of the GPU machine) is
# torch/lib; the NVIDIA wheels' lib folders next to it (site-packages/nvidia/*/lib) are added too.
# Usage: gpu-run.sh <swinbench args...>
#        gpu-run.sh tests <xunit args...>   (the bundled test assembly, e.g. -trait Requires=cuda -failSkips)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
torch_lib=${TORCH_LIB:-/opt/torch/.venv/lib/python3.12/site-packages/torch/lib}
[ -f "$torch_lib/libtorch.so" ] || { echo "gpu-run: no libtorch.so in $torch_lib (set TORCH_LIB)" >&2; exit 3; }
site=$(dirname "$(dirname "$torch_lib")")
nv=$(ls -d "$site"/nvidia/*/lib 2>/dev/null | tr '\n' ':')
export LD_LIBRARY_PATH="$torch_lib:${nv}${LD_LIBRARY_PATH:-}"
[ -f "$here/COMMIT" ] && export SWINBENCH_GIT_COMMIT="${SWINBENCH_GIT_COMMIT:-$(cat "$here/COMMIT")}"
if [ "${1:-}" = tests ]; then
  shift
  exec "$here/SwinBench.Tests" "$@"
fi
exec "$here/swinbench" "$@"
