// C ABI over the categorical-scalar helpers and a single Clipped LARS step, so tests can check
// the exact functions training uses.
#include "errors.h"
#include "optimizer.h"
#include "support.h"

namespace {

torch::Tensor view(const float* data, int64_t count) {
  return torch::from_blob(const_cast<float*>(data), {count}, torch::kFloat32);
}

void require_buffers(bool ok) {
  if (!ok) throw sz::invalid_argument("null buffer");
}

}  // namespace

extern "C" SZ_EXPORT int32_t sz_h_transform(const float* x, float* out, int64_t count, int32_t inverse) {
  return sz::guarded([&] {
    require_buffers(x != nullptr && out != nullptr);
    if (count < 0) throw sz::invalid_argument("count must be >= 0");
    torch::NoGradGuard no_grad;
    const auto in = view(x, count);
    view(out, count).copy_(inverse != 0 ? sz::h_inverse(in) : sz::h_transform(in));
  });
}

extern "C" SZ_EXPORT int32_t sz_two_hot(const float* scalars, int64_t count, int32_t support, float* out,
                                        int64_t out_length) {
  return sz::guarded([&] {
    require_buffers(scalars != nullptr && out != nullptr);
    if (count < 0 || support <= 0) throw sz::invalid_argument("count must be >= 0 and support positive");
    sz::check_length("two-hot output", out_length, count * (2 * support + 1));
    torch::NoGradGuard no_grad;
    view(out, out_length).copy_(sz::two_hot(view(scalars, count), support).reshape({-1}));
  });
}

extern "C" SZ_EXPORT int32_t sz_decode_expectation(const float* probabilities, int64_t probabilities_length,
                                                   int64_t count, int32_t support, float* out) {
  return sz::guarded([&] {
    require_buffers(probabilities != nullptr && out != nullptr);
    if (count < 0 || support <= 0) throw sz::invalid_argument("count must be >= 0 and support positive");
    sz::check_length("probabilities", probabilities_length, count * (2 * support + 1));
    torch::NoGradGuard no_grad;
    const auto p = view(probabilities, probabilities_length).view({count, 2 * support + 1});
    view(out, count).copy_(sz::decode_probabilities(p, support));
  });
}

extern "C" SZ_EXPORT int32_t sz_lars_step(float* weight, const float* grad, float* momentum, int64_t count,
                                          int32_t dims, const sz_lars_options* options, double* trust) {
  return sz::guarded([&] {
    require_buffers(weight != nullptr && grad != nullptr && momentum != nullptr && options != nullptr && trust != nullptr);
    if (count <= 0 || dims < 1 || dims > 2) throw sz::invalid_argument("count must be positive and dims 1 or 2");
    // Rank 2 is represented as one row; only the rank and the norms matter to the update.
    const std::vector<int64_t> shape = dims == 1 ? std::vector<int64_t>{count} : std::vector<int64_t>{1, count};
    auto w = torch::from_blob(weight, shape, torch::kFloat32);
    auto m = torch::from_blob(momentum, shape, torch::kFloat32);
    const auto g = torch::from_blob(const_cast<float*>(grad), shape, torch::kFloat32);
    *trust = sz::lars_update(w, g, m, *options);
  });
}
