// SwinBlockCache (op_launch.h): a SwinBlock node's swb_swin_block handle, made and kept by the weights' key.
#include "op_launch.h"
#include "status.h"

namespace swinbench::ops {

SwinBlockCache::SwinBlockCache(std::unique_ptr<RunOrder> order) : order_(std::move(order)) {}

SwinBlockCache::~SwinBlockCache() { swb_swin_block_destroy(handle_); }  // waits for the handle's queued work

int64_t SwinBlockCache::Creations() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return creations_;
}

int SwinBlockCache::Run(Device device, const contract::Attrs& attrs, const Node& node, void* stream, char* msg,
                        size_t size) {
  using namespace contract::swin_block;
  const swb_dtype dtype = node.types[kX];
  if (!swb::IsFloatType(dtype)) return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "SwinBlock: x must be float32 or float16");
  const void* const* data = node.inputs.data();
  const swb_swin_block_desc desc = contract::SwinBlockDesc(attrs, node.dims, dtype);
  const contract::SwinBlockKey key = contract::MakeSwinBlockKey(desc, data);
  const bool cuda = device == Device::Cuda;
  std::lock_guard<std::mutex> lock(mutex_);
  if (handle_ == nullptr || key != key_) {  // the first run, or the weights moved: a new handle
    swb_swin_block_destroy(handle_);        // waits for the old handle's queued work
    handle_ = nullptr;
    const swb_swin_block_weights weights = contract::SwinBlockWeights(attrs, data);
    const int status = cuda ? swb_swin_block_create_cuda(&desc, &weights, stream, &handle_, msg, size)
                            : swb_swin_block_create_cpu(&desc, &weights, &handle_, msg, size);
    if (status != SWB_OK) return status;
    key_ = key;
    ++creations_;
  }
  if (order_ != nullptr)
    if (int status = order_->Before(stream, msg, size); status != SWB_OK) return status;
  const std::vector<int64_t>& image = node.dims[kImage];
  const int status = swb_swin_block_run(handle_, node.dims[kX][0], image[2], image[3], node.inputs[kX],
                                        node.outputs[0], cuda ? stream : nullptr, msg, size);
  if (status != SWB_OK || order_ == nullptr) return status;
  return order_->After(stream, msg, size);
}

}  // namespace swinbench::ops
