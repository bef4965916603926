using SpeedyZero.Training.Run;

namespace SpeedyZero.Training.Tests.Run;

public class MetricsLogTests
{
    [Fact]
    public void Lines_round_trip_and_a_torn_last_line_is_ignored()
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

    [Fact]
    public void Records_written_after_the_checkpoint_a_resume_started_from_are_dropped()
    {
        var path = Path.Combine(Path.GetTempPath(), $"metrics-{Guid.NewGuid():N}.jsonl");
        try
        {
            // The first process logged until 3.0 s and died; its checkpoint was at 2.2 s, where the resumed one went on.
            File.WriteAllLines(path,
            [
                "{\"time_s\":1.0,\"kind\":\"learner\",\"learner_steps\":10}",
                "{\"time_s\":2.0,\"kind\":\"learner\",\"learner_steps\":20}",
                "{\"time_s\":2.5,\"kind\":\"eval\",\"learner_steps\":25}",
                "{\"time_s\":3.0,\"kind\":\"learner\",\"learner_steps\":30}",
                "{\"time_s\":2.3,\"kind\":\"learner\",\"learner_steps\":23}",
                "{\"time_s\":3.1,\"kind\":\"learner\",\"learner_steps\":31}",
            ]);

            var steps = MetricsLog.Read(path).Select(r => r.Get("learner_steps")).ToArray();

            Assert.Equal([10.0, 20.0, 23.0, 31.0], steps);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
