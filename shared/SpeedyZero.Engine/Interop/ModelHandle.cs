using Microsoft.Win32.SafeHandles;

namespace SpeedyZero.Engine.Interop;

/// <summary>Owns one native model; destroys it exactly once, even if the owner forgets to dispose.</summary>
internal sealed class ModelHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public ModelHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle() => NativeMethods.ModelDestroy(handle) == NativeStatus.Ok;
}
