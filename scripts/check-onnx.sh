#!/usr/bin/env bash
# Checks ONNX files with the ONNX checker (full check: with strict shape inference) of Debian's python3-onnx
# (apt-get install -y python3-onnx), and prints one summary line per file:
#   ok FILE: ir 8, opsets ai.onnx=17 swinbench=1, 663 nodes (123 swinbench), input input[N,3,H,W], output output[N,3,H*2,W*2]
# Nodes of the custom domain 'swinbench' have no schema there and are checked for structure only.
# Exit status: 0 all files pass, 1 a check failed, 2 usage, 77 python3-onnx is not installed (nothing checked).
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: $0 MODEL.onnx [MODEL.onnx...]" >&2
  exit 2
fi
# the first Python that can import onnx: $PYTHON, the one on the PATH, or Debian's own (a pyenv shim may hide it)
py=""
for candidate in "${PYTHON:-}" python3 /usr/bin/python3; do
  if [ -n "$candidate" ] && "$candidate" -c "import onnx" 2>/dev/null; then py=$candidate; break; fi
done
if [ -z "$py" ]; then
  echo "check-onnx: python3-onnx is not installed (apt-get install -y python3-onnx); nothing checked" >&2
  exit 77
fi
exec "$py" - "$@" <<'PY'
import sys
import onnx
from onnx import checker

def dims(value):
    shape = value.type.tensor_type.shape
    return ",".join(d.dim_param or str(d.dim_value) for d in shape.dim)

failed = 0
for path in sys.argv[1:]:
    try:
        model = onnx.load(path)
        checker.check_model(model, full_check=True)
    except Exception as e:  # the checker raises ValidationError, shape inference InferenceError
        print(f"FAILED {path}: {type(e).__name__}: {e}")
        failed += 1
        continue
    nodes = model.graph.node
    opsets = " ".join(f"{o.domain or 'ai.onnx'}={o.version}" for o in model.opset_import)
    custom = sum(1 for n in nodes if n.domain == "swinbench")
    ins = " ".join(f"{v.name}[{dims(v)}]" for v in model.graph.input)
    outs = " ".join(f"{v.name}[{dims(v)}]" for v in model.graph.output)
    print(f"ok {path}: ir {model.ir_version}, opsets {opsets}, {len(nodes)} nodes ({custom} swinbench), input {ins}, output {outs}")
sys.exit(1 if failed else 0)
PY
