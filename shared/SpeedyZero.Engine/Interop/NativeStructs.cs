using System.Runtime.InteropServices;

namespace SpeedyZero.Engine.Interop;

// Blittable mirrors of the structs in native/include/speedyzero_engine.h, field for field.

[StructLayout(LayoutKind.Sequential)]
internal struct NativeModelShape
{
    public int ObservationSize;
    public int LatentSize;
    public int LstmHiddenSize;
    public int ActionCount;
    public int Unroll;
    public int ValueSupport;
    public int ValuePrefixSupport;
    public int Reserved;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeInferenceOutputs
{
    public float* Latent;
    public long LatentLength;
    public float* LstmHidden;
    public long LstmHiddenLength;
    public float* LstmCell;
    public long LstmCellLength;
    public float* ValuePrefix;
    public long ValuePrefixLength;
    public float* Value;
    public long ValueLength;
    public float* PolicyLogits;
    public long PolicyLogitsLength;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeTrainBatch
{
    public int Batch;
    public int Reserved;
    public float* Observations;
    public long ObservationsLength;
    public int* Actions;
    public long ActionsLength;
    public float* Masks;
    public long MasksLength;
    public float* TargetValuePrefix;
    public long TargetValuePrefixLength;
    public float* TargetValue;
    public long TargetValueLength;
    public float* TargetPolicy;
    public long TargetPolicyLength;
    public float* Weights;
    public long WeightsLength;
}

[StructLayout(LayoutKind.Sequential)]
internal struct NativeTrainResult
{
    public double Total;
    public double Policy;
    public double Value;
    public double ValuePrefix;
    public double Consistency;
    public double GradNorm;
    public double LearningRate;
    public long Step;
}

[StructLayout(LayoutKind.Sequential)]
internal struct NativeLarsOptions
{
    public double LearningRate;
    public double Momentum;
    public double WeightDecay;
    public double Eta;
    public double TrustMin;
    public double TrustMax;
    public double Eps;
}
