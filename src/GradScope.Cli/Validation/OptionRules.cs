using System.CommandLine;

namespace GradScope.Cli.Validation;

/// <summary>
/// Every conflicting or ignored option combination, per command, in one list (issue 15): checked once after
/// parsing, before any command runs, so an option is never silently dropped.
/// </summary>
internal static class OptionRules
{
    private static readonly string[] ArchitectureShape = ["--arch", "--depth", "--width", "--unit-size", "--residual-weight"];
    private static readonly string[] DataChoice = ["--data", "--dataset"];

    public static readonly IReadOnlyList<OptionRule> All =
    [
        OptionRule.Conflict("analyze", "--checkpoint", [.. ArchitectureShape, "--classes", "--input-dim"],
            "the checkpoint fixes the architecture, its input size and classes"),
        OptionRule.Need("analyze", "--labels", ["--inputs"], "--noise draws its own labels and --data reads the dataset's"),
        OptionRule.Need("analyze", "--input-dim", ["--noise"], "with --inputs or --data the data fixes the input size"),
        OptionRule.Need("analyze", "--batch", DataChoice,
            "it chooses how many dataset examples are analysed; --noise B and --inputs set their own size"),
        OptionRule.Conflict("train", "--resume", [.. ArchitectureShape, "--optimizer", "--lr", "--batch", "--seed", "--train-subset",
            "--test-subset", "--diagnose-every", "--dataset", "--data", "--out", "--overwrite"],
            "a resumed run keeps the settings in its config.json (only --epochs may change)"),
        .. Commands.SlurmOptions.Dependent.Select(o => OptionRule.Need("reproduce", o, ["--slurm"], "it configures the Slurm submission")),
        OptionRule.Conflict("reproduce", "--slurm", ["--shard", "--jobs", "--plan"],
            "each array task runs its own shard; use --tasks and --cpus-per-task"),
    ];

    /// <summary>Checks the rules of the command that was parsed.</summary>
    public static void Check(ParseResult parse)
    {
        // An empty path or name is never meant: "--out ''" would otherwise fail deep inside with "The value cannot be an empty string".
        foreach (var option in parse.CommandResult.Command.Options)
            if (option.ValueType == typeof(string) && OptionRule.Given(parse, option.Name) && parse.GetResult(option) is { } result
                && result.Tokens.Any(t => string.IsNullOrWhiteSpace(t.Value)))
                throw new ArgumentException($"{option.Name} needs a non-empty value.");
        string command = parse.CommandResult.Command.Name;
        foreach (var rule in All)
            if (rule.Command == command) rule.Check(parse);
    }
}
