using SpeedyZero.Core.Environments;
using SpeedyZero.Core.Search;
using SpeedyZero.Engine;
using SpeedyZero.Training.Roles.Actor;
using SpeedyZero.Training.Setup;

namespace SpeedyZero.Training.Roles.Evaluator;

/// <summary>
/// Plays greedy episodes (as the evaluator does) one at a time and records what the search saw
/// at every step: the root value against the discounted return that actually followed, how
/// decided the prior and the visit counts were, and the value the dynamics network gives the state
/// after the chosen action (what the search's first expansion sees) against the value of the
/// observation that came. For finding out why a policy fails: a flat or wrong value function, a
/// search that cannot tell its actions apart, or a model whose values change one step into the search.
/// </summary>
public sealed class EpisodeInspector : IDisposable
{
    private readonly TrainingSetup setup;
    private readonly EfficientZeroModel model;
    private readonly BatchedSearch search;
    private readonly SearchResults results;
    private readonly InferenceBuffers outputs;
    private readonly InferenceBuffers afterAction;
    private readonly float[] zeroLstm;
    private readonly int[] chosen = new int[1];

    public EpisodeInspector(TrainingSetup setup, byte[] weights)
    {
        this.setup = setup;
        model = setup.CreateModel(seedOffset: 4);
        model.ImportWeights(weights);
        search = new BatchedSearch(setup.SearchOptions, model.Shape, 1);
        results = new SearchResults(1, setup.ActionCount);
        outputs = new InferenceBuffers(model.Shape, 1);
        afterAction = new InferenceBuffers(model.Shape, 1);
        zeroLstm = new float[model.Shape.LstmHiddenSize];
    }

    /// <summary>One greedy episode from an environment seeded with <paramref name="seed"/>, at most <paramref name="maxSteps"/> steps.</summary>
    public InspectedEpisode Play(ulong seed, int maxSteps = 100_000)
    {
        var environment = setup.CreateEnvironment();
        var observationSize = setup.ObservationShape.Size;
        var observation = new float[observationSize];
        var stacks = new FrameStacks(1, setup.FrameStack, observationSize);
        environment.Reset(seed, observation);
        stacks.Reset(0, observation);

        var actions = setup.ActionCount;
        var steps = new List<InspectedStep>();
        var rewards = new List<float>();
        var end = EpisodeEnd.None; // cut at maxSteps unless the environment ends it
        var searchSeed = seed;
        while (steps.Count < maxSteps)
        {
            model.InitialInference(stacks.Stacked, 1, outputs.For(1));
            var priorMax = SoftmaxMax(outputs.PolicyLogits.AsSpan(0, actions));
            var value = outputs.Value[0];
            var roots = new SearchRoots(1, outputs.Latent.AsSpan(0, model.Shape.LatentSize), outputs.Value.AsSpan(0, 1),
                outputs.PolicyLogits.AsSpan(0, actions));
            search.Run(model, roots, results, searchSeed++, rootNoise: false, temperature: 0f);

            var visits = results.VisitCounts.AsSpan(0, actions);
            var most = 0;
            var total = 0;
            foreach (var n in visits)
            {
                most = Math.Max(most, n);
                total += n;
            }

            var action = results.Action[0];

            // One dynamics step from the root with the chosen action and a fresh LSTM, as the search expands it.
            chosen[0] = action;
            model.RecurrentInference(outputs.Latent.AsSpan(0, model.Shape.LatentSize), zeroLstm, zeroLstm, chosen, 1, afterAction.For(1));
            steps.Add(new InspectedStep(steps.Count, value, results.RootValue[0], 0, priorMax, total == 0 ? 0 : (float)most / total, action,
                afterAction.Value[0]));
            var step = environment.Step(action, observation);
            rewards.Add(step.Reward);
            if (step.Done)
            {
                end = step.End;
                break;
            }

            stacks.Push(0, observation);
        }

        // Discounted return from each step to the end of the episode (what a perfect value
        // function of this policy would predict, up to the bootstrap after a truncation).
        var discount = setup.Config.Algorithm.Discount;
        var toGo = 0.0;
        for (var t = steps.Count - 1; t >= 0; t--)
        {
            toGo = rewards[t] + (discount * toGo);
            steps[t] = steps[t] with { ReturnToGo = toGo };
        }

        return new InspectedEpisode(rewards.Sum(r => (double)r), end, steps);
    }

    private static float SoftmaxMax(ReadOnlySpan<float> logits)
    {
        var max = float.NegativeInfinity;
        foreach (var l in logits) max = Math.Max(max, l);
        var sum = 0.0;
        foreach (var l in logits) sum += Math.Exp(l - max);
        return (float)(1.0 / sum);
    }

    public void Dispose()
    {
        search.Dispose();
        model.Dispose();
    }
}

/// <summary>What the search saw at one step of a greedy episode.</summary>
/// <param name="Value">The network's value of the observation (initial inference).</param>
/// <param name="RootValue">The search's root value.</param>
/// <param name="ReturnToGo">Discounted return from this step to the episode's end.</param>
/// <param name="PriorMax">Largest probability of the policy prior.</param>
/// <param name="VisitMax">Largest share of the root's visits.</param>
/// <param name="ValueAfterAction">The value recurrent inference gives the state after <paramref name="Action"/> (one dynamics step from this root).</param>
public sealed record InspectedStep(int Step, float Value, float RootValue, double ReturnToGo, float PriorMax, float VisitMax, int Action,
    float ValueAfterAction);

/// <summary>One inspected episode and its summaries.</summary>
public sealed record InspectedEpisode(double Return, EpisodeEnd End, IReadOnlyList<InspectedStep> Steps)
{
    /// <summary>Mean |network value - discounted return to go| over the steps.</summary>
    public double MeanValueError => Steps.Count == 0 ? double.NaN : Steps.Average(s => Math.Abs(s.Value - s.ReturnToGo));

    /// <summary>Pearson correlation of the network value with the discounted return to go (NaN when either is constant).</summary>
    public double ValueCorrelation
    {
        get
        {
            if (Steps.Count < 2) return double.NaN;
            var mv = Steps.Average(s => (double)s.Value);
            var mg = Steps.Average(s => s.ReturnToGo);
            double cov = 0, vv = 0, vg = 0;
            foreach (var s in Steps)
            {
                cov += (s.Value - mv) * (s.ReturnToGo - mg);
                vv += (s.Value - mv) * (s.Value - mv);
                vg += (s.ReturnToGo - mg) * (s.ReturnToGo - mg);
            }

            return vv == 0 || vg == 0 ? double.NaN : cov / Math.Sqrt(vv * vg);
        }
    }

    /// <summary>
    /// Mean |value after the action (dynamics) - value of the next observation (representation)|: how far
    /// the values the search computes one step in are from what the network says once the step is real.
    /// </summary>
    public double MeanOneStepGap => Steps.Count < 2
        ? double.NaN
        : Enumerable.Range(0, Steps.Count - 1).Average(t => Math.Abs(Steps[t].ValueAfterAction - Steps[t + 1].Value));

    public double MeanPriorMax => Steps.Average(s => (double)s.PriorMax);

    public double MeanVisitMax => Steps.Average(s => (double)s.VisitMax);
}
