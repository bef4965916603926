using System.CommandLine;
using SpeedyZero.Cluster.Hosting;

namespace SpeedyZero.Cli.Commands;

/// <summary>
/// <c>speedyzero actor|replay|reanalyzer|learner|evaluator --config FILE</c>: one role of a
/// distributed run as its own process (docs/deployment.md, docs/cluster.md).
/// </summary>
public static class ServiceCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Role("actor", "Self-play: step environments, search with the latest weights, publish segments.", ServiceRole.Actor);
        yield return Role("replay", "Store segments in Redis, keep the priority index, serve samples and priority updates.", ServiceRole.Replay);
        yield return Role("reanalyzer", "Reanalyze samples into training batches (--mode reanalyze) or refresh priorities (--mode refresh).", null);
        yield return Role("learner", "Train on batches, publish weights and priorities, checkpoint and resume.", ServiceRole.Learner);
        yield return Role("evaluator", "Greedy evaluation of the latest weights.", ServiceRole.Evaluator);
    }

    private static Command Role(string name, string description, ServiceRole? role)
    {
        var config = new Option<string?>("--config") { Description = "YAML configuration (its 'preset' key loads underneath it); SPEEDYZERO__SECTION__KEY variables override it." };
        var set = new Option<string[]>("--set") { Description = "Override one key, e.g. --set metrics.port=9191 (repeatable; wins over file and environment)." };
        var command = new Command(name, description) { config, set };
        Option<string>? mode = null;
        if (role is null)
        {
            mode = new Option<string>("--mode") { Description = "reanalyze (default) or refresh (Priority Refresh).", DefaultValueFactory = _ => "reanalyze" };
            mode.AcceptOnlyFromAmong("reanalyze", "refresh");
            command.Add(mode);
        }

        command.SetAction((result, cancellationToken) =>
        {
            var chosen = role ?? (result.GetValue(mode!) == "refresh" ? ServiceRole.PriorityRefresh : ServiceRole.Reanalyzer);
            return ServiceHost.RunAsync(chosen, result.GetValue(config), result.GetValue(set) ?? [], cancellationToken);
        });
        return command;
    }
}
