using MessagePack;

namespace SpeedyZero.Cluster.Contracts;

/// <summary>
/// Learner to evaluator on <c>sz.eval.requests</c> (queue group; the final one as a request/reply):
/// evaluate the weights stored under <see cref="WeightsKey"/>.
/// </summary>
[MessagePackObject]
public sealed record EvaluationRequestMessage : IWireContract
{
    /// <summary>Schema version (<see cref="Wire.Version"/>).</summary>
    [Key(0)]
    public int Version { get; init; } = Wire.Version;

    /// <summary>Learner step the weights were taken at, never negative.</summary>
    [Key(1)]
    public long LearnerStep { get; init; }

    /// <summary>Env steps of the run at that learner step, never negative.</summary>
    [Key(2)]
    public long EnvSteps { get; init; }

    /// <summary>The Redis key holding the weights to evaluate.</summary>
    [Key(3)]
    public required string WeightsKey { get; init; }

    /// <inheritdoc/>
    public void Validate()
    {
        const string contract = nameof(EvaluationRequestMessage);
        if (LearnerStep < 0 || EnvSteps < 0) throw ContractRules.Broken(contract, $"learner step {LearnerStep} and env steps {EnvSteps} must not be negative");
        if (string.IsNullOrEmpty(WeightsKey)) throw ContractRules.Broken(contract, $"the request for learner step {LearnerStep} names no weights key");
    }
}

/// <summary>
/// Evaluator to learner on <c>sz.eval.results</c> (or as the reply to a request): the greedy
/// episodes played with the weights of one learner step.
/// </summary>
[MessagePackObject]
public sealed record EvaluationReport : IWireContract
{
    /// <summary>Schema version (<see cref="Wire.Version"/>).</summary>
    [Key(0)]
    public int Version { get; init; } = Wire.Version;

    /// <summary>Learner step of the evaluated weights, never negative.</summary>
    [Key(1)]
    public long LearnerStep { get; init; }

    /// <summary>Env steps of the run at that learner step, never negative.</summary>
    [Key(2)]
    public long EnvSteps { get; init; }

    /// <summary>Each episode's return, float32 [n], finite, n >= 1.</summary>
    [Key(3)]
    public required Tensor Returns { get; init; }

    /// <summary>Each episode's length in steps, int32 [n], never negative.</summary>
    [Key(4)]
    public required Tensor Lengths { get; init; }

    /// <inheritdoc/>
    public void Validate()
    {
        const string contract = nameof(EvaluationReport);
        if (LearnerStep < 0 || EnvSteps < 0) throw ContractRules.Broken(contract, $"learner step {LearnerStep} and env steps {EnvSteps} must not be negative");
        var episodes = ContractRules.Parallel(contract, (Returns, nameof(Returns), TensorDType.Float32), (Lengths, nameof(Lengths), TensorDType.Int32));
        if (episodes < 1) throw ContractRules.Broken(contract, $"the report for learner step {LearnerStep} has no episodes");
        var returns = Returns.AsSpan<float>();
        var lengths = Lengths.AsSpan<int>();
        for (var i = 0; i < episodes; i++)
        {
            if (!float.IsFinite(returns[i])) throw ContractRules.Broken(contract, $"episode {i} returned {returns[i]}");
            if (lengths[i] < 0) throw ContractRules.Broken(contract, $"episode {i} lasted {lengths[i]} steps");
        }
    }
}
