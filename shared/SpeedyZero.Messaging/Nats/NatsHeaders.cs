using System.Buffers;
using System.Text;

namespace SpeedyZero.Messaging.Nats;

/// <summary>
/// Message headers (NATS/1.0 block): ordered key/value pairs, keys may repeat, lookup ignores case.
/// Received headers may carry a status line (503 no responders, 100 idle heartbeat, 404, 408, 409).
/// </summary>
public sealed class NatsHeaders
{
    private const string Preamble = "NATS/1.0";
    private readonly List<KeyValuePair<string, string>> _entries = [];

    /// <summary>Status code from the header's first line; 0 when there is none.</summary>
    public int Status { get; private set; }

    /// <summary>Status description from the header's first line, e.g. "Idle Heartbeat".</summary>
    public string? StatusDescription { get; private set; }

    public int Count => _entries.Count;

    public IReadOnlyList<KeyValuePair<string, string>> Entries => _entries;

    /// <summary>First value of <paramref name="key"/>, or null.</summary>
    public string? this[string key]
    {
        get
        {
            foreach (var entry in _entries)
            {
                if (string.Equals(entry.Key, key, StringComparison.OrdinalIgnoreCase))
                {
                    return entry.Value;
                }
            }

            return null;
        }
        set
        {
            _entries.RemoveAll(e => string.Equals(e.Key, key, StringComparison.OrdinalIgnoreCase));
            if (value is not null)
            {
                Add(key, value);
            }
        }
    }

    /// <summary>Adds a value; keys are tokens without ':' or whitespace, values have no CR/LF.</summary>
    public NatsHeaders Add(string key, string value)
    {
        if (key.Length == 0 || key.AsSpan().IndexOfAny(": \t\r\n") >= 0)
        {
            throw new ArgumentException($"invalid header key '{key}'", nameof(key));
        }

        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException($"header value for '{key}' contains CR or LF", nameof(value));
        }

        _entries.Add(new(key, value));
        return this;
    }

    /// <summary>Encoded size in bytes, including the preamble and the final blank line.</summary>
    public int EncodedLength()
    {
        var length = Preamble.Length + 2 + 2;
        foreach (var (key, value) in _entries)
        {
            length += Encoding.UTF8.GetByteCount(key) + 2 + Encoding.UTF8.GetByteCount(value) + 2;
        }

        return length;
    }

    /// <summary>Writes the encoded block; <paramref name="destination"/> holds <see cref="EncodedLength"/> bytes.</summary>
    public int Encode(Span<byte> destination)
    {
        var at = Encoding.ASCII.GetBytes(Preamble, destination);
        destination[at++] = (byte)'\r';
        destination[at++] = (byte)'\n';
        foreach (var (key, value) in _entries)
        {
            at += Encoding.UTF8.GetBytes(key, destination[at..]);
            destination[at++] = (byte)':';
            destination[at++] = (byte)' ';
            at += Encoding.UTF8.GetBytes(value, destination[at..]);
            destination[at++] = (byte)'\r';
            destination[at++] = (byte)'\n';
        }

        destination[at++] = (byte)'\r';
        destination[at++] = (byte)'\n';
        return at;
    }

    /// <summary>Parses a received header block; malformed input raises <see cref="NatsProtocolException"/>.</summary>
    public static NatsHeaders Parse(ReadOnlySpan<byte> block)
    {
        var headers = new NatsHeaders();
        var lineEnd = block.IndexOf("\r\n"u8);
        if (lineEnd < 0 || !block.StartsWith("NATS/1.0"u8))
        {
            throw new NatsProtocolException("header block does not start with 'NATS/1.0\\r\\n'");
        }

        var first = block[8..lineEnd];
        if (!first.IsEmpty)
        {
            first = first.TrimStart((byte)' ');
            var space = first.IndexOf((byte)' ');
            var code = space < 0 ? first : first[..space];
            if (code.Length != 3 || !int.TryParse(code, out var status))
            {
                throw new NatsProtocolException("header status line has no 3-digit status code");
            }

            headers.Status = status;
            if (space >= 0)
            {
                headers.StatusDescription = Encoding.UTF8.GetString(first[(space + 1)..].Trim((byte)' '));
            }
        }

        var rest = block[(lineEnd + 2)..];
        while (true)
        {
            var end = rest.IndexOf("\r\n"u8);
            if (end < 0)
            {
                throw new NatsProtocolException("header block is not terminated by an empty line");
            }

            if (end == 0)
            {
                break;
            }

            var line = rest[..end];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                throw new NatsProtocolException("header line has no 'key:' part");
            }

            var key = Encoding.UTF8.GetString(line[..colon].Trim((byte)' '));
            var value = Encoding.UTF8.GetString(line[(colon + 1)..].Trim((byte)' '));
            headers._entries.Add(new(key, value));
            rest = rest[(end + 2)..];
        }

        return headers;
    }
}
