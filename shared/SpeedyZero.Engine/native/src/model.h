// One model instance behind an sz_model handle: the network, its optimiser, the training step
// counter and a generator of its own. Calls are serialised by a mutex.
#pragma once
#include <torch/torch.h>

#include <mutex>
#include <string>

#include "config.h"
#include "network.h"
#include "optimizer.h"
#include "speedyzero_engine.h"

namespace sz {

class Model {
 public:
  explicit Model(const Config& config);

  sz_model_shape shape() const;
  void initial_inference(const float* observations, int64_t observations_length, int64_t batch,
                         const sz_inference_outputs& outputs);
  void recurrent_inference(const float* latent, int64_t latent_length, const float* hidden, int64_t hidden_length,
                           const float* cell, int64_t cell_length, const int32_t* actions, int64_t actions_length,
                           int64_t batch, const sz_inference_outputs& outputs);
  sz_train_result train_step(const sz_train_batch& batch, float* priorities, int64_t priorities_length);
  int64_t step() const { return step_; }
  const Config& config() const { return config_; }

  const std::string& export_weights();
  void import_weights(const uint8_t* data, int64_t length);
  void save_checkpoint(const std::string& path);
  void load_checkpoint(const std::string& path);

  // Mean seconds per inference call, timed inside the library on zero inputs.
  double bench_inference(int64_t batch, bool recurrent, int64_t iterations);

  std::mutex mutex;

 private:
  void set_training(bool training);
  // The folded inference path is a snapshot of the weights: rebuilt lazily after any change.
  void weights_changed() { fused_ready_ = false; }
  void ensure_fused();
  torch::Tensor input(const float* data, int64_t length, int64_t batch, int64_t per_item, const char* name) const;
  void write_outputs(const sz_inference_outputs& outputs, int64_t batch, const torch::Tensor& latent,
                     const torch::Tensor& hidden, const torch::Tensor& cell, const torch::Tensor& value_prefix,
                     const torch::Tensor& value, const torch::Tensor& policy);
  torch::Tensor augment(const torch::Tensor& observations);
  void write_weights(torch::serialize::OutputArchive& archive);
  void read_weights(torch::serialize::InputArchive& archive);
  uint64_t fingerprint();

  Config config_;
  torch::Device device_;
  Network network_{nullptr};
  std::unique_ptr<Optimizer> optimizer_;
  at::Generator generator_;
  int64_t step_ = 0;
  bool training_ = true;
  bool fused_ready_ = false;
  std::string exported_;
};

}  // namespace sz
