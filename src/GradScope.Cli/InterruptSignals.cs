using System.Runtime.InteropServices;

namespace GradScope.Cli;

/// <summary>
/// Turns SIGINT (Ctrl+C) and SIGTERM into one cancellation that every long loop observes, so the command stops at
/// its next check, keeps what is finished and exits 130. A second signal exits at once: the user insists, and every
/// file is written atomically, so nothing half-written is left.
/// </summary>
internal sealed class InterruptSignals : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _count;

    private InterruptSignals(TextWriter error)
    {
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                if (Interlocked.Increment(ref _count) == 1)
                {
                    _source.Cancel();
                    return;
                }
                error.WriteLine("gradscope: interrupted again; exiting without waiting.");
                error.Flush();
                Environment.Exit(ExitCodes.Cancelled);
            }));
        }
    }

    public CancellationToken Token => _source.Token;

    public static InterruptSignals Register(TextWriter error) => new(error);

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
    }
}
