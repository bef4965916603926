using System.Runtime.InteropServices;

namespace SpeedyZero.Engine.Interop;

/// <summary>The flat C ABI of native/include/speedyzero_engine.h, one line per export.</summary>
internal static partial class NativeMethods
{
    public const string Library = "speedyzero_engine";

    /// <summary>The ABI version these bindings were written against.</summary>
    public const int AbiVersion = 7;

    [LibraryImport(Library, EntryPoint = "sz_abi_version")]
    public static partial int AbiVersionOfLibrary();

    [LibraryImport(Library, EntryPoint = "sz_last_error")]
    public static unsafe partial int LastError(byte* buffer, int capacity);

    [LibraryImport(Library, EntryPoint = "sz_set_num_threads")]
    public static partial int SetNumThreads(int threads);

    [LibraryImport(Library, EntryPoint = "sz_get_num_threads")]
    public static unsafe partial int GetNumThreads(int* threads);

    [LibraryImport(Library, EntryPoint = "sz_noop")]
    public static partial int Noop();

    [LibraryImport(Library, EntryPoint = "sz_onednn_reference_convolutions")]
    public static unsafe partial int OnednnReferenceConvolutions(long* count);

    [LibraryImport(Library, EntryPoint = "sz_onednn_conv_plans_built")]
    public static unsafe partial int OnednnConvPlansBuilt(long* count);

    [LibraryImport(Library, EntryPoint = "sz_cuda_available")]
    public static unsafe partial int CudaAvailable(int* available);

    [LibraryImport(Library, EntryPoint = "sz_bfloat16_conv_speedup")]
    public static unsafe partial int BFloat16ConvSpeedup(double* speedup);

    [LibraryImport(Library, EntryPoint = "sz_probe_matmul")]
    public static unsafe partial int ProbeMatmul(float* a, float* b, float* output, int m, int k, int n);

    [LibraryImport(Library, EntryPoint = "sz_h_transform")]
    public static unsafe partial int HTransform(float* x, float* output, long count, int inverse);

    [LibraryImport(Library, EntryPoint = "sz_two_hot")]
    public static unsafe partial int TwoHot(float* scalars, long count, int support, float* output, long outputLength);

    [LibraryImport(Library, EntryPoint = "sz_decode_expectation")]
    public static unsafe partial int DecodeExpectation(float* probabilities, long probabilitiesLength, long count, int support, float* output);

    [LibraryImport(Library, EntryPoint = "sz_lars_step")]
    public static unsafe partial int LarsStep(float* weight, float* grad, float* momentum, long count, int dims,
        NativeLarsOptions* options, double* trust);

    [LibraryImport(Library, EntryPoint = "sz_model_create", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ModelCreate(string config, out ModelHandle model);

    [LibraryImport(Library, EntryPoint = "sz_model_destroy")]
    public static partial int ModelDestroy(IntPtr model);

    [LibraryImport(Library, EntryPoint = "sz_model_config")]
    public static unsafe partial int ModelConfig(ModelHandle model, byte* buffer, int capacity, int* length);

    [LibraryImport(Library, EntryPoint = "sz_model_shape_of")]
    public static unsafe partial int ModelShapeOf(ModelHandle model, NativeModelShape* shape);

    [LibraryImport(Library, EntryPoint = "sz_model_initial_inference")]
    public static unsafe partial int ModelInitialInference(ModelHandle model, float* observations, long observationsLength,
        int batch, NativeInferenceOutputs* outputs);

    [LibraryImport(Library, EntryPoint = "sz_model_recurrent_inference")]
    public static unsafe partial int ModelRecurrentInference(ModelHandle model, float* latent, long latentLength,
        float* lstmHidden, long lstmHiddenLength, float* lstmCell, long lstmCellLength, int* actions, long actionsLength,
        int batch, NativeInferenceOutputs* outputs);

    [LibraryImport(Library, EntryPoint = "sz_model_train_step")]
    public static unsafe partial int ModelTrainStep(ModelHandle model, NativeTrainBatch* batch, NativeTrainResult* result,
        float* priorities, long prioritiesLength);

    [LibraryImport(Library, EntryPoint = "sz_model_step")]
    public static unsafe partial int ModelStep(ModelHandle model, long* step);

    [LibraryImport(Library, EntryPoint = "sz_model_export_weights")]
    public static unsafe partial int ModelExportWeights(ModelHandle model, byte** data, long* length);

    [LibraryImport(Library, EntryPoint = "sz_model_import_weights")]
    public static unsafe partial int ModelImportWeights(ModelHandle model, byte* data, long length);

    [LibraryImport(Library, EntryPoint = "sz_model_save_checkpoint", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ModelSaveCheckpoint(ModelHandle model, string path);

    [LibraryImport(Library, EntryPoint = "sz_model_load_checkpoint", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ModelLoadCheckpoint(ModelHandle model, string path);

    [LibraryImport(Library, EntryPoint = "sz_bench_inference")]
    public static unsafe partial int BenchInference(ModelHandle model, int batch, int recurrent, int iterations, double* secondsPerCall);
}
