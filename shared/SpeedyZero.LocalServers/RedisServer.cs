using System.Diagnostics;
using System.Globalization;

namespace SpeedyZero.LocalServers;

/// <summary>
/// A Debian <c>redis-server</c> on loopback with its data in its folder, no RDB snapshots;
/// supervised with <c>redis-cli</c> (PING, SHUTDOWN) rather than the client under test, so
/// that starting and stopping it does not depend on the code the tests exercise.
/// </summary>
public sealed class RedisServer : LocalServer
{
    /// <summary>Path of the server binary; SPEEDYZERO_REDIS_SERVER overrides it.</summary>
    public static readonly string BinaryPath = Environment.GetEnvironmentVariable("SPEEDYZERO_REDIS_SERVER") ?? "/usr/bin/redis-server";

    /// <summary>Path of redis-cli (Debian redis-tools); SPEEDYZERO_REDIS_CLI overrides it.</summary>
    public static readonly string CliPath = Environment.GetEnvironmentVariable("SPEEDYZERO_REDIS_CLI") ?? "/usr/bin/redis-cli";

    private readonly RedisServerSettings settings;

    private RedisServer(RedisServerSettings settings)
        : base(BinaryPath, "sz-redis-")
    {
        this.settings = settings;
        TlsPort = settings.Tls is null ? null : LocalPorts.Free();
    }

    public string Host => "127.0.0.1";

    /// <summary>TLS port when <see cref="RedisServerSettings.Tls"/> is set.</summary>
    public int? TlsPort { get; }

    protected override string Name => "redis-server";

    public static Task<RedisServer> StartAsync(RedisServerSettings? settings = null, CancellationToken cancellationToken = default) =>
        StartAsync(new RedisServer(settings ?? RedisServerSettings.Default), cancellationToken);

    protected override IEnumerable<string> Arguments()
    {
        List<string> args =
        [
            "--bind", Host, "--port", Port.ToString(CultureInfo.InvariantCulture),
            "--dir", Directory, "--save", "", "--daemonize", "no", "--logfile", "",
            "--appendonly", settings.AppendOnly ? "yes" : "no",
            // The replay acks a segment once its transaction returned: with fsync on every write
            // that reply means the segment is on disk (docs/cluster.md, "Durability").
            "--appendfsync", "always",
        ];
        if (settings.Password is { } password)
        {
            args.AddRange(["--requirepass", password]);
        }

        if (settings.Tls is { } tls)
        {
            args.AddRange(
            [
                "--tls-port", TlsPort!.Value.ToString(CultureInfo.InvariantCulture),
                "--tls-cert-file", tls.CertificateFile, "--tls-key-file", tls.KeyFile, "--tls-ca-cert-file", tls.CaFile,
                "--tls-auth-clients", tls.RequireClientCertificates ? "yes" : "no",
            ]);
        }

        return args;
    }

    protected override async Task<bool> AnswersAsync(CancellationToken cancellationToken) =>
        (await CliAsync("PING", expectReply: true, TimeSpan.FromSeconds(1))).Contains("PONG", StringComparison.Ordinal);

    // SHUTDOWN writes out the append-only file before the server exits.
    protected override Task RequestShutdownAsync() => CliAsync("SHUTDOWN", expectReply: false, TimeSpan.FromSeconds(5));

    // The password travels in REDISCLI_AUTH, not argv.
    private async Task<string> CliAsync(string command, bool expectReply, TimeSpan timeout)
    {
        if (!File.Exists(CliPath))
        {
            throw new InvalidOperationException(
                $"redis-cli not found at {CliPath}: install the Debian package 'redis-tools' (scripts/deps.sh does) " +
                "or point SPEEDYZERO_REDIS_CLI at the binary.");
        }

        var start = new ProcessStartInfo(CliPath) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-h", Host, "-p", Port.ToString(CultureInfo.InvariantCulture), command })
        {
            start.ArgumentList.Add(arg);
        }

        if (settings.Password is { } password) start.Environment["REDISCLI_AUTH"] = password;
        using var cli = Process.Start(start)!;
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var output = cli.StandardOutput.ReadToEndAsync(cts.Token);
            var errors = cli.StandardError.ReadToEndAsync(cts.Token);
            await cli.WaitForExitAsync(cts.Token);
            var text = await output + await errors;
            if (expectReply && cli.ExitCode != 0) throw new IOException($"redis-cli {command}: exit {cli.ExitCode}: {text.Trim()}");
            return text;
        }
        catch (OperationCanceledException)
        {
            cli.Kill(entireProcessTree: true);
            throw new TimeoutException($"redis-server on port {Port} did not answer {command} within {timeout.TotalSeconds} s");
        }
    }
}
