// The model's C ABI: thin, checked wrappers over sz::Model. The handle is the Model itself.
#include <algorithm>
#include <cstring>

#include "errors.h"
#include "model.h"

struct sz_model {
  explicit sz_model(const sz::Config& config) : model(config) {}
  sz::Model model;
};

namespace {

sz::Model& checked(sz_model* handle) {
  if (handle == nullptr) throw sz::invalid_argument("model handle is null");
  return handle->model;
}

template <typename T>
const T& not_null(const T* p, const char* name) {
  if (p == nullptr) throw sz::invalid_argument(std::string(name) + " is null");
  return *p;
}

}  // namespace

extern "C" SZ_EXPORT int32_t sz_model_create(const char* config, sz_model** model) {
  return sz::guarded([&] {
    if (config == nullptr || model == nullptr) throw sz::invalid_argument("config or model is null");
    *model = nullptr;
    *model = new sz_model(sz::parse_config(config));
  });
}

extern "C" SZ_EXPORT int32_t sz_model_destroy(sz_model* model) {
  return sz::guarded([&] { delete model; });
}

extern "C" SZ_EXPORT int32_t sz_model_config(sz_model* model, char* buffer, int32_t capacity, int32_t* length) {
  return sz::guarded([&] {
    auto& m = checked(model);
    if (length == nullptr) throw sz::invalid_argument("length is null");
    const auto text = sz::format_config(m.config());
    if (buffer != nullptr && capacity > 0) {
      const size_t n = std::min(text.size(), static_cast<size_t>(capacity - 1));
      std::memcpy(buffer, text.data(), n);
      buffer[n] = '\0';
    }
    *length = static_cast<int32_t>(text.size());
  });
}

extern "C" SZ_EXPORT int32_t sz_model_shape_of(sz_model* model, sz_model_shape* shape) {
  return sz::guarded([&] {
    auto& m = checked(model);
    if (shape == nullptr) throw sz::invalid_argument("shape is null");
    *shape = m.shape();
  });
}

extern "C" SZ_EXPORT int32_t sz_model_initial_inference(sz_model* model, const float* observations,
                                                        int64_t observations_length, int32_t batch,
                                                        const sz_inference_outputs* outputs) {
  return sz::guarded([&] {
    auto& m = checked(model);
    std::lock_guard<std::mutex> lock(m.mutex);
    m.initial_inference(observations, observations_length, batch, not_null(outputs, "outputs"));
  });
}

extern "C" SZ_EXPORT int32_t sz_model_recurrent_inference(sz_model* model, const float* latent, int64_t latent_length,
                                                          const float* lstm_hidden, int64_t lstm_hidden_length,
                                                          const float* lstm_cell, int64_t lstm_cell_length,
                                                          const int32_t* actions, int64_t actions_length,
                                                          int32_t batch, const sz_inference_outputs* outputs) {
  return sz::guarded([&] {
    auto& m = checked(model);
    std::lock_guard<std::mutex> lock(m.mutex);
    m.recurrent_inference(latent, latent_length, lstm_hidden, lstm_hidden_length, lstm_cell, lstm_cell_length, actions,
                          actions_length, batch, not_null(outputs, "outputs"));
  });
}

extern "C" SZ_EXPORT int32_t sz_model_train_step(sz_model* model, const sz_train_batch* batch, sz_train_result* result,
                                                 float* priorities, int64_t priorities_length) {
  return sz::guarded([&] {
    auto& m = checked(model);
    if (result == nullptr) throw sz::invalid_argument("result is null");
    std::lock_guard<std::mutex> lock(m.mutex);
    *result = m.train_step(not_null(batch, "batch"), priorities, priorities_length);
  });
}

extern "C" SZ_EXPORT int32_t sz_model_step(sz_model* model, int64_t* step) {
  return sz::guarded([&] {
    auto& m = checked(model);
    if (step == nullptr) throw sz::invalid_argument("step is null");
    std::lock_guard<std::mutex> lock(m.mutex);
    *step = m.step();
  });
}

extern "C" SZ_EXPORT int32_t sz_model_export_weights(sz_model* model, const uint8_t** data, int64_t* length) {
  return sz::guarded([&] {
    auto& m = checked(model);
    if (data == nullptr || length == nullptr) throw sz::invalid_argument("data or length is null");
    std::lock_guard<std::mutex> lock(m.mutex);
    const auto& bytes = m.export_weights();
    *data = reinterpret_cast<const uint8_t*>(bytes.data());
    *length = static_cast<int64_t>(bytes.size());
  });
}

extern "C" SZ_EXPORT int32_t sz_model_import_weights(sz_model* model, const uint8_t* data, int64_t length) {
  return sz::guarded([&] {
    auto& m = checked(model);
    std::lock_guard<std::mutex> lock(m.mutex);
    m.import_weights(data, length);
  });
}

extern "C" SZ_EXPORT int32_t sz_model_save_checkpoint(sz_model* model, const char* path) {
  return sz::guarded([&] {
    auto& m = checked(model);
    if (path == nullptr) throw sz::invalid_argument("path is null");
    std::lock_guard<std::mutex> lock(m.mutex);
    m.save_checkpoint(path);
  });
}

extern "C" SZ_EXPORT int32_t sz_model_load_checkpoint(sz_model* model, const char* path) {
  return sz::guarded([&] {
    auto& m = checked(model);
    if (path == nullptr) throw sz::invalid_argument("path is null");
    std::lock_guard<std::mutex> lock(m.mutex);
    m.load_checkpoint(path);
  });
}

extern "C" SZ_EXPORT int32_t sz_bench_inference(sz_model* model, int32_t batch, int32_t recurrent, int32_t iterations,
                                                double* seconds_per_call) {
  return sz::guarded([&] {
    auto& m = checked(model);
    if (seconds_per_call == nullptr) throw sz::invalid_argument("seconds_per_call is null");
    std::lock_guard<std::mutex> lock(m.mutex);
    *seconds_per_call = m.bench_inference(batch, recurrent != 0, iterations);
  });
}
