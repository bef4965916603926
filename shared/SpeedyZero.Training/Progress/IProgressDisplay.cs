namespace SpeedyZero.Training.Progress;

/// <summary>
/// Shows a run's progress while it trains: SpeedyZero.Reporting's live panel or plain log lines,
/// chosen by the command that starts the run.
/// </summary>
public interface IProgressDisplay
{
    /// <summary>
    /// Shows <paramref name="first"/>, then runs <paramref name="watch"/>, which passes every new
    /// snapshot (about one a second) to the action it is given and returns when the run ends.
    /// </summary>
    void Show(string title, ProgressSnapshot first, Action<Action<ProgressSnapshot>> watch);
}
