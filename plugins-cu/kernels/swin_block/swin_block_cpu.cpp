// Placeholder until the CPU chain lands (helper branch swin-cpu): create fails with a message.
#include "status.h"
#include "swin_block_handle.h"

extern "C" int swb_swin_block_create_cpu(const swb_swin_block_desc*, const swb_swin_block_weights*,
                                         swb_swin_block** out, char* msg, size_t size) {
  if (out != nullptr) *out = nullptr;
  return swb::Fail(SWB_ERR_ARGUMENT, msg, size, "swin_block: the CPU chain is not built yet");
}
