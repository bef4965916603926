using System.Text;

namespace SpeedyZero.Engine.Interop;

/// <summary>Turns a native status code into a typed exception carrying the native message.</summary>
internal static class NativeStatus
{
    public const int Ok = 0;
    public const int InvalidArgument = 1;

    public static void Check(int status, string operation)
    {
        if (status == Ok)
        {
            return;
        }

        var message = $"{operation}: {LastErrorMessage()}";
        throw status == InvalidArgument
            ? new EngineArgumentException(message)
            : new EngineException(message);
    }

    private static unsafe string LastErrorMessage()
    {
        Span<byte> buffer = stackalloc byte[1024];
        int length;
        fixed (byte* p = buffer)
        {
            length = NativeMethods.LastError(p, buffer.Length);
        }

        if (length < buffer.Length)
        {
            return Encoding.UTF8.GetString(buffer[..length]);
        }

        var large = new byte[length + 1];
        fixed (byte* p = large)
        {
            length = Math.Min(NativeMethods.LastError(p, large.Length), large.Length - 1);
        }

        return Encoding.UTF8.GetString(large, 0, length);
    }
}
