namespace SpeedyZero.Training.Roles.Evaluator;

/// <summary>
/// What one greedy evaluation played: each episode's return and its length in environment steps.
/// Lengths are kept because some games (MinAtar breakout) have no step limit, so a stronger agent
/// plays longer episodes and an evaluation takes longer.
/// </summary>
public sealed record GreedyEpisodes(double[] Returns, int[] Lengths)
{
    public int Count => Returns.Length;

    public double MeanLength => Lengths.Average();
}
