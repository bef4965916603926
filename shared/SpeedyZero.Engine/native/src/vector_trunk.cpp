// Vector observations: MLPs, the action enters as a one-hot, the next latent is residual.
// Batch norm only in the representation, which sees real observations in training and inference
// alike. The dynamics and the value / policy heads have none: with it, training normalised each
// unroll step by that step's batch statistics while recurrent inference applies running
// statistics mixed over steps, and values one step into the search read far from what training
// fitted (RecurrentInferenceTests).
#include "layers.h"
#include "trunk.h"

namespace sz {
namespace {

namespace nn = torch::nn;

struct VectorTrunk : Trunk {
  explicit VectorTrunk(const Config& c) : actions_(c.action_count) {
    const auto obs = c.obs_shape[0];
    representation = register_module("representation", Mlp(obs, std::vector<int64_t>{c.hidden}, c.latent, false));
    dynamics_net = register_module("dynamics", Mlp(c.latent + c.action_count, std::vector<int64_t>{c.hidden}, c.latent, false, false));
    latent_shape = {c.latent};
    latent_size = reward_feature_size = value_feature_size = policy_feature_size = c.latent;
    head_batch_norm = false;
  }

  torch::Tensor represent(const torch::Tensor& observations) override { return representation(observations); }

  torch::Tensor dynamics(const torch::Tensor& latent, const torch::Tensor& actions) override {
    const auto one_hot = torch::one_hot(actions, actions_).to(latent.dtype());
    return torch::relu(dynamics_net(torch::cat({latent, one_hot}, 1)) + latent);
  }

  torch::Tensor reward_features(const torch::Tensor& latent) override { return latent; }

  std::pair<torch::Tensor, torch::Tensor> prediction_features(const torch::Tensor& latent) override {
    return {latent, latent};
  }

  int64_t actions_;
  Mlp representation{nullptr}, dynamics_net{nullptr};
};

}  // namespace

std::shared_ptr<Trunk> make_vector_trunk(const Config& config) { return std::make_shared<VectorTrunk>(config); }

}  // namespace sz
