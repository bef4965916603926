namespace SpeedyZero.Cluster.Tests;

public class MetricCatalogueTests
{
    [Fact]
    public void The_catalogue_parser_reads_every_role_table()
    {
        Assert.Contains(("speedyzero_learner_step", "gauge"), MetricCatalogue.ForRole("learner"));
        Assert.Contains(("speedyzero_ready", "gauge"), MetricCatalogue.ForRole("actor"));
        Assert.Contains(("speedyzero_replay_sample_duration_seconds", "histogram"), MetricCatalogue.ForRole("replay"));
        Assert.Contains(("speedyzero_priority_refresh_sweeps_total", "counter"), MetricCatalogue.ForRole("priority-refresh"));
        Assert.Contains(MetricCatalogue.ForRole("priority-refresh"), m => m.Name == "speedyzero_batches_produced_total"); // "reanalyzer" covers both modes
        Assert.DoesNotContain(MetricCatalogue.ForRole("reanalyzer"), m => m.Name == "speedyzero_priority_refresh_sweeps_total");
        Assert.DoesNotContain(MetricCatalogue.ForRole("actor"), m => m.Name == "up");
        Assert.True(MetricCatalogue.ForRole("learner").Count >= 20);
    }
}
