// Categorical scalars: the h-transform, two-hot targets over [-S, S], and the expectation
// decode back to a scalar (ALGORITHM.md section 1).
#pragma once
#include <torch/torch.h>

namespace sz {

// h(x) = sign(x)(sqrt(|x| + 1) - 1) + eps x, eps = 0.001.
torch::Tensor h_transform(const torch::Tensor& x);
// Closed-form inverse of h.
torch::Tensor h_inverse(const torch::Tensor& y);
// Scalars [N] (untransformed) -> two-hot probabilities [N, 2S+1] of h(x) (of x when transform is
// false), clamped to the support.
torch::Tensor two_hot(const torch::Tensor& scalars, int64_t support, bool transform = true);
// Probabilities [N, 2S+1] -> scalars [N]: expectation over the support, then h^-1 (when transform).
torch::Tensor decode_probabilities(const torch::Tensor& probabilities, int64_t support, bool transform = true);
// Logits [N, 2S+1] -> scalars [N].
torch::Tensor decode_logits(const torch::Tensor& logits, int64_t support, bool transform = true);

}  // namespace sz
