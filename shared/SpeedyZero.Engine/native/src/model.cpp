#include "model.h"

#include <ATen/CPUGeneratorImpl.h>

#include <chrono>
#include <cstring>

#include "errors.h"
#include "support.h"

namespace sz {
namespace {

torch::Device choose_device(const std::string& name) {
  if (name == "cuda") {
    if (!torch::cuda::is_available()) {
      throw invalid_argument("config field 'device' = 'cuda': this engine was built without CUDA or sees no CUDA device");
    }
    return torch::Device(torch::kCUDA);
  }
  return torch::Device(torch::kCPU);
}

// Network initialisation draws from libtorch's global generator; seeding it and building
// under one lock makes a model a function of its config.
std::mutex& construction_mutex() {
  static std::mutex m;
  return m;
}

// t with rows appended (zeros: a valid input of every kind, action 0 included) up to rows.
torch::Tensor pad_rows(const torch::Tensor& t, int64_t rows) {
  const auto batch = t.size(0);
  if (batch == rows) return t;
  auto sizes = t.sizes().vec();
  sizes[0] = rows;
  auto padded = torch::empty(sizes, t.options());
  padded.narrow(0, 0, batch).copy_(t);
  padded.narrow(0, batch, rows - batch).zero_();
  return padded;
}

// The caller's rows of a padded result.
torch::Tensor first_rows(const torch::Tensor& t, int64_t batch) {
  return t.defined() && t.size(0) != batch ? t.narrow(0, 0, batch) : t;
}

}  // namespace

Model::Model(const Config& config)
    : config_(config), device_(choose_device(config.device)),
      generator_(at::make_generator<at::CPUGeneratorImpl>(config.seed)) {
  {
    std::lock_guard<std::mutex> lock(construction_mutex());
    torch::manual_seed(config.seed);
    network_ = Network(config);
  }
  if (config.precision == Precision::bfloat16) {
    if (device_.is_cuda()) throw invalid_argument("config field 'precision' = 'bfloat16': implemented for the CPU only");
    if (!cpu_has_bfloat16()) {
      throw invalid_argument(
          "config field 'precision' = 'bfloat16': this CPU has no bfloat16 arithmetic (AVX512_BF16 or AMX), "
          "where libtorch would emulate it slower than float32");
    }
  }
  network_->to(device_);
  optimizer_ = std::make_unique<Optimizer>(config_, network_->parameters());
  set_training(false);
}

sz_model_shape Model::shape() const {
  sz_model_shape s{};
  s.observation_size = static_cast<int32_t>(config_.obs_size());
  s.latent_size = static_cast<int32_t>(network_->trunk->latent_size);
  s.lstm_hidden_size = static_cast<int32_t>(config_.lstm_hidden);
  s.action_count = static_cast<int32_t>(config_.action_count);
  s.unroll = static_cast<int32_t>(config_.unroll);
  s.value_support = static_cast<int32_t>(config_.value_support);
  s.value_prefix_support = static_cast<int32_t>(config_.value_prefix_support);
  return s;
}


void Model::set_training(bool training) {
  if (training == training_) return;
  network_->train(training);
  training_ = training;
}

void Model::ensure_fused() {
  if (fused_ready_) return;
  BFloat16ConvPlansScope bfloat16(config_.precision == Precision::bfloat16);
  network_->fuse();
  fused_ready_ = true;
}

torch::Tensor Model::input(const float* data, int64_t length, int64_t batch, int64_t per_item, const char* name) const {
  if (data == nullptr) throw invalid_argument(std::string(name) + " is null");
  check_length(name, length, batch * per_item);
  auto t = torch::from_blob(const_cast<float*>(data), {batch, per_item}, torch::kFloat32);
  if (config_.reject_nan && !torch::isfinite(t).all().item<bool>()) {
    throw invalid_argument(std::string(name) + " contain NaN or infinity");
  }
  return device_.is_cpu() ? t : t.to(device_);
}

void Model::write_outputs(const sz_inference_outputs& o, int64_t batch, const torch::Tensor& latent,
                          const torch::Tensor& hidden, const torch::Tensor& cell, const torch::Tensor& value_prefix,
                          const torch::Tensor& value, const torch::Tensor& policy) {
  const auto put = [batch](const char* name, float* out, int64_t length, int64_t per_item, const torch::Tensor& t) {
    if (out == nullptr) throw invalid_argument(std::string(name) + " is null");
    check_length(name, length, batch * per_item);
    if (!t.defined()) {
      std::memset(out, 0, sizeof(float) * static_cast<size_t>(length));
      return;
    }
    if (t.numel() != batch * per_item) throw std::logic_error(std::string(name) + ": result has an unexpected size");
    // Viewed with the result's own sizes, one strided copy writes any memory layout (a
    // channels-last latent included) in the caller's row-major order.
    torch::from_blob(out, t.sizes(), torch::kFloat32).copy_(t);
  };
  const auto s = shape();
  put("latent output", o.latent, o.latent_length, s.latent_size, latent);
  put("lstm hidden output", o.lstm_hidden, o.lstm_hidden_length, s.lstm_hidden_size, hidden);
  put("lstm cell output", o.lstm_cell, o.lstm_cell_length, s.lstm_hidden_size, cell);
  put("value prefix output", o.value_prefix, o.value_prefix_length, 1, value_prefix);
  put("value output", o.value, o.value_length, 1, value);
  put("policy output", o.policy_logits, o.policy_logits_length, s.action_count, policy);
}

void Model::initial_inference(const float* observations, int64_t observations_length, int64_t batch,
                              const sz_inference_outputs& outputs) {
  if (batch <= 0) throw invalid_argument("batch must be positive, got " + std::to_string(batch));
  c10::InferenceMode inference;
  set_training(false);
  const auto rows = device_.is_cpu() ? inference_rows(batch) : batch;
  const auto x = pad_rows(input(observations, observations_length, batch, config_.obs_size(), "observations"), rows);
  if (config_.fused_inference) ensure_fused();
  const auto out = config_.fused_inference ? network_->initial_fused(x) : network_->initial(x);
  const auto value = decode_logits(first_rows(out.value_logits, batch), config_.value_support, config_.value_h_transform);
  write_outputs(outputs, batch, first_rows(out.latent, batch), {}, {}, {}, value, first_rows(out.policy_logits, batch));
}

void Model::recurrent_inference(const float* latent, int64_t latent_length, const float* hidden, int64_t hidden_length,
                                const float* cell, int64_t cell_length, const int32_t* actions,
                                int64_t actions_length, int64_t batch, const sz_inference_outputs& outputs) {
  if (batch <= 0) throw invalid_argument("batch must be positive, got " + std::to_string(batch));
  if (actions == nullptr) throw invalid_argument("actions is null");
  check_length("actions", actions_length, batch);
  for (int64_t i = 0; i < batch; i++) {
    if (actions[i] < 0 || actions[i] >= config_.action_count) {
      throw invalid_argument("action " + std::to_string(actions[i]) + " at " + std::to_string(i) + " is outside [0, " +
                             std::to_string(config_.action_count) + ")");
    }
  }
  c10::InferenceMode inference;
  set_training(false);
  std::vector<int64_t> latent_shape{batch};
  for (auto d : network_->trunk->latent_shape) latent_shape.push_back(d);
  const auto rows = device_.is_cpu() ? inference_rows(batch) : batch;
  const auto s =
      pad_rows(input(latent, latent_length, batch, network_->trunk->latent_size, "latent").view(latent_shape), rows);
  const auto h = pad_rows(input(hidden, hidden_length, batch, config_.lstm_hidden, "lstm hidden"), rows);
  const auto c = pad_rows(input(cell, cell_length, batch, config_.lstm_hidden, "lstm cell"), rows);
  const auto a = pad_rows(torch::from_blob(const_cast<int32_t*>(actions), {batch}, torch::kInt32).to(device_, torch::kLong), rows);
  if (config_.fused_inference) ensure_fused();
  const auto out = config_.fused_inference ? network_->recurrent_fused(s, a, h, c) : network_->recurrent(s, a, h, c);
  const auto value_prefix = decode_logits(first_rows(out.value_prefix_logits, batch), config_.value_prefix_support);
  const auto value = decode_logits(first_rows(out.value_logits, batch), config_.value_support, config_.value_h_transform);
  write_outputs(outputs, batch, first_rows(out.latent, batch), first_rows(out.hidden, batch), first_rows(out.cell, batch),
                value_prefix, value, first_rows(out.policy_logits, batch));
}

double Model::bench_inference(int64_t batch, bool recurrent, int64_t iterations) {
  if (batch <= 0 || iterations <= 0) throw invalid_argument("batch and iterations must be positive");
  const auto s = shape();
  std::vector<float> obs(batch * s.observation_size), latent(batch * s.latent_size), hidden(batch * s.lstm_hidden_size),
      cell(batch * s.lstm_hidden_size), value_prefix(batch), value(batch), policy(batch * s.action_count);
  std::vector<int32_t> actions(batch, 0);
  const sz_inference_outputs out{latent.data(), (int64_t)latent.size(), hidden.data(), (int64_t)hidden.size(),
                                 cell.data(), (int64_t)cell.size(), value_prefix.data(), (int64_t)value_prefix.size(),
                                 value.data(), (int64_t)value.size(), policy.data(), (int64_t)policy.size()};
  std::vector<float> latent_in(latent.size()), hidden_in(hidden.size()), cell_in(cell.size());
  const auto once = [&] {
    if (recurrent) {
      recurrent_inference(latent_in.data(), latent_in.size(), hidden_in.data(), hidden_in.size(), cell_in.data(),
                          cell_in.size(), actions.data(), batch, batch, out);
    } else {
      initial_inference(obs.data(), obs.size(), batch, out);
    }
  };
  for (int i = 0; i < 3; i++) once();
  const auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < iterations; i++) once();
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  return elapsed.count() / static_cast<double>(iterations);
}

}  // namespace sz
