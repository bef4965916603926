#include "support.h"

namespace sz {
namespace {
constexpr double kEps = 0.001;
}

torch::Tensor h_transform(const torch::Tensor& x) {
  return torch::sign(x) * (torch::sqrt(torch::abs(x) + 1) - 1) + kEps * x;
}

torch::Tensor h_inverse(const torch::Tensor& y) {
  // Solving h(x) = y for |x|: sqrt(|x|+1) = (sqrt(1 + 4 eps (|y| + 1 + eps)) - 1) / (2 eps).
  const auto root = (torch::sqrt(1 + 4 * kEps * (torch::abs(y) + 1 + kEps)) - 1) / (2 * kEps);
  return torch::sign(y) * (root * root - 1);
}

torch::Tensor two_hot(const torch::Tensor& scalars, int64_t support, bool transform) {
  const auto s = static_cast<double>(support);
  const auto raw = scalars.to(torch::kFloat32);
  const auto x = (transform ? h_transform(raw) : raw).clamp(-s, s);
  const auto low = x.floor();
  const auto upper_weight = x - low;
  const auto low_index = (low + s).to(torch::kLong).unsqueeze(1);
  // At the top edge the upper bin does not exist; its weight is zero there, so clamping is safe.
  const auto high_index = (low_index + 1).clamp_max(2 * support);
  auto out = torch::zeros({x.size(0), 2 * support + 1}, x.options());
  out.scatter_add_(1, low_index, (1 - upper_weight).unsqueeze(1));
  out.scatter_add_(1, high_index, upper_weight.unsqueeze(1));
  return out;
}

torch::Tensor decode_probabilities(const torch::Tensor& probabilities, int64_t support, bool transform) {
  const auto bins = torch::arange(-support, support + 1, probabilities.options());
  const auto expectation = (probabilities * bins).sum(1);
  return transform ? h_inverse(expectation) : expectation;
}

torch::Tensor decode_logits(const torch::Tensor& logits, int64_t support, bool transform) {
  return decode_probabilities(torch::softmax(logits, 1), support, transform);
}

}  // namespace sz
