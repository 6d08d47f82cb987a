// The shared launches (common/op_launch.h) on the CPU: each op through ops::Launch equals its C ABI entry point called
// directly on the same tensors (bit for bit), SwinBlock's handle cache makes a handle once and again only when the
// weights move, and the op table agrees with the library (swb_ops, the CUDA stubs of a build without CUDA).
#include <cstring>
#include <string>
#include <vector>

#include "op_launch.h"
#include "test_util.h"

using namespace swinbench;
using contract::Attrs;
using contract::Op;
using Dims = std::vector<int64_t>;

namespace {

test::Checker check("op_launch");
char msg[256];

// A host tensor of float32 or float16 elements.
struct Buffer {
  Dims dims;
  swb_dtype type;
  std::vector<uint8_t> bytes;
  Buffer(Dims d, swb_dtype t, uint32_t seed) : dims(std::move(d)), type(t) {
    size_t n = 1;
    for (int64_t x : dims) n *= static_cast<size_t>(x);
    const std::vector<float> v = test::Random(n, seed);
    if (t == SWB_F32) {
      bytes.resize(n * 4);
      std::memcpy(bytes.data(), v.data(), bytes.size());
    } else {
      const std::vector<uint16_t> h = test::ToHalf(v);
      bytes.resize(n * 2);
      std::memcpy(bytes.data(), h.data(), bytes.size());
    }
  }
  void* data() { return bytes.data(); }
};

// Runs op through ops::Launch on the CPU: inputs as given, outputs of out_types sized by the contract.
std::vector<Buffer> Launch(Op op, const Attrs& a, std::vector<Buffer>& in, const std::vector<swb_dtype>& out_types,
                           ops::SwinBlockCache& cache, int expect = SWB_OK) {
  ops::Node node;
  for (Buffer& b : in) {
    node.dims.push_back(b.dims);
    node.inputs.push_back(b.data());
    node.types.push_back(b.type);
  }
  std::string error;
  check.Expect(contract::CheckInputDims(op, a, node.dims, error), "%s: %s", contract::OpName(op), error.c_str());
  std::vector<Buffer> out;
  const auto dims = contract::OutputDims(op, a, node.dims);
  for (size_t i = 0; i < dims.size(); ++i) out.emplace_back(dims[i], out_types[i], 0);
  for (Buffer& b : out) {
    std::fill(b.bytes.begin(), b.bytes.end(), 0x7f);
    node.outputs.push_back(b.data());
  }
  const int status = ops::Launch(op, a, node, ops::Device::Cpu, nullptr, cache, msg, sizeof msg);
  check.Status(status, expect, msg, contract::OpName(op));
  return out;
}

std::vector<Buffer> Launch(Op op, const Attrs& a, std::vector<Buffer>& in, const std::vector<swb_dtype>& out_types) {
  ops::SwinBlockCache cache;
  return Launch(op, a, in, out_types, cache);
}

Buffer Like(const Buffer& b) {
  Buffer r = b;
  std::fill(r.bytes.begin(), r.bytes.end(), 0);
  return r;
}

void Same(const char* what, const Buffer& launched, const Buffer& direct) {
  check.Expect(launched.bytes == direct.bytes, "%s: the launch differs from the entry point", what);
}

void TestWindowOps() {
  const Attrs a{8, 4, 0, 0.0f, 1e-5f};
  const int64_t B = 2, H = 16, W = 24, C = 20, nW = 6, N = 64;
  const swb_window_geometry g{B, H, W, C, 8, 4, 0};

  std::vector<Buffer> mask_in{Buffer({B, 3, H, W}, SWB_F16, 1)};
  const auto mask = Launch(Op::WindowMask, a, mask_in, {SWB_F32});
  Buffer expect({nW, N, N}, SWB_F32, 0);
  const swb_window_geometry mg{1, H, W, 1, 8, 4, 0};
  check.Status(swb_window_mask_cpu(&mg, SWB_F32, expect.data(), msg, sizeof msg), SWB_OK, msg, "window_mask");
  Same("WindowMask", mask[0], expect);

  for (const swb_dtype t : {SWB_F32, SWB_F16}) {
    std::vector<Buffer> rra{Buffer({B * nW, N, C}, t, 2), Buffer({B, H * W, C}, t, 3), Buffer({B, 3, H, W}, SWB_F32, 4)};
    const auto y = Launch(Op::ReverseRollAdd, a, rra, {t});
    Buffer direct = Like(y[0]);
    swb_reverse_roll_add_cpu(&g, t, rra[0].data(), rra[1].data(), direct.data(), msg, sizeof msg);
    Same("ReverseRollAdd", y[0], direct);

    std::vector<Buffer> lrp{Buffer({B, H * W, C}, t, 5), Buffer({C}, t, 6), Buffer({C}, t, 7),
                            Buffer({B, 3, H, W}, SWB_F16, 8)};
    const auto windows = Launch(Op::LnRollPartition, a, lrp, {t});
    direct = Like(windows[0]);
    swb_ln_roll_partition_cpu(&g, 1e-5f, t, t, lrp[0].data(), lrp[1].data(), lrp[2].data(), direct.data(), msg,
                              sizeof msg);
    Same("LnRollPartition", windows[0], direct);
  }
}

void TestRowOps() {
  const Attrs h{0, 0, 4, 0.25f, 1e-5f};
  const int64_t Bw = 6, N = 16, C = 24;
  const swb_qkv_geometry g{Bw, N, C, 4, 0, 0};
  for (const swb_dtype t : {SWB_F32, SWB_F16}) {
    std::vector<Buffer> qkv{Buffer({Bw, N, 3 * C}, t, 9)};
    const auto parts = Launch(Op::QkvSplit, h, qkv, {t, t, t});
    Buffer q = Like(parts[0]), k = Like(parts[1]), v = Like(parts[2]);
    swb_qkv_split_cpu(&g, 0.25f, t, qkv[0].data(), q.data(), k.data(), v.data(), msg, sizeof msg);
    Same("QkvSplit q", parts[0], q);
    Same("QkvSplit k", parts[1], k);
    Same("QkvSplit v", parts[2], v);

    for (const bool masked : {false, true}) {
      std::vector<Buffer> in{Buffer({Bw, N, 3 * C}, t, 10), Buffer({4, N, N}, SWB_F32, 11)};
      if (masked) in.emplace_back(Dims{3, N, N}, SWB_F32, 12);
      const auto out = Launch(Op::WindowAttention, h, in, {t});
      Buffer direct = Like(out[0]);
      swb_window_attention_cpu(&g, 0.25f, t, in[0].data(), static_cast<const float*>(in[1].data()),
                               masked ? static_cast<const float*>(in[2].data()) : nullptr, masked ? 3 : 0,
                               direct.data(), msg, sizeof msg);
      Same(masked ? "WindowAttention masked" : "WindowAttention", out[0], direct);
    }

    for (const swb_dtype p : {SWB_F32, SWB_F16}) {  // float32 or float16 weights under either x
      std::vector<Buffer> in{Buffer({2, 5, C}, t, 13), Buffer({C}, p, 14), Buffer({C}, p, 15)};
      const Attrs eps{0, 0, 0, 0.0f, 1e-6f};
      const auto y = Launch(Op::LayerNormFp32, eps, in, {t});
      Buffer direct = Like(y[0]);
      const swb_rows_geometry rows{10, C, 0};
      swb_layer_norm_fp32_cpu(&rows, 1e-6f, t, p, in[0].data(), in[1].data(), in[2].data(), direct.data(), msg,
                              sizeof msg);
      Same("LayerNormFp32", y[0], direct);
    }
  }
}

// SwinBlock's inputs: x (B, H*W, C), the 13 weights (C 16, 2 heads, hidden 32, ws 4), image.
std::vector<Buffer> BlockInputs(swb_dtype t, uint32_t seed) {
  const int64_t C = 16, hidden = 32, N = 16;
  const std::vector<Dims> dims = {{2, 64, C},      {C},  {C},         {3 * C, C}, {3 * C}, {2, N, N},
                                  {C, C},          {C},  {C},         {C},        {hidden, C},
                                  {hidden},        {C, hidden},       {C},        {2, 3, 8, 8}};
  std::vector<Buffer> in;
  for (size_t i = 0; i < dims.size(); ++i)
    in.emplace_back(dims[i], i == contract::swin_block::kAttnBias ? SWB_F32 : t, seed + static_cast<uint32_t>(i));
  for (auto& b : in)  // small weights keep the block's values in range
    if (b.type == SWB_F32)
      for (size_t k = 0; k < b.bytes.size() / 4; ++k) reinterpret_cast<float*>(b.data())[k] *= 0.1f;
  return in;
}

void TestSwinBlock() {
  namespace sb = contract::swin_block;
  const Attrs a{4, 2, 2, 0.35f, 1e-5f};  // window 4, shift 2, 2 heads
  std::vector<Buffer> in = BlockInputs(SWB_F32, 30);
  ops::SwinBlockCache cache;
  const auto first = Launch(Op::SwinBlock, a, in, {SWB_F32}, cache);
  const auto again = Launch(Op::SwinBlock, a, in, {SWB_F32}, cache);
  check.Expect(cache.Creations() == 1, "SwinBlock: %lld handles for unmoved weights", (long long)cache.Creations());
  Same("SwinBlock rerun", again[0], first[0]);

  // the same block through a handle made directly
  std::vector<const void*> data;
  for (Buffer& b : in) data.push_back(b.data());
  std::vector<Dims> dims;
  for (const Buffer& b : in) dims.push_back(b.dims);
  const swb_swin_block_desc desc = contract::SwinBlockDesc(a, dims, SWB_F32);
  const swb_swin_block_weights weights = contract::SwinBlockWeights(a, data.data());
  swb_swin_block* handle = nullptr;
  check.Status(swb_swin_block_create_cpu(&desc, &weights, &handle, msg, sizeof msg), SWB_OK, msg, "create");
  Buffer direct = Like(first[0]);
  check.Status(swb_swin_block_run(handle, 2, 8, 8, in[sb::kX].data(), direct.data(), nullptr, msg, sizeof msg), SWB_OK,
               msg, "run");
  swb_swin_block_destroy(handle);
  Same("SwinBlock", first[0], direct);

  // a weight at another address (other values): a new handle and another result
  std::vector<Buffer> moved = in;
  moved[sb::kFc1Weight] = Buffer(in[sb::kFc1Weight].dims, SWB_F32, 99);
  const auto other = Launch(Op::SwinBlock, a, moved, {SWB_F32}, cache);
  check.Expect(cache.Creations() == 2, "SwinBlock: %lld handles after the weights moved", (long long)cache.Creations());
  check.Expect(other[0].bytes != first[0].bytes, "SwinBlock: new weights gave the old result");

  // x of no float type is named; a failing create leaves the cache without a handle
  std::vector<Buffer> odd = in;
  odd[sb::kX].type = static_cast<swb_dtype>(7);
  ops::SwinBlockCache fresh;
  Launch(Op::SwinBlock, a, odd, {SWB_F32}, fresh, SWB_ERR_ARGUMENT);
  check.Expect(std::string(msg) == "SwinBlock: x must be float32 or float16", "dtype message: %s", msg);
  Attrs zero_scale = a;
  zero_scale.scale = 0.0f;
  Launch(Op::SwinBlock, zero_scale, in, {SWB_F32}, fresh, SWB_ERR_ARGUMENT);
  check.Expect(fresh.Creations() == 0, "SwinBlock: a failed create counted as a handle");
}

// The op table as the library reports it, and the CUDA stubs of a build without CUDA kernels.
void TestTable() {
  std::string tokens;
  for (Op op : contract::kOps) tokens += std::string(tokens.empty() ? "" : " ") + contract::OpToken(op);
  check.Expect(tokens == swb_ops(), "swb_ops() '%s', the table '%s'", swb_ops(), tokens.c_str());

  if (std::string(swb_build_info()).find("cuda kernels: none") == std::string::npos) return;
  const swb_window_geometry g{1, 8, 8, 1, 8, 0, 0};
  float mask = 0;
  check.Status(swb_window_mask_cuda(&g, SWB_F32, &mask, nullptr, msg, sizeof msg), SWB_ERR_NO_CUDA, msg,
               "window_mask stub");
  check.Expect(std::string(msg).rfind("window_mask: this build of swinbench_plugins has no CUDA kernel", 0) == 0,
               "stub message: %s", msg);
  auto* handle = reinterpret_cast<swb_swin_block*>(&mask);
  swb_swin_block_desc d{};
  check.Status(swb_swin_block_create_cuda(&d, nullptr, nullptr, &handle, msg, sizeof msg), SWB_ERR_NO_CUDA, msg,
               "swin_block stub");
  check.Expect(handle == nullptr, "the swin_block stub left the handle set");
}

}  // namespace

int main() {
  TestWindowOps();
  TestRowOps();
  TestSwinBlock();
  TestTable();
  return check.Done();
}
