namespace SpeedyZero.Cluster.Hosting;

/// <summary>The processes of a distributed run (the <c>speedyzero</c> subcommands).</summary>
public enum ServiceRole
{
    Actor,
    Replay,
    Reanalyzer,
    PriorityRefresh,
    Learner,
    Evaluator,
}
