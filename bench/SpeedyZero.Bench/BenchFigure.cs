namespace SpeedyZero.Bench;

/// <summary>One measured number with its unit; <paramref name="Note"/> says what it is compared to.</summary>
public sealed record BenchFigure(string Name, double Value, string Unit, string? Note = null);
