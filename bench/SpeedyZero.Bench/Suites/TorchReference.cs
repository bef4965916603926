using System.Diagnostics;
using System.Text;
using System.Text.Json;
using SpeedyZero.Engine;

namespace SpeedyZero.Bench.Suites;

/// <summary>
/// The PyTorch side of the engine bench: bench/reference/efficientzero_torch.py (copied next to the
/// bench's assembly) run by Debian's python3 with python3-torch, one child process per call, each
/// printing one JSON object on stdout. The child inherits this process's environment (threads of
/// OpenBLAS, a preloaded jemalloc) and gets the engine's malloc settings as the variable its
/// allocator reads, so both sides run on the same allocator, configured alike.
/// </summary>
public sealed class TorchReference
{
    private const string Package = "python3-torch";

    private TorchReference(string python, string script, string version)
    {
        Python = python;
        Script = script;
        Version = version;
    }

    /// <summary>The interpreter that imported torch.</summary>
    public string Python { get; }

    public string Script { get; }

    /// <summary>torch.__version__ as that interpreter reports it.</summary>
    public string Version { get; }

    /// <summary>
    /// Finds an interpreter that imports torch: SPEEDYZERO_BENCH_PYTHON if set, else Debian's
    /// /usr/bin/python3 (where python3-torch installs; a python3 earlier on PATH, e.g. pyenv's,
    /// does not see it), else python3 on PATH. Throws naming the package when none does.
    /// </summary>
    public static TorchReference Find()
    {
        var script = Path.Combine(AppContext.BaseDirectory, "reference", "efficientzero_torch.py");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"the PyTorch reference script is missing: {script} (bench/reference/efficientzero_torch.py, copied by the bench's build)");
        }

        var overridden = Environment.GetEnvironmentVariable("SPEEDYZERO_BENCH_PYTHON");
        var candidates = string.IsNullOrEmpty(overridden) ? new[] { "/usr/bin/python3", "python3" } : new[] { overridden };
        var tried = new List<string>();
        foreach (var python in candidates)
        {
            var (exit, stdout, stderr) = RunProcess(python, ["-c", "import torch; print(torch.__version__)"], TimeSpan.FromMinutes(2));
            if (exit == 0)
            {
                return new TorchReference(python, script, stdout.Trim());
            }

            tried.Add($"{python}: {LastLine(stderr)}");
        }

        throw new InvalidOperationException(
            $"the engine bench times PyTorch beside the engine and needs Debian's {Package} (PyTorch 1.13.1, the libtorch the engine links): " +
            $"apt-get install {Package} (make deps installs it). No interpreter imported torch: {string.Join("; ", tried)}");
    }

    /// <summary>Runs the script with <paramref name="arguments"/> and parses the JSON object it prints.</summary>
    public JsonElement Run(IEnumerable<string> arguments, TimeSpan timeout)
    {
        var args = new List<string> { Script };
        args.AddRange(arguments);
        var (exit, stdout, stderr) = RunProcess(Python, args, timeout);
        var json = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (exit != 0 || json is null)
        {
            throw new InvalidOperationException(
                $"{Python} {string.Join(' ', args)} exited with {exit}: {json ?? ""} {Tail(stderr)}".Trim());
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static (int Exit, string Stdout, string Stderr) RunProcess(string file, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (NativeAllocator.Applied)
        {
            var (name, value) = NativeAllocator.ChildEnvironment;
            start.Environment[name] = value;
        }

        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, "", e.Message);
        }

        using (process)
        {
            var stdout = new StringBuilder();
            var stderr = new StringBuilder();
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) stdout.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) stderr.AppendLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                return (-1, stdout.ToString(), $"timed out after {timeout.TotalSeconds:F0} s; {stderr}");
            }

            process.WaitForExit();  // drains the redirected streams
            return (process.ExitCode, stdout.ToString(), stderr.ToString());
        }
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(no message)";

    private static string Tail(string text) => text.Length <= 2000 ? text : text[^2000..];
}
