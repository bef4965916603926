namespace SpeedyZero.Storage.Redis;

/// <summary>The waiter of a whole batch: collects its replies in order and completes once, at the last.</summary>
internal sealed class BatchPendingReply(int count, CancellationToken cancellationToken) : PendingReply
{
    private readonly RedisReply[] replies = new RedisReply[count];
    private readonly TaskCompletionSource<RedisReply[]> completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int received;
    private CancellationTokenRegistration registration;

    public Task<RedisReply[]> Task => completion.Task;

    /// <summary>Hooks cancellation after construction so a cancelled token cannot complete it twice.</summary>
    public void WatchCancellation()
    {
        if (cancellationToken.CanBeCanceled)
        {
            registration = cancellationToken.UnsafeRegister(
                static (state, token) => ((BatchPendingReply)state!).Cancel(token), this);
        }
    }

    public override bool Deliver(in RedisReply reply)
    {
        replies[received++] = reply;
        if (received < replies.Length)
        {
            return false;
        }

        if (TryFinish())
        {
            registration.Unregister();
            completion.SetResult(replies);
        }

        return true;
    }

    public override void Fail(Exception error)
    {
        if (TryFinish())
        {
            registration.Unregister();
            completion.SetException(error);
        }
    }

    private void Cancel(CancellationToken token)
    {
        if (TryFinish())
        {
            completion.SetCanceled(token);
        }
    }
}
