namespace SpeedyZero.Deploy.Tests;

/// <summary>
/// `make minatar` (scripts/minatar.sh) on the small Catch game: it trains, reports, draws and copies the
/// results to commit; run again, it finds the run finished, leaves its files as they were and reports again;
/// with the run folder gone, the copied results count as the finished game.
/// </summary>
public class MinAtarScriptTests
{
    [Fact]
    public void The_script_trains_each_game_once_and_a_second_call_only_reports()
    {
        var bash = Tool.Require("bash", "apt-get install bash");
        var output = Directory.CreateTempSubdirectory("speedyzero-minatar-script-");
        try
        {
            var environment = new Dictionary<string, string?>
            {
                ["OUT"] = output.FullName,
                ["GAMES"] = "catch",
                ["SEED"] = "3",
                ["CONFIGURATION"] = "Release",
                ["OPENBLAS_NUM_THREADS"] = "1",
                ["RESULTS"] = Path.Combine(output.FullName, "results"),
            };

            // 3.5-4 min beside a training run using both cores; test projects also run side by side.
            var first = Tool.Run(bash, [Repo.PathOf("scripts/minatar.sh")], environment: environment, timeoutSeconds: 600);

            Assert.True(first.ExitCode == 0, first.Output);
            Assert.Contains("catch: starting (seed 3", first.Output);
            var run = Assert.Single(Directory.GetDirectories(Path.Combine(output.FullName, "catch")));
            Assert.Matches(@"catch-\d{8}-\d{6}-seed3$", run);
            var figure = new FileInfo(Path.Combine(output.FullName, "minatar.png"));
            Assert.True(figure.Exists && figure.Length > 1000, first.Output);
            var metrics = File.ReadAllText(Path.Combine(run, "metrics.jsonl"));
            var config = File.ReadAllText(Path.Combine(run, "config.yaml"));
            var state = File.ReadAllText(Path.Combine(run, "checkpoint", "state.json"));
            // The finished game's small outputs are copied for committing, the checkpoint not.
            var results = Path.Combine(output.FullName, "results", "catch");
            Assert.Contains($"catch: results copied to {Path.Combine(output.FullName, "results")}/catch", first.Output);
            Assert.Equal(["best.json", "best.weights", "config.yaml", "curves.png", "final.weights", "metrics.jsonl", "summary.json"],
                Directory.GetFiles(results).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            foreach (var file in Directory.GetFiles(results))
            {
                Assert.Equal(File.ReadAllBytes(Path.Combine(run, Path.GetFileName(file))), File.ReadAllBytes(file));
            }

            var second = Tool.Run(bash, [Repo.PathOf("scripts/minatar.sh")], environment: environment, timeoutSeconds: 120);

            Assert.True(second.ExitCode == 0, second.Output);
            Assert.Contains($"catch: continuing {run}", second.Output);
            Assert.Contains("is finished", second.Output);
            Assert.Contains("seed 3", second.Output);
            Assert.Equal(metrics, File.ReadAllText(Path.Combine(run, "metrics.jsonl")));
            Assert.Equal(config, File.ReadAllText(Path.Combine(run, "config.yaml")));
            Assert.Equal(state, File.ReadAllText(Path.Combine(run, "checkpoint", "state.json")));
            Assert.Single(Directory.GetDirectories(Path.Combine(output.FullName, "catch")));

            PlayTheFinishedRun(run, results);

            // The machine lost its run folders, the committed results remain: the game is not trained again.
            Directory.Delete(Path.Combine(output.FullName, "catch"), recursive: true);
            File.Delete(figure.FullName);
            var third = Tool.Run(bash, [Repo.PathOf("scripts/minatar.sh")], environment: environment, timeoutSeconds: 120);

            Assert.True(third.ExitCode == 0, third.Output);
            Assert.Contains($"catch: finished in {Path.Combine(output.FullName, "results")}/catch (seed 3), not trained again", third.Output);
            Assert.False(Directory.Exists(Path.Combine(output.FullName, "catch")), third.Output);
            Assert.True(File.Exists(figure.FullName), third.Output);
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    // What a user does next: `speedyzero eval` plays the run's weights (or a committed copy of them); weights that do not fit its network are a clear error.
    private static void PlayTheFinishedRun(string run, string results)
    {
        var dotnet = Tool.Require("dotnet", "install the .NET SDK (scripts/deps.sh)");
        var cli = Repo.PathOf("services/SpeedyZero.Cli/bin/Release/net10.0/speedyzero.dll");

        var played = Tool.Run(dotnet, [cli, "eval", "--run", run, "--best", "--episodes", "3"], timeoutSeconds: 120);

        Assert.True(played.ExitCode == 0, played.Output);
        Assert.Matches(@"catch: greedy return -?[\d.]+ ± [\d.]+ over 3 episodes \(best weights, learner step \d+", played.Output);
        // Redirected output is a log: the result line, not a last progress line that says the same just before it.
        Assert.DoesNotContain("3 of 3 episodes ended", played.Output);

        // The copied results hold config.yaml and weights files, no checkpoint: --weights plays them, with the
        // same returns as the run's own --best for the same weights and seed.
        var replayed = Tool.Run(dotnet, [cli, "eval", "--run", results, "--weights", Path.Combine(results, "best.weights"), "--episodes", "3"],
            timeoutSeconds: 120);
        Assert.True(replayed.ExitCode == 0, replayed.Output);
        // A weights file does not record its learner step: none is claimed.
        Assert.Matches(@"\(weights [^,)]*best\.weights;", replayed.Output);
        static string Returns(string output) => System.Text.RegularExpressions.Regex.Match(output, @"greedy return [^(]+").Value;
        Assert.Equal(Returns(played.Output), Returns(replayed.Output));
        var final = Tool.Run(dotnet, [cli, "eval", "--run", results, "--weights", Path.Combine(results, "final.weights"), "--episodes", "3"],
            timeoutSeconds: 120);
        Assert.True(final.ExitCode == 0, final.Output);
        var both = Tool.Run(dotnet, [cli, "eval", "--run", run, "--best", "--weights", Path.Combine(results, "final.weights")], timeoutSeconds: 120);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("--best and --weights name two different weights", both.Output);

        File.WriteAllBytes(Path.Combine(run, "best.weights"), new byte[64]);
        var refused = Tool.Run(dotnet, [cli, "eval", "--run", run, "--best"], timeoutSeconds: 120);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("best.weights does not load into the network", refused.Output);
        Assert.DoesNotContain("Unhandled exception", refused.Output);
    }
}
