namespace GradScope.Cli;

/// <summary>The command ran, but part of its work failed (exit code 4); the message says how to retry.</summary>
internal sealed class RuntimeFailureException(string message) : Exception(message);
