// A checkable computation through libtorch: proves the toolchain from C# to BLAS.
#include <torch/torch.h>

#include "errors.h"

extern "C" SZ_EXPORT int32_t sz_probe_matmul(const float* a, const float* b, float* out,
                                             int32_t m, int32_t k, int32_t n) {
  return sz::guarded([&] {
    if (a == nullptr || b == nullptr || out == nullptr) throw sz::invalid_argument("null buffer");
    if (m <= 0 || k <= 0 || n <= 0) throw sz::invalid_argument("matrix sizes must be positive");
    auto options = torch::TensorOptions().dtype(torch::kFloat32);
    auto ta = torch::from_blob(const_cast<float*>(a), {m, k}, options);
    auto tb = torch::from_blob(const_cast<float*>(b), {k, n}, options);
    auto tout = torch::from_blob(out, {m, n}, options);
    torch::matmul_out(tout, ta, tb);
  });
}
