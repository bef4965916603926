namespace SpeedyZero.Training.Roles.Evaluator;

/// <summary>
/// Where a greedy evaluation stands after one lock-step: how many steps it has played and how many of its episodes
/// have ended. Reported because an evaluation lasts as long as its longest episode, minutes in games without a step
/// limit (MinAtar breakout), and a user watching <c>speedyzero eval</c> should see it move.
/// </summary>
public readonly record struct EvaluationProgress(int Steps, int Finished, int Episodes);
