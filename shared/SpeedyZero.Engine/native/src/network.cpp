#include "network.h"

namespace sz {

namespace nn = torch::nn;

namespace {

// LSTMCell's gates (input, forget, cell, output, each [B, H]) and cell state to the next hidden
// and cell state; written so that autograd can differentiate it.
std::pair<torch::Tensor, torch::Tensor> lstm_state(const torch::Tensor& gates, const torch::Tensor& c) {
  const auto chunks = gates.chunk(4, 1);
  auto next_c = (torch::sigmoid(chunks[1]) * c).addcmul_(torch::sigmoid(chunks[0]), torch::tanh(chunks[2]));
  auto next_h = torch::sigmoid(chunks[3]) * torch::tanh(next_c);
  return {next_h, next_c};
}

}  // namespace

NetworkImpl::NetworkImpl(const Config& c) {
  trunk = register_module("trunk", c.obs_kind == ObsKind::vector ? make_vector_trunk(c) : make_conv_trunk(c));
  lstm = register_module("lstm", nn::LSTMCell(trunk->reward_feature_size, c.lstm_hidden));
  value_prefix_bn = register_module("value_prefix_bn", nn::BatchNorm1d(c.lstm_hidden));
  const std::vector<int64_t> head{c.head_hidden};
  value_prefix_head = register_module("value_prefix_head", Mlp(c.lstm_hidden, head, 2 * c.value_prefix_support + 1, true));
  value_head = register_module("value_head", Mlp(trunk->value_feature_size, head, 2 * c.value_support + 1, true, trunk->head_batch_norm));
  policy_head = register_module("policy_head", Mlp(trunk->policy_feature_size, head, c.action_count, true, trunk->head_batch_norm));
  const auto in = trunk->latent_size, hid = c.projection_hidden, out = c.projection_out;
  projection = register_module("projection", nn::Sequential(
      Linear(in, hid), nn::BatchNorm1d(hid), nn::Functional(torch::relu),
      Linear(hid, hid), nn::BatchNorm1d(hid), nn::Functional(torch::relu),
      Linear(hid, out), nn::BatchNorm1d(out)));
  predictor = register_module("predictor", nn::Sequential(
      Linear(out, c.predictor_hidden), nn::BatchNorm1d(c.predictor_hidden), nn::Functional(torch::relu),
      Linear(c.predictor_hidden, out)));

  // The prediction path: the heads, and the conv family's prediction blocks and head reductions.
  static const char* const kPrediction[] = {"value_head.", "policy_head.", "trunk.prediction_blocks.",
                                            "trunk.value_reduction.", "trunk.policy_reduction."};
  for (const auto& item : named_modules("", /*include_self=*/false)) {
    bool prediction = false;
    for (const char* prefix : kPrediction) prediction = prediction || item.key().rfind(prefix, 0) == 0;
    if (!prediction) continue;
    if (auto* bn = item.value()->as<nn::BatchNorm1d>()) prediction_norms_.push_back(&bn->options);
    if (auto* bn = item.value()->as<nn::BatchNorm2d>()) prediction_norms_.push_back(&bn->options);
  }
}

torch::Tensor NetworkImpl::represent(const torch::Tensor& observations) {
  return min_max_normalise(trunk->represent(observations));
}

std::pair<torch::Tensor, torch::Tensor> NetworkImpl::predict(const torch::Tensor& latent) {
  auto [value_features, policy_features] = trunk->prediction_features(latent);
  return {value_head(value_features), policy_head(policy_features)};
}

void NetworkImpl::track_prediction_statistics(bool on) {
  constexpr double kMomentum = 0.1;  // libtorch's default, which every BatchNorm here keeps
  for (auto* options : prediction_norms_) options->momentum(on ? kMomentum : 0.0);
}

InitialOutput NetworkImpl::initial(const torch::Tensor& observations) {
  auto latent = represent(observations);
  auto [value, policy] = predict(latent);
  return {latent, value, policy};
}

RecurrentOutput NetworkImpl::dynamics(const torch::Tensor& latent, const torch::Tensor& actions,
                                      const torch::Tensor& hidden, const torch::Tensor& cell) {
  auto next = min_max_normalise(trunk->dynamics(latent, actions));
  // The LSTMCell's parameters, its products through linear() (layers.h).
  auto [h, c] = lstm_state(linear(trunk->reward_features(next), lstm->weight_ih, lstm->bias_ih) +
                               linear(hidden, lstm->weight_hh, lstm->bias_hh),
                           cell);
  auto value_prefix = value_prefix_head(batch_norm_relu(*value_prefix_bn, h));
  return {next, h, c, value_prefix, {}, {}};
}

RecurrentOutput NetworkImpl::recurrent(const torch::Tensor& latent, const torch::Tensor& actions,
                                       const torch::Tensor& hidden, const torch::Tensor& cell) {
  auto out = dynamics(latent, actions, hidden, cell);
  std::tie(out.value_logits, out.policy_logits) = predict(out.latent);
  return out;
}

void NetworkImpl::fuse() {
  trunk->fuse();
  {
    torch::NoGradGuard no_grad;
    lstm_f.input = make_fused_linear(lstm->weight_ih.detach().clone(), (lstm->bias_ih + lstm->bias_hh).detach());
    lstm_f.hidden_weight_t = lstm->weight_hh.detach().t();
  }
  value_prefix_bn_f = sz::fuse(value_prefix_bn);
  value_prefix_head_f = sz::fuse(value_prefix_head->layers);
  value_head_f = sz::fuse(value_head->layers);
  policy_head_f = sz::fuse(policy_head->layers);
}

InitialOutput NetworkImpl::initial_fused(const torch::Tensor& observations) {
  auto [latent, value_features, policy_features] = trunk->initial_features_fused(observations);
  return {latent, value_head_f(value_features), policy_head_f(policy_features)};
}

RecurrentOutput NetworkImpl::recurrent_fused(const torch::Tensor& latent, const torch::Tensor& actions,
                                             const torch::Tensor& hidden, const torch::Tensor& cell) {
  auto [next, reward_features, value_features, policy_features] = trunk->recurrent_features_fused(latent, actions);
  auto [h, c] = lstm_f(reward_features, hidden, cell);
  auto value_prefix = value_prefix_head_f(value_prefix_bn_f(h).relu_());
  return {next, h, c, value_prefix, value_head_f(value_features), policy_head_f(policy_features)};
}

std::pair<torch::Tensor, torch::Tensor> FusedLstmCell::operator()(const torch::Tensor& x, const torch::Tensor& h,
                                                                   const torch::Tensor& c) const {
  // LSTMCell: gates = x W_ih^T + b_ih + h W_hh^T + b_hh, in the order input, forget, cell, output.
  auto gates = input(x);  // the large gemm, split across the intra-op threads (FusedLinear)
  gates.addmm_(h, hidden_weight_t);
  return lstm_state(gates, c);
}

torch::Tensor NetworkImpl::project(const torch::Tensor& latent) { return run_sequential(projection, latent.flatten(1)); }

torch::Tensor NetworkImpl::project_and_predict(const torch::Tensor& latent) {
  return run_sequential(predictor, project(latent));
}

}  // namespace sz
