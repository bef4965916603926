using System.Buffers.Binary;

namespace SpeedyZero.Core.Segments;

/// <summary>Encodes one observation into its compact stored form and back.</summary>
public static class ObservationCodec
{
    /// <summary>Bytes one observation of <paramref name="size"/> floats takes in <paramref name="encoding"/>.</summary>
    public static int EncodedSize(ObservationEncoding encoding, int size) => encoding switch
    {
        ObservationEncoding.Float32 => checked(size * 4),
        ObservationEncoding.Bits => (size + 7) / 8,
        ObservationEncoding.Bytes => size,
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "unknown observation encoding"),
    };

    /// <summary>Writes <paramref name="observation"/> into <paramref name="destination"/> (exactly <see cref="EncodedSize"/> bytes).</summary>
    /// <exception cref="ArgumentException">A value the encoding cannot hold exactly.</exception>
    public static void Encode(ObservationEncoding encoding, ReadOnlySpan<float> observation, Span<byte> destination)
    {
        switch (encoding)
        {
            case ObservationEncoding.Float32:
                for (var i = 0; i < observation.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(destination[(i * 4)..], observation[i]);
                }

                break;
            case ObservationEncoding.Bits:
                destination[..EncodedSize(encoding, observation.Length)].Clear();
                for (var i = 0; i < observation.Length; i++)
                {
                    var v = observation[i];
                    if (v == 1f)
                    {
                        destination[i >> 3] |= (byte)(1 << (i & 7));
                    }
                    else if (v != 0f)
                    {
                        throw new ArgumentException($"observation value {v} at {i} is not binary; use another encoding", nameof(observation));
                    }
                }

                break;
            case ObservationEncoding.Bytes:
                for (var i = 0; i < observation.Length; i++)
                {
                    var v = observation[i];
                    if (!(v >= 0f && v <= 255f) || v != MathF.Floor(v))
                    {
                        throw new ArgumentException($"observation value {v} at {i} is not a byte", nameof(observation));
                    }

                    destination[i] = (byte)v;
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "unknown observation encoding");
        }
    }

    /// <summary>Reads one stored observation into <paramref name="destination"/>.</summary>
    public static void Decode(ObservationEncoding encoding, ReadOnlySpan<byte> source, Span<float> destination)
    {
        switch (encoding)
        {
            case ObservationEncoding.Float32:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(i * 4)..]);
                }

                break;
            case ObservationEncoding.Bits:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = (source[i >> 3] >> (i & 7)) & 1;
                }

                break;
            case ObservationEncoding.Bytes:
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = source[i];
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "unknown observation encoding");
        }
    }
}
