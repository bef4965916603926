namespace SpeedyZero.Training.Roles;

/// <summary>
/// Roles run their compute loops on dedicated threads; these wait for channel operations
/// there, without a detour through the thread pool when the operation already completed.
/// </summary>
public static class Blocking
{
    public static T Wait<T>(ValueTask<T> operation) =>
        operation.IsCompletedSuccessfully ? operation.Result : operation.AsTask().GetAwaiter().GetResult();

    public static void Wait(ValueTask operation)
    {
        if (!operation.IsCompletedSuccessfully)
        {
            operation.AsTask().GetAwaiter().GetResult();
        }
    }
}
