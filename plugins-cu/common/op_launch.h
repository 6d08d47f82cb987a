// One launch function per swinbench op, shared by the ONNX Runtime ops (ort/) and the TensorRT plugins (tensorrt/).
// An adapter only translates: it reads the attributes (contract::ReadAttrs), checks the input dims
// (contract::CheckInputDims), sizes the outputs (contract::OutputDims), and hands the node's tensors to Launch, which
// calls the op's entry point of the C ABI (swb_<op>_cpu on host memory, swb_<op>_cuda on device memory and a stream).
// SwinBlock keeps a swb_swin_block handle from run to run in the node's SwinBlockCache.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "op_contracts.h"
#include "swinbench_plugins.h"

namespace swinbench::ops {

enum class Device { Cpu, Cuda };

// One run of a node: its tensors as the kernels take them.
struct Node {
  std::vector<std::vector<int64_t>> dims;  // of each input present, checked with contract::CheckInputDims
  std::vector<const void*> inputs;         // their data
  std::vector<swb_dtype> types;            // their element types
  std::vector<void*> outputs;              // each output, sized by contract::OutputDims
};

// What must happen around each run of a node's Swin block handle on the device (ONNX Runtime's CUDA ops: make the run
// wait for the previous one, which may have been on another stream). Each returns an swb_status.
class RunOrder {
 public:
  virtual ~RunOrder() = default;
  virtual int Before(void* stream, char* msg, size_t size) = 0;
  virtual int After(void* stream, char* msg, size_t size) = 0;
};

// The swb_swin_block handle of one SwinBlock node: made at its first run from the weight inputs (an adapter's
// constants, so the same buffers every run), kept while the weights stay where they were (contract::SwinBlockKey: their
// data pointers, the dtype, C and hidden), made again when they move, destroyed with the cache. Runs are serialized
// (the handle's work buffers are shared); order, when given, is applied around each.
class SwinBlockCache {
 public:
  explicit SwinBlockCache(std::unique_ptr<RunOrder> order = nullptr);
  ~SwinBlockCache();
  SwinBlockCache(const SwinBlockCache&) = delete;
  SwinBlockCache& operator=(const SwinBlockCache&) = delete;

  int Run(Device device, const contract::Attrs& attrs, const Node& node, void* stream, char* msg, size_t size);

  // Handles made so far (a new one each time the weights move).
  int64_t Creations() const;

 private:
  mutable std::mutex mutex_;
  std::unique_ptr<RunOrder> order_;
  swb_swin_block* handle_ = nullptr;
  contract::SwinBlockKey key_;
  int64_t creations_ = 0;
};

// Runs op on the node's tensors: attrs from contract::ReadAttrs, stream a cudaStream_t on Cuda (ignored on Cpu), cache
// the node's own (used by SwinBlock). Returns the entry point's swb_status, its message in msg.
int Launch(contract::Op op, const contract::Attrs& attrs, const Node& node, Device device, void* stream,
           SwinBlockCache& cache, char* msg, size_t size);

}  // namespace swinbench::ops
