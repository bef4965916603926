using System.Net;
using System.Net.Sockets;

namespace SpeedyZero.LocalServers;

/// <summary>
/// Loopback ports for servers that must get the same port back after a kill. A port from the
/// kernel (bind to 0) lies in the ephemeral range, where any outgoing connection (a client
/// reconnecting while the server is down) can take it and make the restart fail with "address
/// in use"; these come from below that range, are bindable when handed out and are never
/// handed out twice by one process.
/// </summary>
public static class LocalPorts
{
    private const int Lowest = 20_000;
    private static readonly HashSet<int> Given = [];

    public static int Free()
    {
        var ceiling = EphemeralLow();
        lock (Given)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = Random.Shared.Next(Lowest, ceiling);
                if (!Given.Contains(port) && Bindable(port))
                {
                    Given.Add(port);
                    return port;
                }
            }
        }

        throw new InvalidOperationException($"no free loopback port in [{Lowest}, {ceiling}) after 1000 tries");
    }

    private static bool Bindable(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // The first port of net.ipv4.ip_local_port_range (32768 on Linux unless changed).
    private static int EphemeralLow()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var low = int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
            return low > Lowest + 1000 ? low : 32_768;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32_768;
        }
    }
}
