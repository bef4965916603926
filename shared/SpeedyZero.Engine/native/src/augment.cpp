// Image augmentation for training (ALGORITHM.md section 2): random shift (replicate-pad, then a
// random crop back to size, per sample) and intensity jitter, drawn from the model's generator.
#include "model.h"

namespace sz {

torch::Tensor Model::augment(const torch::Tensor& observations) {
  namespace F = torch::nn::functional;
  const auto n = observations.size(0);
  const auto c = config_.obs_shape[0], h = config_.obs_shape[1], w = config_.obs_shape[2];
  auto x = observations.view({n, c, h, w});
  const auto pad = config_.augment_shift;
  const auto cpu_long = torch::TensorOptions().dtype(torch::kLong);
  if (pad > 0) {
    const auto padded = F::pad(x, F::PadFuncOptions({pad, pad, pad, pad}).mode(torch::kReplicate));
    const auto hp = h + 2 * pad, wp = w + 2 * pad;
    const auto dy = torch::randint(0, 2 * pad + 1, {n, 1, 1}, generator_, cpu_long);
    const auto dx = torch::randint(0, 2 * pad + 1, {n, 1, 1}, generator_, cpu_long);
    const auto rows = dy + torch::arange(h, cpu_long).view({1, h, 1});
    const auto cols = dx + torch::arange(w, cpu_long).view({1, 1, w});
    // One gather over the flattened padded planes picks every sample's own crop.
    const auto index = (rows * wp + cols).view({n, 1, h * w}).expand({n, c, h * w}).to(x.device());
    x = padded.reshape({n, c, hp * wp}).gather(2, index).view({n, c, h, w});
  }
  if (config_.augment_intensity > 0) {
    const auto noise = torch::randn({n, 1, 1, 1}, generator_, torch::TensorOptions().dtype(torch::kFloat32)).clamp(-2, 2);
    x = x * (1 + config_.augment_intensity * noise.to(x.device()));
  }
  return x.reshape({n, c * h * w});
}

}  // namespace sz
