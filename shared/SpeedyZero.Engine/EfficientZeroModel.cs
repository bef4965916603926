using SpeedyZero.Core.Model;
using SpeedyZero.Engine.Interop;

namespace SpeedyZero.Engine;

/// <summary>
/// An EfficientZero network with its optimiser, living in the native engine. Inference writes
/// into caller-owned spans; training takes a whole batch of unrolled samples per call.
/// Not thread-safe by contract (the engine also serialises calls on one model).
/// </summary>
public sealed class EfficientZeroModel : IRecurrentModel, IDisposable
{
    private readonly ModelHandle handle;

    private EfficientZeroModel(ModelHandle handle)
    {
        this.handle = handle;
        NativeModelShape shape;
        unsafe
        {
            NativeStatus.Check(NativeMethods.ModelShapeOf(handle, &shape), "model shape");
        }

        Shape = new ModelShape(shape.ObservationSize, shape.LatentSize, shape.LstmHiddenSize, shape.ActionCount).Validate();
        Unroll = shape.Unroll;
        ValueSupport = shape.ValueSupport;
        ValuePrefixSupport = shape.ValuePrefixSupport;
    }

    /// <inheritdoc />
    public ModelShape Shape { get; }

    /// <summary>Unroll steps K the training step expects.</summary>
    public int Unroll { get; }

    /// <summary>Value support S (2S+1 bins).</summary>
    public int ValueSupport { get; }

    /// <summary>Value-prefix support S (2S+1 bins).</summary>
    public int ValuePrefixSupport { get; }

    /// <summary>Optimiser steps taken so far (restored by <see cref="LoadCheckpoint"/>).</summary>
    public long Step
    {
        get
        {
            long step;
            unsafe
            {
                NativeStatus.Check(NativeMethods.ModelStep(handle, &step), "step");
            }

            return step;
        }
    }

    /// <summary>The config text as the engine parsed it, every field (the same keys as <see cref="ModelSpec.ToNativeText"/>).</summary>
    public string ConfigText
    {
        get
        {
            unsafe
            {
                int length;
                NativeStatus.Check(NativeMethods.ModelConfig(handle, null, 0, &length), "model config");
                var buffer = new byte[length + 1];
                fixed (byte* b = buffer)
                {
                    NativeStatus.Check(NativeMethods.ModelConfig(handle, b, buffer.Length, &length), "model config");
                }

                return System.Text.Encoding.UTF8.GetString(buffer, 0, length);
            }
        }
    }

    /// <summary>Validates <paramref name="spec"/>, then builds the model in the engine.</summary>
    public static EfficientZeroModel Create(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return CreateFromNativeText(spec.ToNativeText());
    }

    /// <summary>Builds a model from the engine's "key=value" text (docs/engine.md); the engine rejects unknown fields.</summary>
    public static EfficientZeroModel CreateFromNativeText(string configText)
    {
        ArgumentNullException.ThrowIfNull(configText);
        EngineRuntime.EnsureLoaded();
        var status = NativeMethods.ModelCreate(configText, out var handle);
        if (status != NativeStatus.Ok)
        {
            handle.Dispose();
            NativeStatus.Check(status, "create model");
        }

        return new EfficientZeroModel(handle);
    }

    /// <inheritdoc />
    public unsafe void InitialInference(ReadOnlySpan<float> observations, int batch, InferenceOutputs outputs)
    {
        CheckBatch(batch);
        CheckLength(nameof(observations), observations.Length, batch, Shape.ObservationSize);
        CheckOutputs(outputs, batch);
        fixed (float* o = observations)
        fixed (float* latent = outputs.Latent, h = outputs.LstmHidden, c = outputs.LstmCell)
        fixed (float* vp = outputs.ValuePrefix, v = outputs.Value, p = outputs.PolicyLogits)
        {
            var native = Native(outputs, latent, h, c, vp, v, p);
            NativeStatus.Check(NativeMethods.ModelInitialInference(handle, o, observations.Length, batch, &native), "initial inference");
        }
    }

    /// <inheritdoc />
    public unsafe void RecurrentInference(ReadOnlySpan<float> latent, ReadOnlySpan<float> lstmHidden, ReadOnlySpan<float> lstmCell,
        ReadOnlySpan<int> actions, int batch, InferenceOutputs outputs)
    {
        CheckBatch(batch);
        CheckLength(nameof(latent), latent.Length, batch, Shape.LatentSize);
        CheckLength(nameof(lstmHidden), lstmHidden.Length, batch, Shape.LstmHiddenSize);
        CheckLength(nameof(lstmCell), lstmCell.Length, batch, Shape.LstmHiddenSize);
        CheckLength(nameof(actions), actions.Length, batch, 1);
        CheckOutputs(outputs, batch);
        fixed (float* s = latent, hIn = lstmHidden, cIn = lstmCell)
        fixed (int* a = actions)
        fixed (float* sOut = outputs.Latent, h = outputs.LstmHidden, c = outputs.LstmCell)
        fixed (float* vp = outputs.ValuePrefix, v = outputs.Value, p = outputs.PolicyLogits)
        {
            var native = Native(outputs, sOut, h, c, vp, v, p);
            NativeStatus.Check(NativeMethods.ModelRecurrentInference(handle, s, latent.Length, hIn, lstmHidden.Length, cIn,
                lstmCell.Length, a, actions.Length, batch, &native), "recurrent inference");
        }
    }

    /// <summary>
    /// One optimiser step on a whole batch (ALGORITHM.md section 2). Writes each sample's new
    /// priority |v_pred(o_0) - z_0| + 1e-6 into <paramref name="priorities"/> ([B]).
    /// </summary>
    public unsafe TrainResult TrainStep(TrainBatch batch, Span<float> priorities)
    {
        var b = batch.BatchSize;
        if (b < 2) throw new ArgumentOutOfRangeException(nameof(batch), b, "a training batch needs at least 2 samples");
        if (batch.Unroll != Unroll || batch.ObservationSize != Shape.ObservationSize || batch.ActionCount != Shape.ActionCount)
        {
            throw new ArgumentException(
                $"batch of unroll {batch.Unroll}, observation size {batch.ObservationSize}, {batch.ActionCount} actions for a model of " +
                $"unroll {Unroll}, observation size {Shape.ObservationSize}, {Shape.ActionCount} actions", nameof(batch));
        }

        CheckLength(nameof(priorities), priorities.Length, b, 1);
        NativeTrainResult result;
        fixed (float* obs = batch.Observations, masks = batch.Masks, vp = batch.TargetValuePrefixes)
        fixed (float* v = batch.TargetValues, policy = batch.TargetPolicies, weights = batch.Weights, prio = priorities)
        fixed (int* actions = batch.Actions)
        {
            var native = new NativeTrainBatch
            {
                Batch = b,
                Observations = obs, ObservationsLength = batch.Observations.Length,
                Actions = actions, ActionsLength = batch.Actions.Length,
                Masks = masks, MasksLength = batch.Masks.Length,
                TargetValuePrefix = vp, TargetValuePrefixLength = batch.TargetValuePrefixes.Length,
                TargetValue = v, TargetValueLength = batch.TargetValues.Length,
                TargetPolicy = policy, TargetPolicyLength = batch.TargetPolicies.Length,
                Weights = weights, WeightsLength = batch.Weights.Length,
            };
            NativeStatus.Check(NativeMethods.ModelTrainStep(handle, &native, &result, prio, priorities.Length), "train step");
        }

        return new TrainResult(result.Total, result.Policy, result.Value, result.ValuePrefix, result.Consistency,
            result.GradNorm, result.LearningRate, result.Step);
    }

    /// <summary>Weights and normalisation statistics as a versioned byte buffer (for broadcasting), in a new array.</summary>
    public byte[] ExportWeights()
    {
        byte[]? buffer = null;
        return ExportWeights(ref buffer);
    }

    /// <summary>
    /// Exports into <paramref name="buffer"/> and returns it, replacing it only when its length is not
    /// the export's: a caller that exports again and again (the learner) allocates once.
    /// </summary>
    public unsafe byte[] ExportWeights(ref byte[]? buffer)
    {
        byte* data;
        long length;
        NativeStatus.Check(NativeMethods.ModelExportWeights(handle, &data, &length), "export weights");
        var exported = new ReadOnlySpan<byte>(data, checked((int)length));
        if (buffer is null || buffer.Length != exported.Length) buffer = new byte[exported.Length];
        exported.CopyTo(buffer);
        return buffer;
    }

    /// <summary>Loads weights exported by a model of the same architecture (refused otherwise).</summary>
    public unsafe void ImportWeights(ReadOnlySpan<byte> weights)
    {
        fixed (byte* data = weights)
        {
            NativeStatus.Check(NativeMethods.ModelImportWeights(handle, data, weights.Length), "import weights");
        }
    }

    /// <summary>Writes weights, optimiser state, step and generator state to <paramref name="path"/> atomically.</summary>
    public void SaveCheckpoint(string path) =>
        NativeStatus.Check(NativeMethods.ModelSaveCheckpoint(handle, Path.GetFullPath(path)), "save checkpoint");

    /// <summary>Restores everything <see cref="SaveCheckpoint"/> wrote.</summary>
    public void LoadCheckpoint(string path) =>
        NativeStatus.Check(NativeMethods.ModelLoadCheckpoint(handle, Path.GetFullPath(path)), "load checkpoint");

    /// <summary>Mean seconds per inference call timed by a loop inside the engine (no boundary crossing), on zero inputs.</summary>
    public unsafe double MeasureNativeInference(int batch, bool recurrent, int iterations)
    {
        double seconds;
        NativeStatus.Check(NativeMethods.BenchInference(handle, batch, recurrent ? 1 : 0, iterations, &seconds), "bench inference");
        return seconds;
    }

    /// <inheritdoc />
    public void Dispose() => handle.Dispose();

    private static unsafe NativeInferenceOutputs Native(InferenceOutputs o, float* latent, float* h, float* c, float* vp, float* v, float* p) =>
        new()
        {
            Latent = latent, LatentLength = o.Latent.Length,
            LstmHidden = h, LstmHiddenLength = o.LstmHidden.Length,
            LstmCell = c, LstmCellLength = o.LstmCell.Length,
            ValuePrefix = vp, ValuePrefixLength = o.ValuePrefix.Length,
            Value = v, ValueLength = o.Value.Length,
            PolicyLogits = p, PolicyLogitsLength = o.PolicyLogits.Length,
        };

    private static void CheckBatch(int batch)
    {
        if (batch <= 0) throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch must be positive");
    }

    private static void CheckLength(string name, int length, int batch, int perItem)
    {
        if ((long)batch * perItem != length)
        {
            throw new ArgumentException($"{name} holds {length} elements, expected {batch} x {perItem} = {(long)batch * perItem}", name);
        }
    }

    private void CheckOutputs(InferenceOutputs outputs, int batch)
    {
        CheckLength("outputs.Latent", outputs.Latent.Length, batch, Shape.LatentSize);
        CheckLength("outputs.LstmHidden", outputs.LstmHidden.Length, batch, Shape.LstmHiddenSize);
        CheckLength("outputs.LstmCell", outputs.LstmCell.Length, batch, Shape.LstmHiddenSize);
        CheckLength("outputs.ValuePrefix", outputs.ValuePrefix.Length, batch, 1);
        CheckLength("outputs.Value", outputs.Value.Length, batch, 1);
        CheckLength("outputs.PolicyLogits", outputs.PolicyLogits.Length, batch, Shape.ActionCount);
    }
}
