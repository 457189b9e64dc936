using GradScope.Cli;

return GradScopeCli.Run(args, CliContext.ForTerminal());
