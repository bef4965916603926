#include "optimizer.h"

#include <algorithm>
#include <cmath>

namespace sz {

double lars_update(torch::Tensor& param, const torch::Tensor& grad, torch::Tensor& momentum_buffer,
                   const sz_lars_options& o) {
  torch::NoGradGuard no_grad;
  double trust = 1.0;
  torch::Tensor direction;
  if (param.dim() <= 1) {
    direction = grad;
  } else {
    const double w = param.norm().item<double>();
    const double g = grad.norm().item<double>();
    // A zero weight (a zero-initialised head) or a zero gradient has no meaningful ratio.
    if (w > 0 && g > 0) trust = o.eta * w / (g + o.weight_decay * w + o.eps);
    trust = std::clamp(trust, o.trust_min, o.trust_max);
    direction = (grad + o.weight_decay * param) * trust;
  }
  momentum_buffer.mul_(o.momentum).add_(direction);
  param.add_(momentum_buffer, -o.lr);
  return trust;
}

double scheduled_lr(const Config& c, int64_t step) {
  if (c.warmup_steps > 0 && step < c.warmup_steps) {
    return c.lr * static_cast<double>(step + 1) / static_cast<double>(c.warmup_steps);
  }
  if (c.lr_decay_steps > 0) return c.lr * std::pow(c.lr_decay_rate, static_cast<double>(step / c.lr_decay_steps));
  return c.lr;
}

Optimizer::Optimizer(const Config& config, std::vector<torch::Tensor> params)
    : config_(config), params_(std::move(params)) {
  switch (config.optimizer) {
    case OptimizerKind::sgd:
      torch_optimizer_ = std::make_unique<torch::optim::SGD>(
          params_, torch::optim::SGDOptions(config.lr).momentum(config.momentum).weight_decay(config.weight_decay));
      break;
    case OptimizerKind::adam:
      torch_optimizer_ = std::make_unique<torch::optim::Adam>(
          params_, torch::optim::AdamOptions(config.lr)
                       .betas({config.adam_beta1, config.adam_beta2})
                       .eps(config.adam_eps)
                       .weight_decay(config.weight_decay));
      break;
    case OptimizerKind::lars:
      for (const auto& p : params_) lars_momentum_.push_back(torch::zeros_like(p));
      break;
  }
}

void Optimizer::step(double lr) {
  if (torch_optimizer_) {
    for (auto& group : torch_optimizer_->param_groups()) group.options().set_lr(lr);
    torch_optimizer_->step();
    return;
  }
  const sz_lars_options options{lr, config_.momentum, config_.weight_decay, config_.lars_eta,
                                config_.lars_min, config_.lars_max, config_.lars_eps};
  for (size_t i = 0; i < params_.size(); i++) {
    if (!params_[i].grad().defined()) continue;
    lars_update(params_[i], params_[i].grad(), lars_momentum_[i], options);
  }
}

void Optimizer::save(torch::serialize::OutputArchive& archive) const {
  if (torch_optimizer_) {
    torch_optimizer_->save(archive);
    return;
  }
  for (size_t i = 0; i < lars_momentum_.size(); i++) archive.write("lars_momentum_" + std::to_string(i), lars_momentum_[i]);
}

void Optimizer::load(torch::serialize::InputArchive& archive) {
  if (torch_optimizer_) {
    torch_optimizer_->load(archive);
    return;
  }
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < lars_momentum_.size(); i++) {
    torch::Tensor loaded;
    archive.read("lars_momentum_" + std::to_string(i), loaded);
    lars_momentum_[i].copy_(loaded);
  }
}

}  // namespace sz
