using System.Threading.Tasks.Sources;

namespace SpeedyZero.Storage.Redis;

/// <summary>One command's waiter: a single allocation that is its own ValueTask source.</summary>
internal sealed class SinglePendingReply : PendingReply, IValueTaskSource<RedisReply>
{
    private ManualResetValueTaskSourceCore<RedisReply> core = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenRegistration registration;

    public SinglePendingReply(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            // Cancelling only stops the wait: the command is on the wire and its reply is still consumed.
            registration = cancellationToken.UnsafeRegister(
                static (state, token) => ((SinglePendingReply)state!).Cancel(token), this);
        }
    }

    public ValueTask<RedisReply> Task => new(this, core.Version);

    public override bool Deliver(in RedisReply reply)
    {
        if (TryFinish())
        {
            registration.Unregister();
            core.SetResult(reply);
        }

        return true;
    }

    public override void Fail(Exception error)
    {
        if (TryFinish())
        {
            registration.Unregister();
            core.SetException(error);
        }
    }

    public RedisReply GetResult(short token) => core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => core.OnCompleted(continuation, state, token, flags);

    private void Cancel(CancellationToken token)
    {
        if (TryFinish())
        {
            core.SetException(new OperationCanceledException(token));
        }
    }
}
