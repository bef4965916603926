using SpeedyZero.Core.Segments;
using SpeedyZero.Core.Environments;

namespace SpeedyZero.Testing;

/// <summary>Small CartPole-shaped segments with random content.</summary>
public static class TestSegments
{
    public static Segment Make(long id, int transitions, Random random)
    {
        const int observationSize = 4, actions = 2;
        var bytesPer = ObservationCodec.EncodedSize(ObservationEncoding.Float32, observationSize);
        var steps = transitions + 1;
        var observations = new byte[steps * bytesPer];
        var raw = new float[observationSize];
        for (var s = 0; s < steps; s++)
        {
            for (var i = 0; i < observationSize; i++) raw[i] = (float)random.NextDouble();
            ObservationCodec.Encode(ObservationEncoding.Float32, raw, observations.AsSpan(s * bytesPer, bytesPer));
        }

        return new Segment(id, ObservationEncoding.Float32, observationSize, actions, 0, transitions, EpisodeEnd.Terminated, observations,
            Enumerable.Range(0, transitions).Select(_ => random.Next(actions)).ToArray(),
            Enumerable.Range(0, transitions).Select(_ => 1f).ToArray(),
            Enumerable.Range(0, transitions).Select(_ => (float)random.NextDouble()).ToArray(),
            Enumerable.Range(0, transitions * actions).Select(_ => 0.5f).ToArray());
    }
}
