#include "layers.h"

#include <ATen/Parallel.h>
#include <ATen/autocast_mode.h>

#ifdef SZ_HAVE_ONEDNN
#include <oneapi/dnnl/dnnl.h>
#endif

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
  const auto out = batch_norm_relu(*bn1, conv1(x));
  return batch_norm_relu(*bn2, conv2(out), shortcut ? shortcut(x) : x);
}

MlpImpl::MlpImpl(int64_t in, const std::vector<int64_t>& hidden, int64_t out, bool zero_last, bool batch_norm) {
  layers = register_module("layers", nn::Sequential());
  int64_t width = in;
  for (auto h : hidden) {
    layers->push_back(Linear(width, h));
    if (batch_norm) layers->push_back(nn::BatchNorm1d(h));
    layers->push_back(nn::Functional(torch::relu));
    width = h;
  }
  auto last = Linear(width, out);
  if (zero_last) {
    torch::NoGradGuard no_grad;
    last->weight.zero_();
    last->bias.zero_();
  }
  layers->push_back(last);
}

torch::Tensor MlpImpl::forward(torch::Tensor x) { return run_sequential(layers, x); }

#ifdef SZ_HAVE_ONEDNN
namespace {

// Row-major c [m, n] = op(a) op(b), op transposing where asked; a and b contiguous float32.
// c must be contiguous [m, n]; accumulate adds to what c holds.
void gemm(bool transpose_a, bool transpose_b, const torch::Tensor& a, const torch::Tensor& b, torch::Tensor& c,
          bool accumulate) {
  const int64_t m = c.size(0), n = c.size(1), k = transpose_a ? a.size(0) : a.size(1);
  const auto status = dnnl_sgemm(transpose_a ? 'T' : 'N', transpose_b ? 'T' : 'N', m, n, k, 1.0f, a.data_ptr<float>(),
                                 a.size(1), b.data_ptr<float>(), b.size(1), accumulate ? 1.0f : 0.0f,
                                 c.data_ptr<float>(), n);
  if (status != dnnl_success) throw std::runtime_error("oneDNN gemm failed with status " + std::to_string(status));
}

struct GemmLinear : torch::autograd::Function<GemmLinear> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x_in,
                               const torch::Tensor& weight_in, const torch::Tensor& bias) {
    const auto x = x_in.contiguous(), weight = weight_in.contiguous();
    ctx->save_for_backward({x, weight});
    // A fresh buffer: expand().contiguous() of one row would alias the bias itself.
    auto out = torch::empty({x.size(0), weight.size(0)}, x.options());
    out.copy_(bias.expand_as(out));
    gemm(false, true, x, weight, out, /*accumulate=*/true);
    return out;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const auto& x = saved[0];
    const auto& weight = saved[1];
    const auto g = grads[0].contiguous();
    torch::Tensor dx, dweight, dbias;
    if (ctx->needs_input_grad(0)) {
      dx = torch::empty_like(x);
      gemm(false, false, g, weight, dx, false);
    }
    if (ctx->needs_input_grad(1)) {
      dweight = torch::empty_like(weight);
      gemm(true, false, g, x, dweight, false);
    }
    if (ctx->needs_input_grad(2)) dbias = g.sum(0);
    return {dx, dweight, dbias};
  }
};

}  // namespace
#endif

torch::Tensor linear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
#ifdef SZ_HAVE_ONEDNN
  if (x.dim() == 2 && bias.defined() && x.device().is_cpu() && x.scalar_type() == torch::kFloat32 &&
      weight.scalar_type() == torch::kFloat32 && bias.scalar_type() == torch::kFloat32 && !at::autocast::is_cpu_enabled()) {
    return GemmLinear::apply(x, weight, bias);
  }
#endif
  return torch::linear(x, weight, bias);
}

torch::Tensor run_blocks(nn::ModuleList& blocks, torch::Tensor x) {
  for (const auto& block : *blocks) x = block->as<ResidualBlock>()->forward(x);
  return x;
}

namespace {

// The memory offset of the first element equal to `value` in logical (NCHW) order: the one that
// min / max over the flattened tensor pick among ties (a ReLU latent has many zeros). A
// channels-last sample stores element (c, p) at p * channels + c; channels 1: memory order.
int64_t first_equal(const float* x, int64_t n, int64_t channels, float value) {
  const int64_t plane = n / channels;
  for (int64_t c = 0; c < channels; c++) {
    for (int64_t p = 0; p < plane; p++) {
      if (x[p * channels + c] == value) return p * channels + c;
    }
  }
  return 0;
}

// Per sample (each one dense run of n values), one pass for min / max and one to scale, samples
// spread over the intra-op threads (the tensor-op version makes five passes). With low_at
// (training) also the offsets of the extremes and the divisor, for the backward pass; channels:
// the channel count of a channels-last sample, else 1.
void min_max_rows(const float* src, float* dst, int64_t batch, int64_t n, int64_t channels = 1,
                  int64_t* low_at = nullptr, int64_t* high_at = nullptr, float* scales = nullptr) {
  at::parallel_for(0, batch, 8, [&](int64_t begin, int64_t end) {
    constexpr int64_t kLanes = 8;
    for (int64_t i = begin; i < end; i++) {
      const float* x = src + i * n;
      float* y = dst + i * n;
      float lo[kLanes], hi[kLanes];
      for (int64_t l = 0; l < kLanes; l++) lo[l] = hi[l] = x[0];
      int64_t j = 0;
      for (; j + kLanes <= n; j += kLanes) {
        for (int64_t l = 0; l < kLanes; l++) {
          lo[l] = std::min(lo[l], x[j + l]);
          hi[l] = std::max(hi[l], x[j + l]);
        }
      }
      for (; j < n; j++) {
        lo[0] = std::min(lo[0], x[j]);
        hi[0] = std::max(hi[0], x[j]);
      }
      float low = lo[0], high = hi[0];
      for (int64_t l = 1; l < kLanes; l++) {
        low = std::min(low, lo[l]);
        high = std::max(high, hi[l]);
      }
      float scale = high - low;
      if (scale < 1e-5f) scale += 1e-5f;
      if (low_at != nullptr) {  // before y is written: src may equal dst
        low_at[i] = first_equal(x, n, channels, low);
        high_at[i] = first_equal(x, n, channels, high);
        scales[i] = scale;
      }
      for (j = 0; j < n; j++) y[j] = (x[j] - low) / scale;
    }
  });
}

// y = (x - low) / s with s = high - low: dx = g / s, plus at the arg-min (sum g y - sum g) / s
// and at the arg-max -(sum g y) / s, as autograd routes them through min and max.
void min_max_backward_rows(const float* grad, const float* out, float* dx, int64_t batch, int64_t n,
                           const int64_t* low_at, const int64_t* high_at, const float* scales) {
  at::parallel_for(0, batch, 8, [&](int64_t begin, int64_t end) {
    constexpr int64_t kLanes = 8;
    for (int64_t i = begin; i < end; i++) {
      const float* g = grad + i * n;
      const float* y = out + i * n;
      float* d = dx + i * n;
      const float scale = scales[i];
      double sum_g[kLanes] = {}, sum_gy[kLanes] = {};  // double: at least as accurate as autograd's sums
      int64_t j = 0;
      for (; j + kLanes <= n; j += kLanes) {
        for (int64_t l = 0; l < kLanes; l++) {
          sum_g[l] += g[j + l];
          sum_gy[l] += static_cast<double>(g[j + l]) * y[j + l];
          d[j + l] = g[j + l] / scale;
        }
      }
      for (; j < n; j++) {
        sum_g[0] += g[j];
        sum_gy[0] += static_cast<double>(g[j]) * y[j];
        d[j] = g[j] / scale;
      }
      double total_g = 0, total_gy = 0;
      for (int64_t l = 0; l < kLanes; l++) {
        total_g += sum_g[l];
        total_gy += sum_gy[l];
      }
      d[low_at[i]] += static_cast<float>((total_gy - total_g) / scale);
      d[high_at[i]] -= static_cast<float>(total_gy / scale);
    }
  });
}

// Training's form: two passes forward and two backward, where tensor ops under autograd make
// about ten (a flattening copy, min and max with indices, subtract, divide, and their gradients,
// two scatters into zeros among them).
struct MinMaxNormalise : torch::autograd::Function<MinMaxNormalise> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x) {
    const int64_t batch = x.size(0), n = x.numel() / batch;
    auto y = torch::empty_like(x);  // the same strides: each sample the same dense run
    auto low_at = torch::empty({batch}, torch::kLong), high_at = torch::empty({batch}, torch::kLong);
    auto scales = torch::empty({batch}, torch::kFloat32);
    min_max_rows(x.data_ptr<float>(), y.data_ptr<float>(), batch, n, x.is_contiguous() ? 1 : x.size(1),
                 low_at.data_ptr<int64_t>(), high_at.data_ptr<int64_t>(), scales.data_ptr<float>());
    ctx->save_for_backward({y, low_at, high_at, scales});
    return y;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const auto& y = saved[0];
    const auto g = with_strides_of(grads[0], y);
    auto dx = torch::empty_like(y);
    const int64_t batch = y.size(0), n = y.numel() / batch;
    min_max_backward_rows(g.data_ptr<float>(), y.data_ptr<float>(), dx.data_ptr<float>(), batch, n,
                          saved[1].data_ptr<int64_t>(), saved[2].data_ptr<int64_t>(), saved[3].data_ptr<float>());
    return {dx};
  }
};

// Whether the kernels above apply: CPU float32, every sample one dense run.
bool rows_apply(const torch::Tensor& x) {
  if (!x.device().is_cpu() || x.scalar_type() != torch::kFloat32 || x.dim() < 2 || x.size(0) == 0 || x.numel() == 0) {
    return false;
  }
  return x.is_contiguous() || in_conv_layout(x);
}

}  // namespace

void min_max_normalise_rows(const float* src, float* dst, int64_t batch, int64_t n) { min_max_rows(src, dst, batch, n); }

torch::Tensor min_max_normalise(const torch::Tensor& latent) {
  if (rows_apply(latent)) {
    if (latent.requires_grad() && torch::GradMode::is_enabled()) return MinMaxNormalise::apply(latent);
    auto out = torch::empty_like(latent);
    min_max_rows(latent.data_ptr<float>(), out.data_ptr<float>(), latent.size(0), latent.numel() / latent.size(0));
    return out;
  }
  // Elsewhere (bfloat16, CUDA): tensor ops, the same values for any memory layout. With a
  // gradient, min / max over the flattened latent (which route it to one arg-min / arg-max, as
  // the kernels above do); without one, amin / amax, which read a channels-last latent in place.
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

torch::Tensor to_inference_layout(const torch::Tensor& x) {
  if (x.size(0) >= mkldnn_inference_min_batch && x.device().is_cpu() && x.scalar_type() == torch::kFloat32 &&
      at::hasMKLDNN()) {
    return x.to_mkldnn();
  }
  return to_conv_layout(x);
}

torch::Tensor dense(const torch::Tensor& x) { return x.is_mkldnn() ? x.to_dense() : x; }

torch::Tensor to_conv_layout(const torch::Tensor& x) {
  return x.dim() == 4 ? x.contiguous(torch::MemoryFormat::ChannelsLast) : x;
}

bool in_conv_layout(const torch::Tensor& x) {
  return x.dim() == 4 && x.is_contiguous(torch::MemoryFormat::ChannelsLast);
}

torch::Tensor with_strides_of(const torch::Tensor& t, const torch::Tensor& like) {
  return t.strides() == like.strides() ? t : torch::empty_like(like).copy_(t);
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
  f.weight = f.weight.contiguous(torch::MemoryFormat::ChannelsLast);
  f.bias = bias.to(w.dtype());
  f.stride = {(*o.stride())[0], (*o.stride())[1]};
  f.padding = {(*padding)->at(0), (*padding)->at(1)};
  if (at::hasMKLDNN() && w.device().is_cpu() && w.scalar_type() == torch::kFloat32) {
    f.mkldnn_weight = at::mkldnn_reorder_conv2d_weight(f.weight.contiguous().to_mkldnn(), f.padding, f.stride, {1, 1}, 1);
    f.plans = make_onednn_conv_plans();
  }
  return f;
}

torch::Tensor FusedLinear::operator()(const torch::Tensor& x) const {
  const int64_t threads = at::get_num_threads();
  const int64_t rows = x.dim() == 2 ? x.size(0) : 0;
  const bool large = rows > 0 && rows >= mkldnn_inference_min_batch;
#ifdef SZ_HAVE_ONEDNN
  // Large batches: oneDNN's matmul (AVX-512, all intra-op threads), measured faster than
  // OpenBLAS here.
  if (plans && large && x.device().is_cpu() && x.scalar_type() == torch::kFloat32 &&
      !at::in_parallel_region()) {
    return onednn::linear(*plans, x, weight, bias);
  }
#endif
  // OpenBLAS runs one thread (docs/engine-runtime.md), so a large gemm would leave the other
  // intra-op threads idle: split its rows across them instead, one single-threaded gemm each.
  if (threads > 1 && large && rows * weight.size(0) * weight.size(1) >= (int64_t{1} << 22) &&
      x.device().is_cpu() && !at::in_parallel_region()) {
    const auto input = x.contiguous();
    const auto weight_t = weight.t();
    auto out = torch::empty({rows, weight.size(0)}, x.options());
    at::parallel_for(0, rows, (rows + threads - 1) / threads, [&](int64_t begin, int64_t end) {
      auto slice = out.narrow(0, begin, end - begin);
      at::addmm_out(slice, bias, input.narrow(0, begin, end - begin), weight_t);
    });
    return out;
  }
  return torch::linear(x, weight, bias);
}

FusedLinear fuse(const torch::nn::Linear& linear, const torch::nn::BatchNorm1d& bn) {
  torch::NoGradGuard no_grad;
  const auto w = linear->weight;
  const auto out = w.size(0);
  auto [scale, shift] = bn_scale_shift(nullptr, bn, out, w.options());
  const auto bias = linear->bias.defined() ? linear->bias.to(torch::kFloat64) * scale + shift : shift;
  return make_fused_linear((w.to(torch::kFloat64) * scale.view({out, 1})).to(w.dtype()).contiguous(), bias.to(w.dtype()));
}

FusedLinear make_fused_linear(torch::Tensor weight, torch::Tensor bias) {
  FusedLinear f{weight.contiguous(), bias.contiguous(), nullptr};
  if (f.weight.device().is_cpu() && f.weight.scalar_type() == torch::kFloat32) f.plans = make_onednn_linear_plans();
  return f;
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

#ifdef SZ_HAVE_ONEDNN
onednn::Act FusedResidualBlock::operator()(onednn::Act x) const {
  const auto out = onednn::conv(conv1, x, true);
  auto acc = shortcut.weight.defined() ? onednn::conv(shortcut, x, false) : std::move(x);
  return onednn::conv_add_relu(conv2, out, std::move(acc));
}

onednn::Act run_blocks(const std::vector<FusedResidualBlock>& blocks, onednn::Act x) {
  for (const auto& block : blocks) x = block(std::move(x));
  return x;
}

onednn::Act FusedSequential::operator()(onednn::Act x) const {
  for (const auto& step : onednn_steps) x = step(std::move(x));
  return x;
}

namespace {
// The oneDNN form of a Sequential's steps (conv + BN + ReLU as one conv); empty when a module
// has none (linear layers, other pooling, ...).
std::vector<std::function<onednn::Act(onednn::Act)>> onednn_steps(const std::vector<nn::AnyModule>& modules) {
  std::vector<std::function<onednn::Act(onednn::Act)>> steps;
  for (size_t i = 0; i < modules.size(); i++) {
    const auto module = modules[i].ptr();
    const auto at = [&](size_t j) { return j < modules.size() ? modules[j].ptr() : nullptr; };
    if (auto conv = std::dynamic_pointer_cast<nn::Conv2dImpl>(module)) {
      auto bn = std::dynamic_pointer_cast<nn::BatchNorm2dImpl>(at(i + 1));
      if (bn) i++;
      const bool relu = std::dynamic_pointer_cast<nn::FunctionalImpl>(at(i + 1)) != nullptr;
      if (relu) i++;
      auto c = fuse(nn::Conv2d(conv), bn ? nn::BatchNorm2d(bn) : nn::BatchNorm2d(nullptr));
      if (!c.plans) return {};
      steps.push_back([c, relu](onednn::Act x) { return onednn::conv(c, x, relu); });
    } else if (auto block = std::dynamic_pointer_cast<ResidualBlockImpl>(module)) {
      auto b = fuse(*block);
      if (!b.conv1.plans) return {};
      steps.push_back([b](onednn::Act x) { return b(std::move(x)); });
    } else if (auto pool = std::dynamic_pointer_cast<nn::AvgPool2dImpl>(module)) {
      const auto& o = pool->options;
      const auto k = *o.kernel_size(), s = *o.stride(), p = *o.padding();
      if (k[0] != k[1] || s[0] != s[1] || p[0] != p[1] || o.ceil_mode() || !o.count_include_pad() ||
          o.divisor_override().has_value()) {
        return {};
      }
      steps.push_back([k = k[0], s = s[0], p = p[0]](onednn::Act x) { return onednn::avg_pool(x, k, s, p); });
    } else {
      return {};
    }
  }
  return steps;
}
}  // namespace
#endif

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
#ifdef SZ_HAVE_ONEDNN
  f.onednn_steps = onednn_steps(modules);
#endif
  return f;
}

}  // namespace sz
