namespace SpeedyZero.Training.Run;

/// <summary>Where one run's outputs live: <c>{out}/{env}-{yyyyMMdd-HHmmss}-seed{seed}/</c>.</summary>
public sealed class RunFolder
{
    public RunFolder(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
    }

    public static RunFolder CreateNew(string outDirectory, string environment, long seed) =>
        new(Path.Combine(outDirectory, $"{environment}-{DateTime.Now:yyyyMMdd-HHmmss}-seed{seed}"));

    public string Root { get; }

    /// <summary>The effective configuration, every field resolved.</summary>
    public string ConfigPath => Path.Combine(Root, "config.yaml");

    /// <summary>One JSON object per line (learner, eval and progress records).</summary>
    public string MetricsPath => Path.Combine(Root, "metrics.jsonl");

    /// <summary>Learning curves, refreshed during the run.</summary>
    public string CurvesPath => Path.Combine(Root, "curves.png");

    /// <summary>The final summary (JSON).</summary>
    public string SummaryPath => Path.Combine(Root, "summary.json");

    /// <summary>The latest checkpoint (model, optimiser, replay, counters).</summary>
    public string CheckpointPath => Path.Combine(Root, "checkpoint");

    /// <summary>Weights of the best evaluation so far, with best.json saying which (see <see cref="BestWeights"/>).</summary>
    public string BestWeightsPath => Path.Combine(Root, "best.weights");

    /// <summary>Learner step, env steps and mean return of the evaluation that produced best.weights.</summary>
    public string BestInfoPath => Path.Combine(Root, "best.json");

    /// <summary>Weights at the end of a finished run (the final evaluation's), small enough to keep with its results.</summary>
    public string FinalWeightsPath => Path.Combine(Root, "final.weights");

    /// <summary>Replaces <paramref name="path"/> in one move, so a reader never sees half a file.</summary>
    public static void WriteAtomically(string path, Action<Stream> write)
    {
        var temporary = path + ".tmp";
        using (var stream = File.Create(temporary)) write(stream);
        File.Move(temporary, path, overwrite: true);
    }
}
