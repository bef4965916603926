// Building blocks shared by the network families.
#pragma once
#include <torch/torch.h>

#include <vector>

namespace sz {

// conv3x3 - BN - ReLU - conv3x3 - BN, plus the input (strided 3x3 conv when down-sampling), ReLU.
struct ResidualBlockImpl : torch::nn::Module {
  ResidualBlockImpl(int64_t in_channels, int64_t out_channels, int64_t stride);
  torch::Tensor forward(const torch::Tensor& x);

  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, shortcut{nullptr};
  torch::nn::BatchNorm2d bn1{nullptr}, bn2{nullptr};
};
TORCH_MODULE(ResidualBlock);

// Linear layers with BN + ReLU between them; the last layer optionally starts at zero so a
// fresh head predicts uniform categorical outputs.
struct MlpImpl : torch::nn::Module {
  MlpImpl(int64_t in, const std::vector<int64_t>& hidden, int64_t out, bool zero_last);
  torch::Tensor forward(torch::Tensor x);

  torch::nn::Sequential layers{nullptr};
};
TORCH_MODULE(Mlp);

// Runs the residual blocks of a stack in order.
torch::Tensor run_blocks(torch::nn::ModuleList& blocks, torch::Tensor x);

// Scales each latent into [0, 1] per sample (EfficientZero's state normalisation), which keeps
// the dynamics unroll from drifting in scale.
torch::Tensor min_max_normalise(const torch::Tensor& latent);

}  // namespace sz
