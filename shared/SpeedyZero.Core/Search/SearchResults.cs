namespace SpeedyZero.Core.Search;

/// <summary>
/// Caller-owned result buffers of a batched search, sized once for the largest batch and reused.
/// Rows past the batch of the last search are left untouched.
/// </summary>
public sealed class SearchResults
{
    public SearchResults(int maxBatch, int actionCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(actionCount, 1);
        MaxBatch = maxBatch;
        ActionCount = actionCount;
        VisitCounts = new int[maxBatch * actionCount];
        Policy = new float[maxBatch * actionCount];
        RootValue = new float[maxBatch];
        Action = new int[maxBatch];
    }

    /// <summary>Largest batch these buffers hold.</summary>
    public int MaxBatch { get; }

    /// <summary>Actions per root.</summary>
    public int ActionCount { get; }

    /// <summary>Roots filled by the last search.</summary>
    public int Batch { get; internal set; }

    /// <summary>[batch, ActionCount] visits of each root child.</summary>
    public int[] VisitCounts { get; }

    /// <summary>[batch, ActionCount] root visit distribution (visits / total child visits): the policy target.</summary>
    public float[] Policy { get; }

    /// <summary>[batch] search value at the root: mean of the root's prediction and every backed-up return.</summary>
    public float[] RootValue { get; }

    /// <summary>[batch] chosen action: sampled from visits^(1/T), or the most visited when T = 0.</summary>
    public int[] Action { get; }

    /// <summary>Visit distribution of root <paramref name="root"/>.</summary>
    public ReadOnlySpan<float> PolicyOf(int root) => Policy.AsSpan(root * ActionCount, ActionCount);

    /// <summary>Visit counts of root <paramref name="root"/>.</summary>
    public ReadOnlySpan<int> VisitCountsOf(int root) => VisitCounts.AsSpan(root * ActionCount, ActionCount);
}
