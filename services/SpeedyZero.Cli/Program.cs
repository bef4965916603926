using System.CommandLine;
using SpeedyZero.Cli.Commands;

var root = new RootCommand("SpeedyZero-k8s: distributed EfficientZero training.")
{
    TrainCommand.Create(),
    EvalCommand.Create(),
    BaselineCommand.Create(),
    InspectCommand.Create(),
    ReportCommand.Create(),
    BenchCommand.Create(),
};
foreach (var command in ServiceCommands.Create()) root.Add(command);

return await root.Parse(args).InvokeAsync();
