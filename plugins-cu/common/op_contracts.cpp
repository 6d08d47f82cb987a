#include "op_contracts.h"

#include <cmath>
#include <cstring>
#include <iterator>

namespace swinbench::contract {

namespace {

struct OpSpec {
  Op op;
  const char* name;
  const char* token;
  const Kind* inputs;
  int nb_inputs;
  const Kind* outputs;
  int nb_outputs;
};

#define SWB_OP_SPEC(name, token, ...)                                                                              \
  {Op::name, #name, #token, Schema<Op::name>::kInputs, static_cast<int>(std::size(Schema<Op::name>::kInputs)), \
   Schema<Op::name>::kOutputs, static_cast<int>(std::size(Schema<Op::name>::kOutputs))},
constexpr OpSpec kSpecs[] = {SWB_OP_TABLE(SWB_OP_SPEC)};
#undef SWB_OP_SPEC

const OpSpec& Spec(Op op) { return kSpecs[static_cast<int>(op)]; }  // rows in enumerator order

std::string DimsText(const std::vector<int64_t>& d) {
  std::string s = "(";
  for (size_t i = 0; i < d.size(); ++i) s += (i ? ", " : "") + std::to_string(d[i]);
  return s + ")";
}

}  // namespace

const char* OpName(Op op) { return Spec(op).name; }
const char* OpToken(Op op) { return Spec(op).token; }

bool OpFromName(const std::string& name, Op& op) {
  for (const OpSpec& s : kSpecs)
    if (name == s.name) {
      op = s.op;
      return true;
    }
  return false;
}

int MinInputs(Op op) {
  const OpSpec& s = Spec(op);
  return s.inputs[s.nb_inputs - 1] == Kind::OptF32 ? s.nb_inputs - 1 : s.nb_inputs;
}
int MaxInputs(Op op) { return Spec(op).nb_inputs; }
int NbOutputs(Op op) { return Spec(op).nb_outputs; }
Kind InputKind(Op op, int index) { return Spec(op).inputs[index]; }
Kind OutputKind(Op op, int index) { return Spec(op).outputs[index]; }

int ImageInput(Op op) {
  const OpSpec& s = Spec(op);
  for (int i = 0; i < s.nb_inputs; ++i)
    if (s.inputs[i] == Kind::Image) return i;
  return -1;
}

const char* swin_block::InputName(int index) {
  static const char* const names[kInputs] = {"x",           "norm1_weight", "norm1_bias", "qkv_weight", "qkv_bias",
                                             "attn_bias",   "proj_weight",  "proj_bias",  "norm2_weight",
                                             "norm2_bias",  "fc1_weight",   "fc1_bias",   "fc2_weight",
                                             "fc2_bias",    "image"};
  return index >= 0 && index < kInputs ? names[index] : "?";
}

// ---- attributes -----------------------------------------------------------------------------------------------------
const std::vector<AttrSpec>& AttrSchema(Op op) {
  static const std::vector<AttrSpec> window = {{"window_size", AttrKind::Int, true}, {"shift_size", AttrKind::Int, true}};
  static const std::vector<AttrSpec> heads = {{"num_heads", AttrKind::Int, true}, {"scale", AttrKind::Float, true}};
  static const std::vector<AttrSpec> norm = {{"epsilon", AttrKind::Float, false}};
  static const std::vector<AttrSpec> ln_window = {{"window_size", AttrKind::Int, true},
                                                  {"shift_size", AttrKind::Int, true},
                                                  {"epsilon", AttrKind::Float, false}};
  static const std::vector<AttrSpec> block = {{"num_heads", AttrKind::Int, true},
                                              {"window_size", AttrKind::Int, true},
                                              {"shift_size", AttrKind::Int, true},
                                              {"scale", AttrKind::Float, true},
                                              {"epsilon", AttrKind::Float, false}};
  switch (op) {
    case Op::WindowMask:
    case Op::ReverseRollAdd: return window;
    case Op::QkvSplit:
    case Op::WindowAttention: return heads;
    case Op::LayerNormFp32: return norm;
    case Op::LnRollPartition: return ln_window;
    case Op::SwinBlock: return block;
  }
  return norm;
}

int64_t* IntSlot(Attrs& a, const char* name) {
  if (std::strcmp(name, "window_size") == 0) return &a.window_size;
  if (std::strcmp(name, "shift_size") == 0) return &a.shift_size;
  if (std::strcmp(name, "num_heads") == 0) return &a.num_heads;
  return nullptr;
}

float* FloatSlot(Attrs& a, const char* name) {
  if (std::strcmp(name, "scale") == 0) return &a.scale;
  if (std::strcmp(name, "epsilon") == 0) return &a.epsilon;
  return nullptr;
}

bool CheckAttrs(Op op, const Attrs& a, std::string& error) {
  const std::string name = OpName(op);
  const bool windowed = ImageInput(op) >= 0;
  if (windowed && a.window_size < 1) {
    error = name + ": window_size must be >= 1, got " + std::to_string(a.window_size);
    return false;
  }
  if (windowed && (a.shift_size < 0 || a.shift_size >= a.window_size)) {
    error = name + ": shift_size must be in [0, window_size " + std::to_string(a.window_size) + "), got " +
            std::to_string(a.shift_size);
    return false;
  }
  if ((op == Op::QkvSplit || op == Op::WindowAttention || op == Op::SwinBlock) && a.num_heads < 1) {
    error = name + ": num_heads must be >= 1, got " + std::to_string(a.num_heads);
    return false;
  }
  if ((op == Op::LayerNormFp32 || op == Op::LnRollPartition) && !(a.epsilon >= 0.0f)) {
    error = name + ": epsilon must be >= 0, got " + std::to_string(a.epsilon);
    return false;
  }
  // the Swin block handle takes only finite positive epsilon and scale (swb_swin_block_desc_check)
  if (op == Op::SwinBlock && !(a.epsilon > 0.0f && std::isfinite(a.epsilon))) {
    error = name + ": epsilon must be finite and > 0, got " + std::to_string(a.epsilon);
    return false;
  }
  if (op == Op::SwinBlock && !(a.scale > 0.0f && std::isfinite(a.scale))) {
    error = name + ": scale must be finite and > 0, got " + std::to_string(a.scale);
    return false;
  }
  return true;
}

// ---- shapes ---------------------------------------------------------------------------------------------------------
bool CheckInputDims(Op op, const Attrs& a, const std::vector<std::vector<int64_t>>& in, std::string& error) {
  const std::string name = OpName(op);
  const int count = static_cast<int>(in.size());
  if (count < MinInputs(op) || count > MaxInputs(op)) {
    error = name + ": takes " + std::to_string(MinInputs(op)) +
            (MinInputs(op) == MaxInputs(op) ? "" : " to " + std::to_string(MaxInputs(op))) + " inputs, got " +
            std::to_string(count);
    return false;
  }
  const int image = ImageInput(op);
  if (image >= 0) {
    const auto& im = in[image];
    if (im.size() != 4) {
      error = name + ": image must be NCHW (rank 4), got " + DimsText(im);
      return false;
    }
    if (im[2] < 1 || im[3] < 1 || im[2] % a.window_size != 0 || im[3] % a.window_size != 0) {
      error = name + ": image H, W of " + DimsText(im) + " must be positive multiples of window_size " +
              std::to_string(a.window_size);
      return false;
    }
  }
  const auto tokens = [&](const char* what, const std::vector<int64_t>& x) {  // (B, H*W, C) of the image
    if (x.size() != 3 || x[0] < 1 || x[2] < 1) {
      error = name + ": " + what + " must be (B, H*W, C), got " + DimsText(x);
      return false;
    }
    if (x[1] != in[image][2] * in[image][3]) {
      error = name + ": " + what + " " + DimsText(x) + " does not hold the H*W = " +
              std::to_string(in[image][2] * in[image][3]) + " tokens of image " + DimsText(in[image]);
      return false;
    }
    return true;
  };
  const auto channels = [&](const char* what, const std::vector<int64_t>& v, int64_t c) {
    if (v != std::vector<int64_t>{c}) {
      error = name + ": " + what + " must be (" + std::to_string(c) + "), got " + DimsText(v);
      return false;
    }
    return true;
  };
  const auto matrix = [&](const char* what, const std::vector<int64_t>& v, int64_t rows, int64_t cols) {
    if (v != std::vector<int64_t>{rows, cols}) {
      error = name + ": " + what + " must be (" + std::to_string(rows) + ", " + std::to_string(cols) + "), got " +
              DimsText(v);
      return false;
    }
    return true;
  };
  const auto qkv = [&](const std::vector<int64_t>& x) {
    if (x.size() != 3 || x[0] < 1 || x[1] < 1 || x[2] < 1 || x[2] % (3 * a.num_heads) != 0) {
      error = name + ": qkv must be (B_, N, 3C) with C a multiple of num_heads " + std::to_string(a.num_heads) +
              ", got " + DimsText(x);
      return false;
    }
    return true;
  };
  switch (op) {
    case Op::WindowMask: return true;
    case Op::LnRollPartition:
      return tokens("x", in[0]) && channels("weight", in[1], in[0][2]) && channels("bias", in[2], in[0][2]);
    case Op::ReverseRollAdd: {
      if (!tokens("residual", in[1])) return false;
      const int64_t nW = (in[2][2] / a.window_size) * (in[2][3] / a.window_size);
      const std::vector<int64_t> expect{in[1][0] * nW, a.window_size * a.window_size, in[1][2]};
      if (in[0] != expect) {
        error = name + ": windows must be (B*nW, N, C) = " + DimsText(expect) + ", got " + DimsText(in[0]);
        return false;
      }
      return true;
    }
    case Op::QkvSplit: return qkv(in[0]);
    case Op::LayerNormFp32:
      if (in[0].empty() || in[0].back() < 1) {
        error = name + ": x must be (..., C) with C >= 1, got " + DimsText(in[0]);
        return false;
      }
      return channels("weight", in[1], in[0].back()) && channels("bias", in[2], in[0].back());
    case Op::WindowAttention: {
      if (!qkv(in[0])) return false;
      const int64_t n = in[0][1];
      const std::vector<int64_t> bias{a.num_heads, n, n};
      if (in[1] != bias) {
        error = name + ": bias must be (num_heads, N, N) = " + DimsText(bias) + ", got " + DimsText(in[1]);
        return false;
      }
      if (count == 3) {
        const auto& m = in[2];
        if (m.size() != 3 || m[0] < 1 || m[1] != n || m[2] != n || in[0][0] % m[0] != 0) {
          error = name + ": mask must be (nW, N, N) with N = " + std::to_string(n) + " and nW dividing B_ = " +
                  std::to_string(in[0][0]) + ", got " + DimsText(m);
          return false;
        }
      }
      return true;
    }
    case Op::SwinBlock: {
      using namespace swin_block;
      if (!tokens("x", in[kX])) return false;
      const int64_t c = in[kX][2];
      if (c % a.num_heads != 0) {
        error = name + ": x channels " + std::to_string(c) + " must be a multiple of num_heads " +
                std::to_string(a.num_heads);
        return false;
      }
      const int64_t n = a.window_size * a.window_size;
      const std::vector<int64_t> bias{a.num_heads, n, n};
      if (!channels("norm1_weight", in[kNorm1Weight], c) || !channels("norm1_bias", in[kNorm1Bias], c) ||
          !matrix("qkv_weight", in[kQkvWeight], 3 * c, c) || !channels("qkv_bias", in[kQkvBias], 3 * c))
        return false;
      if (in[kAttnBias] != bias) {
        error = name + ": attn_bias must be (num_heads, N, N) = " + DimsText(bias) + ", got " + DimsText(in[kAttnBias]);
        return false;
      }
      if (!matrix("proj_weight", in[kProjWeight], c, c) || !channels("proj_bias", in[kProjBias], c) ||
          !channels("norm2_weight", in[kNorm2Weight], c) || !channels("norm2_bias", in[kNorm2Bias], c))
        return false;
      const auto& fc1 = in[kFc1Weight];  // (hidden, C): the MLP width comes from here
      if (fc1.size() != 2 || fc1[0] < 1 || fc1[1] != c) {
        error = name + ": fc1_weight must be (hidden, " + std::to_string(c) + ") with hidden >= 1, got " + DimsText(fc1);
        return false;
      }
      const int64_t hidden = fc1[0];
      return channels("fc1_bias", in[kFc1Bias], hidden) && matrix("fc2_weight", in[kFc2Weight], c, hidden) &&
             channels("fc2_bias", in[kFc2Bias], c);
    }
  }
  return true;
}

std::vector<std::vector<int64_t>> OutputDims(Op op, const Attrs& a, const std::vector<std::vector<int64_t>>& in) {
  IntAlgebra alg;
  std::vector<std::vector<int64_t>> out;
  OutputShapes(op, a, in, out, alg);
  return out;
}

// ---- dtypes ---------------------------------------------------------------------------------------------------------
namespace {
// The kind of position pos: inputs 0 .. nb_inputs - 1, then the outputs.
Kind KindAt(Op op, int nb_inputs, int pos) {
  return pos < nb_inputs ? InputKind(op, pos) : OutputKind(op, pos - nb_inputs);
}
}  // namespace

bool SupportsType(Op op, int nb_inputs, int pos, const std::vector<DType>& earlier, DType t) {
  if (t == DType::Other) return false;
  switch (KindAt(op, nb_inputs, pos)) {
    case Kind::Image:
    case Kind::Param: return true;
    case Kind::F32:
    case Kind::OptF32: return t == DType::F32;
    case Kind::T:
      for (int i = 0; i < pos && i < static_cast<int>(earlier.size()); ++i)  // the same as the first T tensor
        if (KindAt(op, nb_inputs, i) == Kind::T) return t == earlier[i];
      return true;
  }
  return false;
}

std::vector<DType> OutputTypes(Op op, const std::vector<DType>& in) {
  DType t = DType::F32;  // the node's T: the type of its first T input
  for (int i = 0; i < static_cast<int>(in.size()) && i < MaxInputs(op); ++i)
    if (InputKind(op, i) == Kind::T) {
      t = in[i];
      break;
    }
  std::vector<DType> out;
  for (int i = 0; i < NbOutputs(op); ++i) out.push_back(OutputKind(op, i) == Kind::T ? t : DType::F32);
  return out;
}

// ---- kernel geometry --------------------------------------------------------------------------------------------------
swb_window_geometry WindowGeometry(Op op, const Attrs& a, const std::vector<std::vector<int64_t>>& in) {
  const auto& image = in[ImageInput(op)];
  const std::vector<int64_t>& tokens = op == Op::ReverseRollAdd ? in[1] : in[0];  // (B, H*W, C)
  if (op == Op::WindowMask) return {1, image[2], image[3], 1, a.window_size, a.shift_size, 0};
  return {tokens[0], image[2], image[3], tokens[2], a.window_size, a.shift_size, 0};
}

swb_qkv_geometry QkvGeometry(Op, const Attrs& a, const std::vector<std::vector<int64_t>>& in) {
  return {in[0][0], in[0][1], in[0][2] / 3, a.num_heads, 0, 0};
}

swb_rows_geometry RowsGeometry(const std::vector<std::vector<int64_t>>& in) {
  int64_t rows = 1;
  for (size_t i = 0; i + 1 < in[0].size(); ++i) rows *= in[0][i];
  return {rows, in[0].back(), 0};
}

// ---- SwinBlock ----------------------------------------------------------------------------------------------------------
swb_swin_block_desc SwinBlockDesc(const Attrs& a, const std::vector<std::vector<int64_t>>& in, swb_dtype dtype) {
  swb_swin_block_desc d{};
  d.channels = in[swin_block::kX][2];
  d.heads = a.num_heads;
  d.hidden = in[swin_block::kFc1Weight][0];
  d.window_size = a.window_size;
  d.depth = 1;
  d.epsilon = a.epsilon;
  d.scale = a.scale;
  d.dtype = dtype;
  d.param_dtype = dtype;
  d.flags = 0;
  return d;
}

swb_swin_block_weights SwinBlockWeights(const Attrs& a, const void* const* data) {
  using namespace swin_block;
  swb_swin_block_weights w{};
  w.shift_size = a.shift_size;
  w.norm1_weight = data[kNorm1Weight];
  w.norm1_bias = data[kNorm1Bias];
  w.qkv_weight = data[kQkvWeight];
  w.qkv_bias = data[kQkvBias];
  w.attn_bias = static_cast<const float*>(data[kAttnBias]);
  w.proj_weight = data[kProjWeight];
  w.proj_bias = data[kProjBias];
  w.norm2_weight = data[kNorm2Weight];
  w.norm2_bias = data[kNorm2Bias];
  w.fc1_weight = data[kFc1Weight];
  w.fc1_bias = data[kFc1Bias];
  w.fc2_weight = data[kFc2Weight];
  w.fc2_bias = data[kFc2Bias];
  return w;
}

SwinBlockKey MakeSwinBlockKey(const swb_swin_block_desc& d, const void* const* data) {
  SwinBlockKey k;
  for (int i = 0; i < swin_block::kWeights; ++i) k.weights[i] = data[swin_block::kNorm1Weight + i];
  k.dtype = d.dtype;
  k.channels = d.channels;
  k.hidden = d.hidden;
  return k;
}

}  // namespace swinbench::contract
