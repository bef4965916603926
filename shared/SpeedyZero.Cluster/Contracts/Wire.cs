using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;

namespace SpeedyZero.Cluster.Contracts;

/// <summary>
/// Encoding and decoding of the contracts: MessagePack-CSharp with the standard resolver plus
/// <see cref="TensorFormatter"/>, always in <see cref="MessagePackSecurity.UntrustedData"/> mode.
/// </summary>
public static class Wire
{
    /// <summary>The schema version this build writes and the only one it reads.</summary>
    public const int Version = 1;

    /// <summary>The serializer options of every contract (standard resolver + tensors, untrusted-data security).</summary>
    public static MessagePackSerializerOptions Options { get; } = MessagePackSerializerOptions.Standard
        .WithResolver(CompositeResolver.Create(new IMessagePackFormatter[] { TensorFormatter.Instance }, new IFormatterResolver[] { StandardResolver.Instance }))
        .WithSecurity(MessagePackSecurity.UntrustedData);

    /// <summary>Now as Unix milliseconds (the contracts' <c>CreatedAtMs</c>).</summary>
    public static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>The message's bytes; throws <see cref="FormatException"/> when it is of another version or breaks its contract.</summary>
    public static byte[] Encode<T>(T message)
        where T : class, IWireContract
    {
        ArgumentNullException.ThrowIfNull(message);
        RequireVersion(message);
        message.Validate();
        return MessagePackSerializer.Serialize(message, Options);
    }

    /// <summary>
    /// Reads one <typeparamref name="T"/> that fills <paramref name="data"/> exactly, of this build's
    /// version, that passes its <see cref="IWireContract.Validate"/>. Any other input, whatever it is,
    /// throws <see cref="FormatException"/> saying why; no other exception escapes.
    /// </summary>
    public static T Decode<T>(ReadOnlyMemory<byte> data)
        where T : class, IWireContract
    {
        var reader = new MessagePackReader(data);
        return Decode<T>(ref reader);
    }

    /// <summary>As <see cref="Decode{T}(ReadOnlyMemory{byte})"/>, from a possibly multi-segment buffer.</summary>
    public static T Decode<T>(in System.Buffers.ReadOnlySequence<byte> data)
        where T : class, IWireContract
    {
        var reader = new MessagePackReader(data);
        return Decode<T>(ref reader);
    }

    private static T Decode<T>(ref MessagePackReader reader)
        where T : class, IWireContract
    {
        T? message;
        try
        {
            message = MessagePackSerializer.Deserialize<T>(ref reader, Options);
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or OverflowException or InsufficientExecutionStackException)
        {
            throw new FormatException($"malformed {typeof(T).Name}: {Innermost(e).Message}", e);
        }

        if (message is null) throw new FormatException($"malformed {typeof(T).Name}: nil instead of a message");
        if (!reader.End) throw new FormatException($"malformed {typeof(T).Name}: {reader.Sequence.Length - reader.Consumed} bytes after the message");
        RequireVersion(message);
        message.Validate();
        return message;
    }

    private static void RequireVersion(IWireContract message)
    {
        if (message.Version != Version)
        {
            throw new FormatException($"{message.GetType().Name}: schema version {message.Version}; this build reads {Version}");
        }
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
