#include "layers.h"

namespace sz {

namespace nn = torch::nn;

ResidualBlockImpl::ResidualBlockImpl(int64_t in_channels, int64_t out_channels, int64_t stride) {
  conv1 = register_module("conv1", nn::Conv2d(nn::Conv2dOptions(in_channels, out_channels, 3).stride(stride).padding(1).bias(false)));
  bn1 = register_module("bn1", nn::BatchNorm2d(out_channels));
  conv2 = register_module("conv2", nn::Conv2d(nn::Conv2dOptions(out_channels, out_channels, 3).padding(1).bias(false)));
  bn2 = register_module("bn2", nn::BatchNorm2d(out_channels));
  if (stride != 1 || in_channels != out_channels) {
    shortcut = register_module("shortcut", nn::Conv2d(nn::Conv2dOptions(in_channels, out_channels, 3).stride(stride).padding(1).bias(false)));
  }
}

torch::Tensor ResidualBlockImpl::forward(const torch::Tensor& x) {
  auto out = torch::relu(bn1(conv1(x)));
  out = bn2(conv2(out));
  out += shortcut ? shortcut(x) : x;
  return torch::relu(out);
}

MlpImpl::MlpImpl(int64_t in, const std::vector<int64_t>& hidden, int64_t out, bool zero_last) {
  layers = register_module("layers", nn::Sequential());
  int64_t width = in;
  for (auto h : hidden) {
    layers->push_back(nn::Linear(width, h));
    layers->push_back(nn::BatchNorm1d(h));
    layers->push_back(nn::Functional(torch::relu));
    width = h;
  }
  auto last = nn::Linear(width, out);
  if (zero_last) {
    torch::NoGradGuard no_grad;
    last->weight.zero_();
    last->bias.zero_();
  }
  layers->push_back(last);
}

torch::Tensor MlpImpl::forward(torch::Tensor x) { return layers->forward(x); }

torch::Tensor run_blocks(nn::ModuleList& blocks, torch::Tensor x) {
  for (const auto& block : *blocks) x = block->as<ResidualBlock>()->forward(x);
  return x;
}

torch::Tensor min_max_normalise(const torch::Tensor& latent) {
  const auto flat = latent.flatten(1);
  const auto low = std::get<0>(flat.min(1, true));
  const auto high = std::get<0>(flat.max(1, true));
  auto scale = high - low;
  scale = scale + (scale < 1e-5).to(scale.dtype()) * 1e-5;
  return ((flat - low) / scale).view(latent.sizes());
}

}  // namespace sz
