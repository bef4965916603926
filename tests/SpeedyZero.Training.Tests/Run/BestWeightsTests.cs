using SpeedyZero.Training.Progress;
using SpeedyZero.Training.Run;

namespace SpeedyZero.Training.Tests.Run;

public sealed class BestWeightsTests
{
    private static RunFolder NewFolder() => new(Path.Combine(Path.GetTempPath(), "speedyzero-tests", Guid.NewGuid().ToString("N")));

    [Fact]
    public void Keeps_the_weights_of_the_best_evaluation_only()
    {
        var folder = NewFolder();
        var best = new BestWeights(folder);
        Assert.Null(best.Best);

        Assert.True(best.Offer(new EvaluationResult(100, 1000, [100, 120]), [1, 2, 3]));
        Assert.False(best.Offer(new EvaluationResult(200, 2000, [50, 60]), [4, 5, 6]));
        Assert.False(best.Offer(new EvaluationResult(250, 2500, [110, 110]), [4, 5, 6])); // equal mean: the earlier one stays
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(folder.BestWeightsPath));

        Assert.True(best.Offer(new EvaluationResult(300, 3000, [490, 500]), [7, 8]));
        Assert.Equal(new byte[] { 7, 8 }, File.ReadAllBytes(folder.BestWeightsPath));
        Assert.Equal(new BestEvaluation(300, 3000, 495, 5), best.Best);
    }

    [Fact]
    public void A_resumed_run_continues_from_the_recorded_best()
    {
        var folder = NewFolder();
        new BestWeights(folder).Offer(new EvaluationResult(300, 3000, [400, 400]), [9]);

        var reopened = new BestWeights(folder);
        Assert.Equal(400, reopened.Best!.ReturnMean);
        Assert.False(reopened.Offer(new EvaluationResult(400, 4000, [300, 300]), [1]));
        Assert.Equal(new byte[] { 9 }, File.ReadAllBytes(folder.BestWeightsPath));
        Assert.False(File.Exists(folder.BestWeightsPath + ".tmp"), "no temporary file is left behind");
    }
}
