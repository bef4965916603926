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
  // The values are the same for any memory layout. With a gradient, min/max over the flattened
  // latent (which route the gradient to one arg-min / arg-max, as always); without one, amin/amax,
  // which read a channels-last latent in place instead of copying it to NCHW first.
  torch::Tensor low, high;
  if (latent.requires_grad()) {
    const auto flat = latent.flatten(1);
    low = std::get<0>(flat.min(1, true));
    high = std::get<0>(flat.max(1, true));
  } else {
    std::vector<int64_t> dims;
    for (int64_t d = 1; d < latent.dim(); d++) dims.push_back(d);
    low = latent.amin(dims, true).flatten(1);
    high = latent.amax(dims, true).flatten(1);
  }
  auto scale = high - low;
  scale = scale + (scale < 1e-5).to(scale.dtype()) * 1e-5;
  std::vector<int64_t> stat_shape(latent.dim(), 1);
  stat_shape[0] = latent.size(0);
  return (latent - low.view(stat_shape)) / scale.view(stat_shape);
}

// ---- Folded inference ----

namespace {
bool channels_last_flag = true;

// BN (eval) as scale / shift in double; an undefined bn is the identity.
std::pair<torch::Tensor, torch::Tensor> bn_scale_shift(const torch::nn::BatchNorm2d& bn2, const torch::nn::BatchNorm1d& bn1,
                                                       int64_t channels, const torch::TensorOptions& like) {
  const auto dbl = like.dtype(torch::kFloat64);
  torch::Tensor mean, var, gamma, beta;
  double eps;
  if (bn2) {
    mean = bn2->running_mean; var = bn2->running_var; gamma = bn2->weight; beta = bn2->bias; eps = bn2->options.eps();
  } else if (bn1) {
    mean = bn1->running_mean; var = bn1->running_var; gamma = bn1->weight; beta = bn1->bias; eps = bn1->options.eps();
  } else {
    return {torch::ones({channels}, dbl), torch::zeros({channels}, dbl)};
  }
  const auto g = gamma.defined() ? gamma.to(torch::kFloat64) : torch::ones({channels}, dbl);
  const auto b = beta.defined() ? beta.to(torch::kFloat64) : torch::zeros({channels}, dbl);
  const auto scale = g / torch::sqrt(var.to(torch::kFloat64) + eps);
  return {scale, b - mean.to(torch::kFloat64) * scale};
}
}  // namespace

namespace {
int64_t mkldnn_min_batch = 64;
}  // namespace

int64_t mkldnn_inference_min_batch() { return mkldnn_min_batch; }
void set_mkldnn_inference_min_batch(int64_t batch) { mkldnn_min_batch = batch; }

torch::Tensor to_inference_layout(const torch::Tensor& x) {
  if (mkldnn_min_batch >= 0 && x.size(0) >= mkldnn_min_batch && x.device().is_cpu() && x.scalar_type() == torch::kFloat32 &&
      at::hasMKLDNN()) {
    return x.to_mkldnn();
  }
  return to_conv_layout(x);
}

torch::Tensor dense(const torch::Tensor& x) { return x.is_mkldnn() ? x.to_dense() : x; }

bool channels_last_enabled() { return channels_last_flag; }
void set_channels_last_enabled(bool enabled) { channels_last_flag = enabled; }

torch::Tensor to_conv_layout(const torch::Tensor& x) {
  return channels_last_flag && x.dim() == 4 ? x.contiguous(torch::MemoryFormat::ChannelsLast) : x;
}

torch::Tensor FusedConv::operator()(const torch::Tensor& x) const {
  if (x.is_mkldnn()) return at::mkldnn_convolution(x, mkldnn_weight, bias, padding, stride, {1, 1}, 1);
  return torch::conv2d(x, weight, bias, stride, padding);
}

FusedConv fuse(const torch::nn::Conv2d& conv, const torch::nn::BatchNorm2d& bn) {
  torch::NoGradGuard no_grad;
  const auto& o = conv->options;
  const auto* padding = c10::get_if<torch::ExpandingArray<2>>(&o.padding());
  if (padding == nullptr || o.groups() != 1 || (*o.dilation())[0] != 1 || (*o.dilation())[1] != 1 ||
      !c10::holds_alternative<torch::enumtype::kZeros>(o.padding_mode())) {
    throw std::logic_error("fuse: unsupported conv options");
  }
  const auto w = conv->weight;
  const auto out = w.size(0);
  auto [scale, shift] = bn_scale_shift(bn, nullptr, out, w.options());
  const auto bias = conv->bias.defined() ? conv->bias.to(torch::kFloat64) * scale + shift : shift;
  FusedConv f;
  f.weight = (w.to(torch::kFloat64) * scale.view({out, 1, 1, 1})).to(w.dtype());
  if (channels_last_flag) f.weight = f.weight.contiguous(torch::MemoryFormat::ChannelsLast);
  f.bias = bias.to(w.dtype());
  f.stride = {(*o.stride())[0], (*o.stride())[1]};
  f.padding = {(*padding)->at(0), (*padding)->at(1)};
  if (at::hasMKLDNN() && w.device().is_cpu() && w.scalar_type() == torch::kFloat32) {
    f.mkldnn_weight = at::mkldnn_reorder_conv2d_weight(f.weight.contiguous().to_mkldnn(), f.padding, f.stride, {1, 1}, 1);
  }
  return f;
}

torch::Tensor FusedLinear::operator()(const torch::Tensor& x) const { return torch::linear(x, weight, bias); }

FusedLinear fuse(const torch::nn::Linear& linear, const torch::nn::BatchNorm1d& bn) {
  torch::NoGradGuard no_grad;
  const auto w = linear->weight;
  const auto out = w.size(0);
  auto [scale, shift] = bn_scale_shift(nullptr, bn, out, w.options());
  const auto bias = linear->bias.defined() ? linear->bias.to(torch::kFloat64) * scale + shift : shift;
  return {(w.to(torch::kFloat64) * scale.view({out, 1})).to(w.dtype()).contiguous(), bias.to(w.dtype())};
}

FusedAffine fuse(const torch::nn::BatchNorm1d& bn) {
  torch::NoGradGuard no_grad;
  const auto n = bn->running_mean.size(0);
  auto [scale, shift] = bn_scale_shift(nullptr, bn, n, bn->running_mean.options());
  return {scale.to(bn->running_mean.dtype()), shift.to(bn->running_mean.dtype())};
}

torch::Tensor FusedResidualBlock::operator()(const torch::Tensor& x) const {
  auto out = conv1(x).relu_();
  out = conv2(out);
  if (shortcut.weight.defined()) out.add_(shortcut(x));
  else out.add_(x);
  return out.relu_();
}

FusedResidualBlock fuse(ResidualBlockImpl& block) {
  FusedResidualBlock f{fuse(block.conv1, block.bn1), fuse(block.conv2, block.bn2), {}};
  if (block.shortcut) f.shortcut = fuse(block.shortcut, nullptr);
  return f;
}

std::vector<FusedResidualBlock> fuse(nn::ModuleList& blocks) {
  std::vector<FusedResidualBlock> out;
  for (const auto& block : *blocks) out.push_back(fuse(*block->as<ResidualBlock>()));
  return out;
}

torch::Tensor run_blocks(const std::vector<FusedResidualBlock>& blocks, torch::Tensor x) {
  for (const auto& block : blocks) x = block(x);
  return x;
}

torch::Tensor FusedSequential::operator()(torch::Tensor x) const {
  for (const auto& step : steps) x = step(x);
  return x;
}

FusedSequential fuse(nn::Sequential& sequential) {
  FusedSequential f;
  std::vector<nn::AnyModule> modules(sequential->begin(), sequential->end());
  bool fresh = false;  // the last step's output is a tensor of its own (safe to ReLU in place)
  for (size_t i = 0; i < modules.size(); i++) {
    const auto module = modules[i].ptr();
    const auto next = i + 1 < modules.size() ? modules[i + 1].ptr() : nullptr;
    if (auto conv = std::dynamic_pointer_cast<nn::Conv2dImpl>(module)) {
      auto bn = std::dynamic_pointer_cast<nn::BatchNorm2dImpl>(next);
      if (bn) i++;
      auto c = fuse(nn::Conv2d(conv), bn ? nn::BatchNorm2d(bn) : nn::BatchNorm2d(nullptr));
      f.steps.push_back([c](const torch::Tensor& x) { return c(x); });
      fresh = true;
    } else if (auto linear = std::dynamic_pointer_cast<nn::LinearImpl>(module)) {
      auto bn = std::dynamic_pointer_cast<nn::BatchNorm1dImpl>(next);
      if (bn) i++;
      auto l = fuse(nn::Linear(linear), bn ? nn::BatchNorm1d(bn) : nn::BatchNorm1d(nullptr));
      f.steps.push_back([l](const torch::Tensor& x) { return l(x); });
      fresh = true;
    } else if (std::dynamic_pointer_cast<nn::FunctionalImpl>(module)) {
      if (fresh) f.steps.push_back([](const torch::Tensor& x) { return x.relu_(); });
      else f.steps.push_back([](const torch::Tensor& x) { return torch::relu(x); });
      fresh = true;
    } else if (auto block = std::dynamic_pointer_cast<ResidualBlockImpl>(module)) {
      auto b = fuse(*block);
      f.steps.push_back([b](const torch::Tensor& x) { return b(x); });
      fresh = true;
    } else if (std::dynamic_pointer_cast<nn::BatchNorm2dImpl>(module) || std::dynamic_pointer_cast<nn::BatchNorm1dImpl>(module)) {
      throw std::logic_error("fuse: a batch norm that does not follow a conv or linear layer");
    } else {
      auto any = modules[i];
      f.steps.push_back([any](const torch::Tensor& x) mutable { return any.forward(x); });
      fresh = true;
    }
  }
  return f;
}

}  // namespace sz
