using System.Text.Json;
using SpeedyZero.Training.Progress;

namespace SpeedyZero.Training.Run;

/// <summary>
/// Keeps the weights of the best greedy evaluation of a run (best.weights + best.json), so a run
/// whose return later falls still leaves its best policy behind (<c>speedyzero eval --best</c>).
/// A resumed run continues from the best recorded before.
/// </summary>
public sealed class BestWeights
{
    private readonly RunFolder folder;

    public BestWeights(RunFolder folder)
    {
        this.folder = folder;
        Best = Read(folder.BestInfoPath);
    }

    /// <summary>The best evaluation so far, or null before the first.</summary>
    public BestEvaluation? Best { get; private set; }

    /// <summary>Writes <paramref name="weights"/> when <paramref name="result"/> beats the best so far; returns whether it did.</summary>
    public bool Offer(EvaluationResult result, byte[] weights)
    {
        if (Best is { } best && result.Mean <= best.ReturnMean) return false;
        var evaluation = new BestEvaluation(result.LearnerStep, result.EnvSteps, result.Mean, result.StandardDeviation);
        // Weights first, then the record that names them; each replaces the old file in one move.
        RunFolder.WriteAtomically(folder.BestWeightsPath, stream => stream.Write(weights));
        RunFolder.WriteAtomically(folder.BestInfoPath, stream => JsonSerializer.Serialize(stream, evaluation, Json));
        Best = evaluation;
        return true;
    }

    private static BestEvaluation? Read(string path)
    {
        if (!File.Exists(path)) return null;
        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize<BestEvaluation>(stream, Json);
    }

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };
}

/// <summary>The evaluation behind best.weights.</summary>
public sealed record BestEvaluation(long LearnerSteps, long EnvSteps, double ReturnMean, double ReturnStd);
