// Optimisers from config (SGD with momentum, Adam, Clipped LARS) and the learning-rate schedule
// (linear warm-up, then step decay).
#pragma once
#include <torch/torch.h>

#include <memory>
#include <vector>

#include "config.h"
#include "speedyzero_engine.h"

namespace sz {

// One Clipped LARS update of one parameter, in place. Rank <= 1 tensors take a plain momentum
// step without trust ratio or weight decay. Returns the trust ratio applied.
double lars_update(torch::Tensor& param, const torch::Tensor& grad, torch::Tensor& momentum_buffer,
                   const sz_lars_options& options);

// Learning rate at a 0-based step: linear warm-up to lr, then x rate every decay_steps.
double scheduled_lr(const Config& config, int64_t step);

class Optimizer {
 public:
  Optimizer(const Config& config, std::vector<torch::Tensor> params);
  // Applies the gradients stored in the parameters at the given learning rate.
  void step(double lr);
  void save(torch::serialize::OutputArchive& archive) const;
  void load(torch::serialize::InputArchive& archive);

 private:
  Config config_;
  std::vector<torch::Tensor> params_;
  std::unique_ptr<torch::optim::Optimizer> torch_optimizer_;  // SGD and Adam
  std::vector<torch::Tensor> lars_momentum_;
};

}  // namespace sz
