using GradScope.Cli;

using var signals = InterruptSignals.Register(Console.Error);
return GradScopeCli.Run(args, CliContext.ForTerminal(signals.Token));
