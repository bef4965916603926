using SpeedyZero.Training.Run;

namespace SpeedyZero.Training.Tests.Run;

public class MetricsLogTests
{
    [Fact]
    public void LinesRoundTripAndATornLastLineIsIgnored()
    {
        var path = Path.Combine(Path.GetTempPath(), $"metrics-{Guid.NewGuid():N}.jsonl");
        try
        {
            using (var log = new MetricsLog(path))
            {
                log.Write("learner", [new("learner_steps", 10), new("loss_total", 1.5)]);
                log.Write("eval", [new("env_steps", 200), new("return_mean", double.NaN)]);
            }

            File.AppendAllText(path, "{\"kind\":\"lear");

            var records = MetricsLog.Read(path);

            Assert.Equal(2, records.Count);
            Assert.Equal("learner", records[0].Kind);
            Assert.Equal(1.5, records[0].Get("loss_total"));
            Assert.Null(records[1].Get("return_mean")); // non-finite values are kept as text, not numbers
            Assert.Equal(200, records[1].Get("env_steps"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
