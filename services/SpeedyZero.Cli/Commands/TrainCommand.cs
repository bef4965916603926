using System.CommandLine;

namespace SpeedyZero.Cli.Commands;

/// <summary><c>speedyzero train</c>: embedded training. The trainer is not part of the build yet.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var command = new Command("train", "Train EfficientZero with all roles in one process (not available yet).");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine(
                "speedyzero train: the embedded trainer is not built yet; it needs the model engine, " +
                "the search/replay core and the role wiring. See README.md, 'Status'.");
            return ExitCodes.NotAvailable;
        });
        return command;
    }
}
