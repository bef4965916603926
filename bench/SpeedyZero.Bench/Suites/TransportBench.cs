using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SpeedyZero.Bench.Servers;
using SpeedyZero.Messaging.Nats;

namespace SpeedyZero.Bench.Suites;

/// <summary>
/// NATS publish throughput (publisher → server → subscriber) at 128 B, 16 KB and 1 MB, and
/// request/reply latency, each next to a raw loopback TCP socket pair measured in the same run.
/// </summary>
public sealed class TransportBench : IBenchSuite
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(1);

    public string Name => "transport";

    public string Description => "NATS publish throughput and request/reply latency vs the loopback socket limit";

    public async Task RunAsync(BenchReport report, CancellationToken cancellationToken)
    {
        await using var server = await NatsServerProcess.StartAsync(cancellationToken);
        var options = NatsOptions.Default with { Url = server.Url, SubscriptionCapacity = 1 << 16 };

        var loopback = await LoopbackBytesPerSecondAsync(cancellationToken);
        report.Add("loopback socket", loopback / 1e6, "MB/s", "raw TCP pair, 64 KB writes: the ceiling");
        foreach (var size in new[] { 128, 16 * 1024, 1024 * 1024 })
        {
            var (messages, bytes, dropped) = await PublishThroughputAsync(options, size, cancellationToken);
            var label = size >= 1024 * 1024 ? "1 MB" : size >= 1024 ? $"{size / 1024} KB" : $"{size} B";
            report.Add($"publish {label}", messages, "msgs/s", $"end to end through the server; {dropped} dropped");
            report.Add($"publish {label} bytes", bytes / 1e6, "MB/s");
            report.Add($"publish {label} vs loopback", bytes / loopback, "ratio", "every byte crosses loopback twice (in and out of the server)");
        }

        var loopbackRtt = await LoopbackRoundTripAsync(cancellationToken);
        report.Add("loopback round trip", loopbackRtt.TotalMicroseconds, "us", "128 B ping-pong on a raw TCP pair");
        var (mean, p99) = await RequestReplyAsync(options, cancellationToken);
        report.Add("request/reply mean", mean.TotalMicroseconds, "us", "128 B request, responder on another connection");
        report.Add("request/reply p99", p99.TotalMicroseconds, "us");
        report.Add("request/reply vs loopback", mean / loopbackRtt, "ratio", "a request crosses loopback four times");
    }

    private static async Task<(double MessagesPerSecond, double BytesPerSecond, long Dropped)> PublishThroughputAsync(NatsOptions options, int size, CancellationToken cancellationToken)
    {
        await using var publisher = await NatsConnection.ConnectAsync(options, cancellationToken);
        await using var subscriber = await NatsConnection.ConnectAsync(options, cancellationToken);
        await using var subscription = await subscriber.SubscribeAsync("bench.pub", cancellationToken: cancellationToken);
        await subscriber.PingAsync(cancellationToken: cancellationToken);
        long received = 0;
        var lastArrival = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var draining = Task.Run(async () =>
        {
            try
            {
                await foreach (var _ in subscription.ReadAllAsync(stop.Token))
                {
                    Interlocked.Increment(ref received);
                }
            }
            catch (OperationCanceledException)
            {
                // Measurement over.
            }
        }, CancellationToken.None);

        var payload = new byte[size];
        var sent = 0L;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < Budget)
        {
            for (var i = 0; i < 64; i++)
            {
                await publisher.PublishAsync("bench.pub", payload, cancellationToken: cancellationToken);
            }

            sent += 64;
        }

        await publisher.PingAsync(TimeSpan.FromSeconds(30), cancellationToken);
        var settle = Stopwatch.StartNew();
        while (Interlocked.Read(ref received) + subscription.Dropped < sent && settle.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(1, cancellationToken);
        }

        var seconds = watch.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await draining;
        var delivered = Interlocked.Read(ref received);
        return (delivered / seconds, delivered * (double)size / seconds, subscription.Dropped);
    }

    private static async Task<(TimeSpan Mean, TimeSpan P99)> RequestReplyAsync(NatsOptions options, CancellationToken cancellationToken)
    {
        await using var responder = await NatsConnection.ConnectAsync(options, cancellationToken);
        await using var requester = await NatsConnection.ConnectAsync(options, cancellationToken);
        await using var service = await responder.SubscribeAsync("bench.echo", cancellationToken: cancellationToken);
        await responder.PingAsync(cancellationToken: cancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var serving = Task.Run(async () =>
        {
            try
            {
                await foreach (var request in service.ReadAllAsync(stop.Token))
                {
                    await request.ReplyAsync(request.Data, cancellationToken: stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
                // Measurement over.
            }
        }, CancellationToken.None);

        var payload = new byte[128];
        for (var i = 0; i < 200; i++)
        {
            await requester.RequestAsync("bench.echo", payload, cancellationToken: cancellationToken);
        }

        var samples = new List<double>();
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < Budget)
        {
            var started = Stopwatch.GetTimestamp();
            await requester.RequestAsync("bench.echo", payload, cancellationToken: cancellationToken);
            samples.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        }

        await stop.CancelAsync();
        await serving;
        samples.Sort();
        return (TimeSpan.FromMicroseconds(samples.Average()), TimeSpan.FromMicroseconds(samples[(int)(samples.Count * 0.99)]));
    }

    private static async Task<double> LoopbackBytesPerSecondAsync(CancellationToken cancellationToken)
    {
        var (client, server) = await SocketPairAsync(cancellationToken);
        using (client)
        using (server)
        {
            var block = new byte[64 * 1024];
            long total = 0;
            var reading = Task.Run(async () =>
            {
                var buffer = new byte[256 * 1024];
                int read;
                while ((read = await server.ReceiveAsync(buffer, cancellationToken)) > 0)
                {
                    total += read;
                }
            }, CancellationToken.None);

            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < Budget)
            {
                await client.SendAsync(block, cancellationToken);
            }

            client.Shutdown(SocketShutdown.Send);
            await reading;
            return total / watch.Elapsed.TotalSeconds;
        }
    }

    private static async Task<TimeSpan> LoopbackRoundTripAsync(CancellationToken cancellationToken)
    {
        var (client, server) = await SocketPairAsync(cancellationToken);
        using (client)
        using (server)
        {
            var echoing = Task.Run(async () =>
            {
                var buffer = new byte[128];
                int read;
                while ((read = await server.ReceiveAsync(buffer, cancellationToken)) > 0)
                {
                    await server.SendAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }, CancellationToken.None);

            var message = new byte[128];
            var reply = new byte[128];
            var rounds = 0;
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < Budget)
            {
                await client.SendAsync(message, cancellationToken);
                var got = 0;
                while (got < reply.Length)
                {
                    got += await client.ReceiveAsync(reply.AsMemory(got), cancellationToken);
                }

                rounds++;
            }

            var elapsed = watch.Elapsed;
            client.Shutdown(SocketShutdown.Send);
            await echoing;
            return elapsed / rounds;
        }
    }

    private static async Task<(Socket Client, Socket Server)> SocketPairAsync(CancellationToken cancellationToken)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accepting = listener.AcceptAsync(cancellationToken);
        await client.ConnectAsync(listener.LocalEndPoint!, cancellationToken);
        var server = await accepting;
        server.NoDelay = true;
        return (client, server);
    }
}
