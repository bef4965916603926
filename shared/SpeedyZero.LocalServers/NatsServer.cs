using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace SpeedyZero.LocalServers;

/// <summary>A Debian <c>nats-server -js</c> on loopback with its JetStream store in its folder.</summary>
public sealed partial class NatsServer : LocalServer
{
    private const int SigTerm = 15;
    private readonly string? configFile;

    private NatsServer(string? config)
        : base(FindBinary(), "sz-nats-")
    {
        if (config is not null)
        {
            configFile = Path.Combine(Directory, "nats.conf");
            File.WriteAllText(configFile, config.Replace("{dir}", Directory, StringComparison.Ordinal));
        }
    }

    public string Url => $"nats://127.0.0.1:{Port}";

    protected override string Name => "nats-server";

    /// <summary>
    /// Starts a server. <paramref name="config"/> is nats-server config text (authorization, tls,
    /// max_payload...); a "{dir}" inside it is replaced by the server's folder.
    /// </summary>
    public static Task<NatsServer> StartAsync(string? config = null, CancellationToken cancellationToken = default) =>
        StartAsync(new NatsServer(config), cancellationToken);

    /// <summary>$NATS_SERVER_BIN, else the first of /usr/sbin, /usr/bin, /usr/local/bin that has it (start fails loudly if none).</summary>
    private static string FindBinary()
    {
        string[] candidates = [Environment.GetEnvironmentVariable("NATS_SERVER_BIN") ?? "", "/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"];
        return candidates.FirstOrDefault(c => c.Length > 0 && File.Exists(c)) ?? "/usr/sbin/nats-server";
    }

    protected override IEnumerable<string> Arguments()
    {
        if (configFile is not null)
        {
            yield return "-c";
            yield return configFile;
        }

        foreach (var argument in new[] { "-js", "-a", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-sd", Path.Combine(Directory, "store") })
        {
            yield return argument;
        }
    }

    // The server greets every connection with INFO.
    protected override async Task<bool> AnswersAsync(CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
            var buffer = new byte[4];
            var read = await client.GetStream().ReadAtLeastAsync(buffer, 4, throwOnEndOfStream: false, timeout.Token);
            return read == 4 && Encoding.ASCII.GetString(buffer) == "INFO";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    // SIGTERM: the server flushes its file store and exits.
    protected override Task RequestShutdownAsync()
    {
        _ = Kill(ProcessId, SigTerm);
        return Task.CompletedTask;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
