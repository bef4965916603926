using System.Runtime.CompilerServices;

// Rule tests build game states by construction through internal setters.
[assembly: InternalsVisibleTo("SpeedyZero.Core.Tests")]
