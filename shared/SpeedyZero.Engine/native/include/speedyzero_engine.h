/* The C ABI of the SpeedyZero native engine.
 * Every function returns an int status (SZ_OK or an error code); the message of the last
 * error on the calling thread is copied out with sz_last_error. No C++ exception crosses here.
 * Buffers are owned by the caller and come with their length in elements; the engine checks
 * every length against the batch and the model's shape before touching the memory. */
#ifndef SPEEDYZERO_ENGINE_H
#define SPEEDYZERO_ENGINE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SZ_EXPORT __attribute__((visibility("default")))

enum sz_status {
  SZ_OK = 0,
  SZ_ERR_INVALID_ARGUMENT = 1,
  SZ_ERR_RUNTIME = 2,
  SZ_ERR_UNKNOWN = 3
};

/* ABI version; the C# bindings refuse a library whose version differs from theirs. */
SZ_EXPORT int32_t sz_abi_version(void);

/* Copies the last error message of the calling thread (NUL-terminated, truncated to capacity).
 * Returns the full message length in bytes, without the NUL. */
SZ_EXPORT int32_t sz_last_error(char* buffer, int32_t capacity);

/* Intra-op threads of libtorch for this process; OpenBLAS is pinned to one thread on load. */
SZ_EXPORT int32_t sz_set_num_threads(int32_t threads);
SZ_EXPORT int32_t sz_get_num_threads(int32_t* threads);

/* Does nothing: measures the cost of a call across the boundary. */
SZ_EXPORT int32_t sz_noop(void);

/* Convolution primitives this process built on oneDNN's reference (non-jit) kernel: 0 on a CPU
 * whose jit kernels the engine's layouts reach; each one is over 1000x slower than a jit conv. */
SZ_EXPORT int32_t sz_onednn_reference_convolutions(int64_t* count);

/* oneDNN conv plans (primitive plus reordered weights, per layer and batch size) this process built:
 * inference batches above 64 rows are padded to a multiple of 16, so a run builds a bounded set. */
SZ_EXPORT int32_t sz_onednn_conv_plans_built(int64_t* count);

/* 1 when this library was built against a CUDA libtorch and a device is visible. */
SZ_EXPORT int32_t sz_cuda_available(int32_t* available);

/* How many times faster a bfloat16 3x3 convolution (batch 128, 64 channels, 10x10) runs than a float32
 * one on this CPU, timed now (about 0.1 s); 0 without bfloat16 arithmetic (AVX512_BF16 or AMX by oneDNN's
 * reading, where precision 'bfloat16' is allowed). Precision 'auto' reads it. */
SZ_EXPORT int32_t sz_bfloat16_conv_speedup(double* speedup);

/* Toolchain probe: out[m x n] = a[m x k] @ b[k x n] computed by libtorch. */
SZ_EXPORT int32_t sz_probe_matmul(const float* a, const float* b, float* out,
                                  int32_t m, int32_t k, int32_t n);

/* ---- Categorical scalars (ALGORITHM.md section 1) ---- */

/* out[i] = h(x[i]) or, with inverse != 0, h^-1(x[i]). */
SZ_EXPORT int32_t sz_h_transform(const float* x, float* out, int64_t count, int32_t inverse);
/* Two-hot of h(scalars[i]) over [-support, support]: out is [count, 2*support+1]. */
SZ_EXPORT int32_t sz_two_hot(const float* scalars, int64_t count, int32_t support, float* out, int64_t out_length);
/* Expectation of probabilities [count, 2*support+1] over the support, then h^-1. */
SZ_EXPORT int32_t sz_decode_expectation(const float* probabilities, int64_t probabilities_length,
                                        int64_t count, int32_t support, float* out);

/* ---- Clipped LARS, one parameter tensor (ALGORITHM.md section 6) ----
 * weight and momentum are updated in place. dims is the tensor's rank (1: a bias or a
 * normalisation parameter, excluded from adaptation and weight decay). trust receives the
 * trust ratio applied (1 for rank 1). */
typedef struct sz_lars_options {
  double lr, momentum, weight_decay, eta, trust_min, trust_max, eps;
} sz_lars_options;
SZ_EXPORT int32_t sz_lars_step(float* weight, const float* grad, float* momentum, int64_t count,
                               int32_t dims, const sz_lars_options* options, double* trust);

/* ---- The model ---- */
typedef struct sz_model sz_model;

/* Sizes per batch item of the buffers the model exchanges. */
typedef struct sz_model_shape {
  int32_t observation_size;
  int32_t latent_size;
  int32_t lstm_hidden_size;
  int32_t action_count;
  int32_t unroll;
  int32_t value_support;
  int32_t value_prefix_support;
  int32_t reserved;
} sz_model_shape;

/* Caller-owned output buffers of one inference call, each [batch x per-item size]. */
typedef struct sz_inference_outputs {
  float* latent; int64_t latent_length;
  float* lstm_hidden; int64_t lstm_hidden_length;
  float* lstm_cell; int64_t lstm_cell_length;
  float* value_prefix; int64_t value_prefix_length;  /* decoded scalars */
  float* value; int64_t value_length;                /* decoded scalars */
  float* policy_logits; int64_t policy_logits_length;
} sz_inference_outputs;

/* One batch of unrolled samples, K = unroll. Steps past an episode's end have mask 0. */
typedef struct sz_train_batch {
  int32_t batch;
  int32_t reserved;
  const float* observations; int64_t observations_length;              /* [B, K+1, obs] */
  const int32_t* actions; int64_t actions_length;                      /* [B, K] */
  const float* masks; int64_t masks_length;                            /* [B, K+1] */
  const float* target_value_prefix; int64_t target_value_prefix_length;/* [B, K], steps 1..K */
  const float* target_value; int64_t target_value_length;              /* [B, K+1] */
  const float* target_policy; int64_t target_policy_length;            /* [B, K+1, A] */
  const float* weights; int64_t weights_length;                        /* [B] importance */
} sz_train_batch;

/* Loss components are batch means of each sample's sum over steps (before importance weights);
 * total is the importance-weighted loss that was optimised (before the 1/K gradient scale). */
typedef struct sz_train_result {
  double total, policy, value, value_prefix, consistency;
  double grad_norm;  /* before clipping */
  double lr;         /* learning rate of this step */
  int64_t step;      /* optimiser steps taken, this one included */
} sz_train_result;

/* config: "key=value" lines (see docs/engine.md); an unknown field is an error naming it. */
SZ_EXPORT int32_t sz_model_create(const char* config, sz_model** model);
SZ_EXPORT int32_t sz_model_destroy(sz_model* model);
/* The model's config text back as the engine parsed it, every field (NUL-terminated, truncated to
 * capacity); *length receives the full length in bytes, without the NUL. */
SZ_EXPORT int32_t sz_model_config(sz_model* model, char* buffer, int32_t capacity, int32_t* length);
SZ_EXPORT int32_t sz_model_shape_of(sz_model* model, sz_model_shape* shape);
SZ_EXPORT int32_t sz_model_initial_inference(sz_model* model, const float* observations, int64_t observations_length,
                                             int32_t batch, const sz_inference_outputs* outputs);
SZ_EXPORT int32_t sz_model_recurrent_inference(sz_model* model, const float* latent, int64_t latent_length,
                                               const float* lstm_hidden, int64_t lstm_hidden_length,
                                               const float* lstm_cell, int64_t lstm_cell_length,
                                               const int32_t* actions, int64_t actions_length,
                                               int32_t batch, const sz_inference_outputs* outputs);
SZ_EXPORT int32_t sz_model_train_step(sz_model* model, const sz_train_batch* batch, sz_train_result* result,
                                      float* priorities, int64_t priorities_length);
SZ_EXPORT int32_t sz_model_step(sz_model* model, int64_t* step);

/* Weights (parameters and normalisation statistics) as a versioned byte buffer. The bytes stay
 * valid, owned by the model, until the next export or the model's destruction. */
SZ_EXPORT int32_t sz_model_export_weights(sz_model* model, const uint8_t** data, int64_t* length);
SZ_EXPORT int32_t sz_model_import_weights(sz_model* model, const uint8_t* data, int64_t length);

/* Weights, optimiser state, step and generator state, written atomically (temp file + rename). */
SZ_EXPORT int32_t sz_model_save_checkpoint(sz_model* model, const char* path);
SZ_EXPORT int32_t sz_model_load_checkpoint(sz_model* model, const char* path);

/* Times `iterations` inference calls inside the library (no boundary crossing) on zero inputs:
 * recurrent != 0 times recurrent inference. Writes mean seconds per call. */
SZ_EXPORT int32_t sz_bench_inference(sz_model* model, int32_t batch, int32_t recurrent, int32_t iterations,
                                     double* seconds_per_call);

#ifdef __cplusplus
}
#endif
#endif
