namespace SpeedyZero.Engine;

/// <summary>Which network family reads the observations.</summary>
public enum ObservationKind
{
    /// <summary>A flat vector (CartPole): MLP networks.</summary>
    Vector,

    /// <summary>A small board [channels, height, width] (MinAtar 10x10xC): convs, no down-sampling.</summary>
    Grid,

    /// <summary>Stacked frames [channels, height, width] (Atari 96x96): down-sampling ResNet.</summary>
    Image,
}
