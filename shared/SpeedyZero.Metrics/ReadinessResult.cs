namespace SpeedyZero.Metrics;

/// <summary>Outcome of one readiness check, with a short reason when not ready.</summary>
public readonly record struct ReadinessResult(bool IsReady, string? Detail)
{
    public static ReadinessResult Ready(string? detail = null) => new(true, detail);

    public static ReadinessResult NotReady(string detail) => new(false, detail);
}
