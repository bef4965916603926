using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using SpeedyZero.Core.Replay;
using SpeedyZero.Core.Segments;
using SpeedyZero.Engine;
using SpeedyZero.Training.Roles.Evaluator;
using SpeedyZero.Training.Roles.Replay;

namespace SpeedyZero.Training.Run;

/// <summary>
/// A checkpoint folder: model.ckpt (weights, optimiser state, step), target.weights (the target
/// network), replay.bin (priority index and segments), state.json (counters) and, while an
/// evaluation is owed, evaluation.weights (the weights it evaluates). Written to a
/// temporary folder and renamed into place, so a crash mid-write keeps the previous checkpoint.
/// </summary>
public static class Checkpoint
{
    private const uint ReplayMagic = 0x505A5352; // "RSZP" little-endian
    private const int ReplayVersion = 1;
    private const string EvaluationWeights = "evaluation.weights";

    public static void Save(string path, EfficientZeroModel model, ReadOnlySpan<byte> targetWeights, ReplaySnapshot replay, RunState state,
        EvaluationRequest? pendingEvaluation = null)
    {
        var temporary = path + ".tmp";
        if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
        Directory.CreateDirectory(temporary);

        model.SaveCheckpoint(Path.Combine(temporary, "model.ckpt"));
        File.WriteAllBytes(Path.Combine(temporary, "target.weights"), targetWeights);
        using (var file = File.Create(Path.Combine(temporary, "replay.bin")))
        {
            WriteReplay(file, replay);
        }

        if (pendingEvaluation is not null)
        {
            File.WriteAllBytes(Path.Combine(temporary, EvaluationWeights), pendingEvaluation.Weights);
            state = state with { PendingEvaluation = new PendingEvaluation(pendingEvaluation.LearnerStep, pendingEvaluation.EnvSteps) };
        }

        File.WriteAllText(Path.Combine(temporary, "state.json"), JsonSerializer.Serialize(state, JsonOptions));

        // The swap: the current checkpoint becomes .old, the new one takes its place, .old goes.
        // A crash between the two moves leaves only .old, which Recover puts back.
        Recover(path);
        var previous = path + ".old";
        if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
        if (Directory.Exists(path)) Directory.Move(path, previous);
        Directory.Move(temporary, path);
        if (Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
    }

    public static bool Exists(string path) => Complete(path) || Complete(path + ".old");

    public static RunState LoadState(string path) =>
        JsonSerializer.Deserialize<RunState>(File.ReadAllText(Path.Combine(Recover(path), "state.json")), JsonOptions)
        ?? throw new InvalidDataException($"{path}/state.json is empty");

    public static void LoadModel(string path, EfficientZeroModel model) => model.LoadCheckpoint(Path.Combine(Recover(path), "model.ckpt"));

    public static byte[] LoadTargetWeights(string path) => File.ReadAllBytes(Path.Combine(Recover(path), "target.weights"));

    /// <summary>The evaluation the checkpoint owes (requested, not recorded when it was taken), or null.</summary>
    public static EvaluationRequest? LoadPendingEvaluation(string path, RunState state) =>
        state.PendingEvaluation is { } owed
            ? new EvaluationRequest(owed.LearnerStep, owed.EnvSteps, File.ReadAllBytes(Path.Combine(Recover(path), EvaluationWeights)))
            : null;

    public static ReplaySnapshot LoadReplay(string path)
    {
        var file = Path.Combine(Recover(path), "replay.bin");
        using var stream = File.OpenRead(file);
        return ReadReplay(stream, file);
    }

    /// <summary>After a crash mid-swap only <c>{path}.old</c> is complete: move it back. Returns <paramref name="path"/>.</summary>
    private static string Recover(string path)
    {
        var previous = path + ".old";
        if (!Complete(path) && Complete(previous))
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            Directory.Move(previous, path);
        }

        return path;
    }

    private static bool Complete(string path) => File.Exists(Path.Combine(path, "state.json"));

    private static void WriteReplay(Stream output, ReplaySnapshot replay)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(header, ReplayMagic);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], ReplayVersion);
        output.Write(header);
        BinaryPrimitives.WriteInt32LittleEndian(header, checked((int)replay.Index.ByteLength));
        output.Write(header[..4]);
        replay.Index.WriteTo(output);
        BinaryPrimitives.WriteInt32LittleEndian(header, replay.Segments.Count);
        output.Write(header[..4]);
        var encoded = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            foreach (var segment in replay.Segments)
            {
                var length = SegmentCodec.EncodedLength(segment);
                if (length > encoded.Length)
                {
                    ArrayPool<byte>.Shared.Return(encoded);
                    encoded = ArrayPool<byte>.Shared.Rent(length);
                }

                WriteBlock(output, encoded.AsSpan(0, SegmentCodec.Encode(segment, encoded)));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(encoded);
        }
    }

    private static ReplaySnapshot ReadReplay(Stream input, string name)
    {
        var header = ReadExactly(input, 8, name);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != ReplayMagic || BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4)) != ReplayVersion)
        {
            throw new InvalidDataException($"{name}: not a version-{ReplayVersion} replay snapshot");
        }

        var index = PriorityIndexState.FromBytes(ReadBlock(input, name));
        var count = BinaryPrimitives.ReadInt32LittleEndian(ReadExactly(input, 4, name));
        if (count < 0) throw new InvalidDataException($"{name}: negative segment count");
        var segments = new List<Segment>(Math.Min(count, 1 << 20));
        for (var i = 0; i < count; i++)
        {
            segments.Add(SegmentCodec.Decode(ReadBlock(input, name)));
        }

        return new ReplaySnapshot(index, segments);
    }

    private static void WriteBlock(Stream output, ReadOnlySpan<byte> block)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, block.Length);
        output.Write(length);
        output.Write(block);
    }

    private static byte[] ReadBlock(Stream input, string name)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(ReadExactly(input, 4, name));
        if (length < 0 || length > input.Length - input.Position)
        {
            throw new InvalidDataException($"{name}: block of {length} bytes at offset {input.Position - 4} runs past the end of the file");
        }

        return ReadExactly(input, length, name);
    }

    private static byte[] ReadExactly(Stream input, int count, string name)
    {
        var buffer = new byte[count];
        try
        {
            input.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"{name}: truncated at offset {input.Position}", e);
        }

        return buffer;
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };
}
