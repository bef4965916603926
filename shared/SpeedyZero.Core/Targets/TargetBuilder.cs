using SpeedyZero.Core.Segments;
using SpeedyZero.Core.Environments;

namespace SpeedyZero.Core.Targets;

/// <summary>
/// Training targets of one sample (ALGORITHM.md sections 2 and 4): for unroll steps k = 0..K from
/// position t, n-step value targets <c>z = sum_{j&lt;l} g^j r_{t+k+j} + g^l v(o_{t+k+l})</c> with
/// bootstrap values supplied by the caller (the target network's), value-prefix targets (the
/// undiscounted reward sum since the last LSTM reset), stored search policies, and masks past
/// the end of the episode. The caller asks <see cref="BootstrapSteps"/> which observations need a
/// value, evaluates them, then calls <see cref="Compute"/>. Allocation-free.
/// </summary>
public static class TargetBuilder
{
    /// <summary>
    /// Value horizon of a transition <paramref name="age"/> transitions old:
    /// <c>clip(n - floor(age / (f T)), 1, n)</c>, or n when the dynamic horizon is off.
    /// </summary>
    /// <param name="options">n = TdSteps, f = HorizonAgeFraction.</param>
    /// <param name="age">Transitions added after this one.</param>
    /// <param name="totalTransitions">T: the run's total transitions.</param>
    public static int Horizon(TargetOptions options, long age, long totalTransitions)
    {
        if (!options.DynamicHorizon) return options.TdSteps;
        ArgumentOutOfRangeException.ThrowIfNegative(age);
        ArgumentOutOfRangeException.ThrowIfLessThan(totalTransitions, 1);
        var lost = Math.Floor(age / (options.HorizonAgeFraction * totalTransitions));
        return (int)Math.Clamp(options.TdSteps - lost, 1, options.TdSteps);
    }

    /// <summary>
    /// For each unroll step k (K + 1 entries), the step whose observation's value the target at
    /// <c>start + k</c> bootstraps from, or -1 when it takes none (past the end, or the horizon
    /// reaches a terminal state). A truncated episode bootstraps from its final observation.
    /// </summary>
    public static void BootstrapSteps(TargetOptions options, in TrajectoryView trajectory, int start, int horizon, Span<int> steps)
    {
        Check(options, trajectory, start, horizon, steps.Length, "steps");
        for (var k = 0; k <= options.UnrollSteps; k++)
        {
            steps[k] = BootstrapStep(trajectory, start + k, horizon);
        }
    }

    /// <summary>
    /// Fills the targets of the sample at <paramref name="start"/>.
    /// </summary>
    /// <param name="options">Unroll, discount, value-prefix horizon, reward clipping.</param>
    /// <param name="trajectory">Rewards, policies and episode end.</param>
    /// <param name="start">Position t of the sample.</param>
    /// <param name="horizon">Value horizon l (see <see cref="Horizon"/>).</param>
    /// <param name="bootstrapValues">[K + 1] value of the observation <see cref="BootstrapSteps"/> named for each k; read only where it named one.</param>
    /// <param name="values">[K + 1] value targets; 0 past the end.</param>
    /// <param name="valuePrefixes">[K] value-prefix targets of unroll steps 1..K; the sum stops growing past the end.</param>
    /// <param name="policies">[K + 1, A] stored search policies; zeros past the end.</param>
    /// <param name="masks">[K + 1] 1 where step t + k is an acted step (value, policy and consistency count), else 0.</param>
    /// <param name="prefixMasks">[K] 1 where unroll step k's reward exists (step t + k - 1 is acted), else 0.</param>
    public static void Compute(TargetOptions options, in TrajectoryView trajectory, int start, int horizon, ReadOnlySpan<float> bootstrapValues,
        Span<float> values, Span<float> valuePrefixes, Span<float> policies, Span<float> masks, Span<float> prefixMasks)
    {
        var unroll = options.UnrollSteps;
        Check(options, trajectory, start, horizon, values.Length, nameof(values));
        if (bootstrapValues.Length < unroll + 1) throw new ArgumentException($"needs {unroll + 1} bootstrap values", nameof(bootstrapValues));
        if (masks.Length < unroll + 1) throw new ArgumentException($"needs {unroll + 1} entries", nameof(masks));
        if (valuePrefixes.Length < unroll) throw new ArgumentException($"needs {unroll} entries", nameof(valuePrefixes));
        if (prefixMasks.Length < unroll) throw new ArgumentException($"needs {unroll} entries", nameof(prefixMasks));
        var width = trajectory.ActionCount;
        if (policies.Length < (unroll + 1) * width) throw new ArgumentException($"needs {(unroll + 1) * width} entries", nameof(policies));

        var transitions = trajectory.Transitions;
        var discount = (double)options.Discount;
        for (var k = 0; k <= unroll; k++)
        {
            var p = start + k;
            var policy = policies.Slice(k * width, width);
            if (p >= transitions)
            {
                values[k] = 0f;
                masks[k] = 0f;
                policy.Clear();
                continue;
            }

            // n-step return: rewards up to the horizon or the episode's end, then the bootstrap.
            var last = Math.Min(p + horizon, transitions);
            var z = 0.0;
            var weight = 1.0;
            for (var j = p; j < last; j++)
            {
                z += weight * Reward(options, trajectory.Rewards[j]);
                weight *= discount;
            }

            var boot = BootstrapStep(trajectory, p, horizon);
            if (boot >= 0)
            {
                z += Math.Pow(discount, boot - p) * bootstrapValues[k];
            }

            values[k] = (float)z;
            masks[k] = 1f;
            trajectory.Policies.Slice(p * width, width).CopyTo(policy);
        }

        // Value prefix after unroll step k: undiscounted rewards since the last reset, which
        // happens every ValuePrefixHorizon steps (the model's LSTM restarts there too).
        var prefix = 0.0;
        for (var k = 1; k <= unroll; k++)
        {
            if ((k - 1) % options.ValuePrefixHorizon == 0) prefix = 0.0;
            var p = start + k - 1;
            var acted = p < transitions;
            if (acted) prefix += Reward(options, trajectory.Rewards[p]);
            valuePrefixes[k - 1] = (float)prefix;
            prefixMasks[k - 1] = acted ? 1f : 0f;
        }
    }

    private static int BootstrapStep(in TrajectoryView trajectory, int position, int horizon)
    {
        var transitions = trajectory.Transitions;
        if (position >= transitions) return -1;
        var target = position + horizon;
        if (target < transitions) return target;
        return trajectory.End switch
        {
            EpisodeEnd.Terminated => -1,
            EpisodeEnd.Truncated => transitions,
            _ => throw new InvalidOperationException(
                $"position {position} with horizon {horizon} needs step {target}, but the trajectory stops at {transitions} without an end: the segment lacks padding"),
        };
    }

    private static double Reward(TargetOptions options, float reward) => options.ClipRewards ? Math.Sign(reward) : reward;

    private static void Check(TargetOptions options, in TrajectoryView trajectory, int start, int horizon, int length, string name)
    {
        if (length < options.UnrollSteps + 1) throw new ArgumentException($"needs {options.UnrollSteps + 1} entries", name);
        if (start < 0 || start >= trajectory.Transitions) throw new ArgumentOutOfRangeException(nameof(start), start, $"must be an acted step in [0, {trajectory.Transitions})");
        if (horizon < 1) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "must be at least 1");
    }
}
