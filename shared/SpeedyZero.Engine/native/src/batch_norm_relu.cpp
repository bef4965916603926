// Training's batch norm and the ReLU after it (with a residual added in between where the block
// has one) as one autograd function. Separately they make a ReLU pass forward, a residual-add
// pass, and a ReLU-backward pass over the gradient and the output; here the ReLU rides in the
// normalisation's own passes, and backward recomputes the ReLU's mask from the saved input.
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "layers.h"

namespace sz {
namespace {

// The loops run on rows of C floats (a 2-D batch, or a 4-D channels-last one: N*H*W rows) and
// are compiled for AVX-512, AVX2 and baseline x86-64, picked once at load time.
#define SZ_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

// Rows summed in float in blocks of this many, the block sums in double: accurate for any batch.
constexpr int64_t kBlock = 64;

// sum[c] += x[r, c] over rows [begin, end); with mean, (x[r, c] - mean[c])^2 instead.
SZ_CLONES void column_sums(const float* __restrict x, const float* __restrict mean, int64_t begin, int64_t end,
                           int64_t C, double* __restrict sum, float* __restrict block) {
  for (int64_t r0 = begin; r0 < end; r0 += kBlock) {
    const int64_t r1 = std::min(end, r0 + kBlock);
    for (int64_t c = 0; c < C; c++) block[c] = 0;
    for (int64_t r = r0; r < r1; r++) {
      const float* __restrict row = x + r * C;
      if (mean == nullptr) {
        for (int64_t c = 0; c < C; c++) block[c] += row[c];
      } else {
        for (int64_t c = 0; c < C; c++) {
          const float d = row[c] - mean[c];
          block[c] += d * d;
        }
      }
    }
    for (int64_t c = 0; c < C; c++) sum[c] += block[c];
  }
}

// y = max(x * a + b (+ r), 0): batch norm as a per-channel affine map, then the residual, then ReLU.
template <bool Residual>
inline void normalise_rows_of(const float* __restrict x, const float* __restrict r, const float* __restrict a,
                              const float* __restrict b, float* __restrict y, int64_t begin, int64_t end, int64_t C) {
  for (int64_t i = begin; i < end; i++) {
    const float* __restrict xr = x + i * C;
    const float* __restrict rr = Residual ? r + i * C : nullptr;
    float* __restrict yr = y + i * C;
    for (int64_t c = 0; c < C; c++) {
      const float t = Residual ? xr[c] * a[c] + b[c] + rr[c] : xr[c] * a[c] + b[c];
      yr[c] = t > 0.0f ? t : 0.0f;
    }
  }
}

SZ_CLONES void normalise_rows(const float* x, const float* r, const float* a, const float* b, float* y, int64_t begin,
                              int64_t end, int64_t C) {
  if (r == nullptr) {
    normalise_rows_of<false>(x, r, a, b, y, begin, end, C);
  } else {
    normalise_rows_of<true>(x, r, a, b, y, begin, end, C);
  }
}

// The gradient past the ReLU, gm = g where the forward output was positive (recomputed from x,
// and r, exactly as normalise_rows computed it), summed per channel, and summed times x - mean.
template <bool Residual>
inline void gradient_sums_rows(const float* __restrict g, const float* __restrict x, const float* __restrict r,
                               const float* __restrict a, const float* __restrict b, const float* __restrict mean,
                               int64_t begin, int64_t end, int64_t C, double* sum_g, double* sum_gx,
                               float* __restrict bg, float* __restrict bgx) {
  for (int64_t r0 = begin; r0 < end; r0 += kBlock) {
    const int64_t r1 = std::min(end, r0 + kBlock);
    for (int64_t c = 0; c < C; c++) bg[c] = bgx[c] = 0;
    for (int64_t i = r0; i < r1; i++) {
      const float* __restrict gr = g + i * C;
      const float* __restrict xr = x + i * C;
      const float* __restrict rr = Residual ? r + i * C : nullptr;
      for (int64_t c = 0; c < C; c++) {
        const float t = Residual ? xr[c] * a[c] + b[c] + rr[c] : xr[c] * a[c] + b[c];
        const float gv = gr[c];
        const float gm = t > 0.0f ? gv : 0.0f;
        bg[c] += gm;
        bgx[c] += gm * (xr[c] - mean[c]);
      }
    }
    for (int64_t c = 0; c < C; c++) {
      sum_g[c] += bg[c];
      sum_gx[c] += bgx[c];
    }
  }
}

SZ_CLONES void gradient_sums(const float* g, const float* x, const float* r, const float* a, const float* b,
                             const float* mean, int64_t begin, int64_t end, int64_t C, double* sum_g, double* sum_gx,
                             float* block) {
  if (r == nullptr) {
    gradient_sums_rows<false>(g, x, r, a, b, mean, begin, end, C, sum_g, sum_gx, block, block + C);
  } else {
    gradient_sums_rows<true>(g, x, r, a, b, mean, begin, end, C, sum_g, sum_gx, block, block + C);
  }
}

// dx = (gm - mean_g - (x - mean) * k) * scale, as ATen's batch norm backward computes it, and
// dr = gm where the residual needs its gradient.
template <bool Residual>
inline void input_gradient_rows(const float* __restrict g, const float* __restrict x, const float* __restrict r,
                                const float* __restrict a, const float* __restrict b, const float* __restrict mean,
                                const float* __restrict mean_g, const float* __restrict k,
                                const float* __restrict scale, float* __restrict dx, float* __restrict dr,
                                int64_t begin, int64_t end, int64_t C) {
  for (int64_t i = begin; i < end; i++) {
    const float* __restrict gr = g + i * C;
    const float* __restrict xr = x + i * C;
    const float* __restrict rr = Residual ? r + i * C : nullptr;
    float* __restrict dxr = dx + i * C;
    float* __restrict drr = Residual ? dr + i * C : nullptr;
    for (int64_t c = 0; c < C; c++) {
      const float t = Residual ? xr[c] * a[c] + b[c] + rr[c] : xr[c] * a[c] + b[c];
      const float gv = gr[c];
      const float gm = t > 0.0f ? gv : 0.0f;
      dxr[c] = (gm - mean_g[c] - (xr[c] - mean[c]) * k[c]) * scale[c];
      if (Residual) drr[c] = gm;
    }
  }
}

SZ_CLONES void input_gradient(const float* g, const float* x, const float* r, const float* a, const float* b,
                              const float* mean, const float* mean_g, const float* k, const float* scale, float* dx,
                              float* dr, int64_t begin, int64_t end, int64_t C) {
  if (r == nullptr) {
    input_gradient_rows<false>(g, x, r, a, b, mean, mean_g, k, scale, dx, dr, begin, end, C);
  } else {
    input_gradient_rows<true>(g, x, r, a, b, mean, mean_g, k, scale, dx, dr, begin, end, C);
  }
}

// Rows per task: at least 32k values, ATen's grain, so small batches stay on one thread.
int64_t grain_rows(int64_t C) { return std::max<int64_t>(1, 32768 / C); }

// Per-channel sums over all rows, each thread into its own accumulators, then added up.
template <typename Body>
std::vector<double> reduce_rows(int64_t rows, int64_t C, int64_t width, Body&& body) {
  const int64_t threads = at::get_num_threads();
  std::vector<double> partial(static_cast<size_t>(threads * width * C), 0.0);
  at::parallel_for(0, rows, grain_rows(C), [&](int64_t begin, int64_t end) {
    std::vector<float> block(static_cast<size_t>(width * C));
    body(begin, end, partial.data() + at::get_thread_num() * width * C, block.data());
  });
  std::vector<double> total(static_cast<size_t>(width * C), 0.0);
  for (int64_t t = 0; t < threads; t++) {
    for (int64_t c = 0; c < width * C; c++) total[c] += partial[t * width * C + c];
  }
  return total;
}

// The per-channel affine map of the normalisation, a = weight * invstd, b = bias - mean * a.
std::pair<torch::Tensor, torch::Tensor> affine(const torch::Tensor& weight, const torch::Tensor& bias,
                                               const torch::Tensor& mean, const torch::Tensor& invstd) {
  auto a = weight.detach() * invstd;
  auto b = bias.detach() - mean * a;
  return {a.contiguous(), b.contiguous()};
}

struct BatchNormRelu : torch::autograd::Function<BatchNormRelu> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                               const torch::Tensor& weight, const torch::Tensor& bias, const torch::Tensor& residual,
                               bool has_residual, torch::Tensor running_mean, torch::Tensor running_var, double momentum,
                               double eps) {
    const int64_t C = x.size(1), rows = x.numel() / C;
    const float* xp = x.data_ptr<float>();
    const auto sums = reduce_rows(rows, C, 1, [&](int64_t begin, int64_t end, double* acc, float* block) {
      column_sums(xp, nullptr, begin, end, C, acc, block);
    });
    auto mean = torch::empty({C}, x.options());
    for (int64_t c = 0; c < C; c++) mean.data_ptr<float>()[c] = static_cast<float>(sums[c] / rows);
    const float* mp = mean.data_ptr<float>();
    // Two passes, as ATen's: the variance about the mean, not E[x^2] - mean^2.
    const auto squares = reduce_rows(rows, C, 1, [&](int64_t begin, int64_t end, double* acc, float* block) {
      column_sums(xp, mp, begin, end, C, acc, block);
    });
    auto invstd = torch::empty({C}, x.options());
    {
      torch::NoGradGuard no_grad;
      auto* rm = running_mean.data_ptr<float>();
      auto* rv = running_var.data_ptr<float>();
      for (int64_t c = 0; c < C; c++) {
        invstd.data_ptr<float>()[c] = static_cast<float>(1.0 / std::sqrt(squares[c] / rows + eps));
        rm[c] = static_cast<float>(momentum * mp[c] + (1 - momentum) * rm[c]);
        const double unbiased = rows > 1 ? squares[c] / (rows - 1) : squares[c];
        rv[c] = static_cast<float>(momentum * unbiased + (1 - momentum) * rv[c]);
      }
    }
    const auto [a, b] = affine(weight, bias, mean, invstd);
    auto y = torch::empty_like(x);
    const float* rp = has_residual ? residual.data_ptr<float>() : nullptr;
    at::parallel_for(0, rows, grain_rows(C), [&](int64_t begin, int64_t end) {
      normalise_rows(xp, rp, a.data_ptr<float>(), b.data_ptr<float>(), y.data_ptr<float>(), begin, end, C);
    });
    ctx->saved_data["residual"] = has_residual;
    ctx->save_for_backward({x, weight, bias, residual, mean, invstd});
    return y;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const auto &x = saved[0], &weight = saved[1], &bias = saved[2], &mean = saved[4], &invstd = saved[5];
    const bool has_residual = ctx->saved_data["residual"].toBool();
    const int64_t C = x.size(1), rows = x.numel() / C;
    const auto g = with_strides_of(grads[0], x);
    const auto [a, b] = affine(weight, bias, mean, invstd);
    const float *gp = g.data_ptr<float>(), *xp = x.data_ptr<float>(), *ap = a.data_ptr<float>(),
                *bp = b.data_ptr<float>(), *mp = mean.data_ptr<float>();
    const float* rp = has_residual ? saved[3].data_ptr<float>() : nullptr;
    const auto sums = reduce_rows(rows, C, 2, [&](int64_t begin, int64_t end, double* acc, float* block) {
      gradient_sums(gp, xp, rp, ap, bp, mp, begin, end, C, acc, acc + C, block);
    });
    // ATen's batch_norm_backward: dx = (gm - sum(gm) / n - (x - mean) * sum(gm (x - mean)) invstd^2 / n) invstd w.
    auto grad_weight = torch::empty({C}, x.options()), grad_bias = torch::empty({C}, x.options());
    std::vector<float> mean_g(C), k(C), scale(C);
    for (int64_t c = 0; c < C; c++) {
      const float is = invstd.data_ptr<float>()[c];
      grad_bias.data_ptr<float>()[c] = static_cast<float>(sums[c]);
      grad_weight.data_ptr<float>()[c] = static_cast<float>(sums[C + c] * is);
      mean_g[c] = static_cast<float>(sums[c] / rows);
      k[c] = static_cast<float>(sums[C + c] * is * is / rows);
      scale[c] = is * weight.data_ptr<float>()[c];
    }
    auto dx = torch::empty_like(x);
    torch::Tensor dr = has_residual ? torch::empty_like(x) : torch::Tensor();
    at::parallel_for(0, rows, grain_rows(C), [&](int64_t begin, int64_t end) {
      input_gradient(gp, xp, rp, ap, bp, mp, mean_g.data(), k.data(), scale.data(), dx.data_ptr<float>(),
                     has_residual ? dr.data_ptr<float>() : nullptr, begin, end, C);
    });
    return {dx, grad_weight, grad_bias, dr, torch::Tensor(), torch::Tensor(), torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

// Rows of C floats: a contiguous 2-D batch or a channels-last 4-D one.
bool rows_of_channels(const torch::Tensor& x) {
  return (x.dim() == 2 && x.is_contiguous()) || in_conv_layout(x);
}

template <typename BatchNorm>
torch::Tensor batch_norm_relu_impl(BatchNorm& bn, const torch::Tensor& x, const torch::Tensor& residual) {
  const auto& o = bn.options;
  const bool kernel = bn.is_training() && o.affine() && o.track_running_stats() && x.device().is_cpu() &&
                      x.scalar_type() == torch::kFloat32 && x.size(0) > 1 && rows_of_channels(x) &&
                      (!residual.defined() || (residual.scalar_type() == torch::kFloat32 && residual.sizes() == x.sizes()));
  if (!kernel) {
    auto y = bn.forward(x);
    return torch::relu(residual.defined() ? y + residual : y);
  }
  // The module's own bookkeeping (BatchNormImplBase::forward): count the batch, pick the factor.
  double factor = o.momentum().value_or(0.0);
  {
    torch::NoGradGuard no_grad;
    bn.num_batches_tracked += 1;
    if (!o.momentum().has_value()) factor = 1.0 / bn.num_batches_tracked.template item<double>();
  }
  // libtorch 1.13's Function::apply takes no undefined tensor: without a residual, x stands in
  // for it (unread, and given no gradient).
  const auto r = residual.defined() ? with_strides_of(residual, x) : x;
  return BatchNormRelu::apply(x, bn.weight, bn.bias, r, residual.defined(), bn.running_mean, bn.running_var, factor, o.eps());
}

}  // namespace

torch::Tensor batch_norm_relu(torch::nn::BatchNorm1dImpl& bn, const torch::Tensor& x, const torch::Tensor& residual) {
  return batch_norm_relu_impl(bn, x, residual);
}

torch::Tensor batch_norm_relu(torch::nn::BatchNorm2dImpl& bn, const torch::Tensor& x, const torch::Tensor& residual) {
  return batch_norm_relu_impl(bn, x, residual);
}

torch::Tensor run_sequential(torch::nn::Sequential& sequential, torch::Tensor x) {
  const auto size = sequential->size();
  for (size_t i = 0; i < size; i++) {
    auto& module = *(sequential->begin() + static_cast<std::ptrdiff_t>(i));
    // A batch norm followed by ReLU (the only Functional this project puts in a Sequential).
    const bool relu_next = i + 1 < size && std::dynamic_pointer_cast<torch::nn::FunctionalImpl>(sequential->ptr(i + 1)) != nullptr;
    if (relu_next) {
      if (auto bn = std::dynamic_pointer_cast<torch::nn::BatchNorm1dImpl>(sequential->ptr(i))) {
        x = batch_norm_relu(*bn, x);
        i++;
        continue;
      }
      if (auto bn = std::dynamic_pointer_cast<torch::nn::BatchNorm2dImpl>(sequential->ptr(i))) {
        x = batch_norm_relu(*bn, x);
        i++;
        continue;
      }
    }
    x = module.forward(x);
  }
  return x;
}

}  // namespace sz
