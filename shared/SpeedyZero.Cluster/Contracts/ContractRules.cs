using System.Collections.ObjectModel;

namespace SpeedyZero.Cluster.Contracts;

/// <summary>The checks the contracts' <c>Validate</c> methods share; each failure is a <see cref="FormatException"/>.</summary>
internal static class ContractRules
{
    /// <summary>The exception for a broken rule: <see cref="FormatException"/>("{contract}: {rule}").</summary>
    public static FormatException Broken(string contract, string rule) => new($"{contract}: {rule}");

    /// <summary>The tensor, or a <see cref="FormatException"/> saying it is missing.</summary>
    public static Tensor Present(Tensor? tensor, string contract, string name) =>
        tensor ?? throw Broken(contract, $"tensor '{name}' is missing");

    /// <summary>Checks a present tensor of <paramref name="dtype"/> with <paramref name="rank"/> dimensions and returns its shape.</summary>
    public static ReadOnlyCollection<int> Shaped(Tensor? tensor, string contract, string name, TensorDType dtype, int rank)
    {
        var present = Present(tensor, contract, name);
        if (present.DType != dtype || present.Shape.Count != rank)
        {
            throw Broken(contract, $"tensor '{name}' is {present}; expected {dtype} with {rank} dimension{(rank == 1 ? "" : "s")}");
        }

        return present.Shape;
    }

    /// <summary>Checks a present tensor of exactly <paramref name="dtype"/> and <paramref name="shape"/>.</summary>
    public static void Expect(Tensor? tensor, string contract, string name, TensorDType dtype, params int[] shape)
    {
        var mismatch = Present(tensor, contract, name).Mismatch(name, dtype, shape);
        if (mismatch is not null) throw Broken(contract, mismatch);
    }

    /// <summary>Checks parallel vectors (same length, each of its dtype) and returns their common length.</summary>
    public static int Parallel(string contract, params (Tensor? Tensor, string Name, TensorDType DType)[] vectors)
    {
        var length = -1;
        foreach (var (tensor, name, dtype) in vectors)
        {
            var n = Shaped(tensor, contract, name, dtype, 1)[0];
            if (length >= 0 && n != length)
            {
                throw Broken(contract, $"tensor '{name}' has {n} elements; '{vectors[0].Name}' has {length}");
            }

            length = n;
        }

        return length;
    }
}
