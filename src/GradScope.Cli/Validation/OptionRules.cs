using System.CommandLine;

namespace GradScope.Cli.Validation;

/// <summary>
/// Every conflicting or ignored option combination, per command, in one list (issue 15): checked once after
/// parsing, before any command runs, so an option is never silently dropped.
/// </summary>
internal static class OptionRules
{
    private static readonly string[] ResidualOnly = ["--unit-size", "--residual-weight", "--branch-layout"];
    private static readonly string[] ArchitectureShape = ["--arch", "--depth", "--width", .. ResidualOnly];
    private static readonly string[] DataChoice = ["--data", "--dataset"];
    private static readonly string[] DiagnosisOutputs = ["--html", "--md", "--diagnosis-json", "--what-if", "--table"];
    private const string Checkpoints = "CHECKPOINTS";

    public static readonly IReadOnlyList<OptionRule> All =
    [
        OptionRule.Conflict("analyze", "--checkpoint", [.. ArchitectureShape, "--classes", "--input-dim", Checkpoints],
            "the checkpoint fixes the architecture, its input size and classes; give one checkpoint, as --checkpoint or as an argument"),
        OptionRule.Conflict("analyze", Checkpoints, [.. ArchitectureShape, "--classes", "--input-dim"],
            "the checkpoint fixes the architecture, its input size and classes"),
        OptionRule.Conflict("analyze", "--model", ["--checkpoint", Checkpoints], "analyze one network: your model or a checkpoint"),
        OptionRule.Conflict("analyze", "--model", ["--depth", "--width", .. ResidualOnly, "--classes", "--input-dim"],
            "the model file fixes the sizes, its input size and classes (--arch only names a state_dict's family)"),
        OptionRule.Conflict("analyze", "--model", [.. DataChoice, "--batch"], "--model analyses --inputs X.npy or --noise B"),
        OptionRule.Conflict("analyze", "--model", DiagnosisOutputs,
            "the diagnosis (findings, what-if, HTML/Markdown reports) is built for zoo networks and checkpoints; "
            + "--model prints the diagnostics report, and --json writes it"),
        OptionRule.Need("analyze", "--init", ["--model"], "it gives θ⁰ of your own model"),
        OptionRule.Need("analyze", "--init-safetensors", ["--model"], "it gives θ⁰ of your own model"),
        OptionRule.Need("analyze", "--mode", ["--model"], "zoo networks and checkpoints always use the batch's statistics"),
        OptionRule.Conflict("analyze", "--init", ["--init-safetensors"], "give θ⁰ once"),
        OptionRule.Need("analyze", "--tau", ["--checkpoint", Checkpoints, "--init", "--init-safetensors"],
            "τ is the effective-depth threshold, and the effective depth compares θ with θ⁰, which a fresh --arch network "
            + "or --model without θ⁰ does not have"),
        OptionRule.Need("analyze", "--labels", ["--inputs"], "--noise draws its own labels and --data reads the dataset's"),
        OptionRule.Need("analyze", "--input-dim", ["--noise"], "with --inputs or --data the data fixes the input size"),
        OptionRule.Need("analyze", "--batch", DataChoice,
            "it chooses how many dataset examples are analysed; --noise B and --inputs set their own size"),
        OptionRule.Conflict("train", "--resume", [.. ArchitectureShape, "--optimizer", "--lr", "--batch", "--seed", "--train-subset",
            "--test-subset", "--diagnose-every", "--dataset", "--data", "--out", "--overwrite"],
            "a resumed run keeps the settings in its config.json (only --epochs may change)"),
        .. Commands.SlurmOptions.Dependent.Select(o => OptionRule.Need("reproduce", o, ["--slurm"], "it configures the Slurm submission")),
        OptionRule.Conflict("reproduce", "--slurm", ["--shard", "--jobs", "--plan", "--no-report"],
            "each array task runs its own shard and a dependent job builds the report; use --tasks and --cpus-per-task"),
        OptionRule.Conflict("reproduce", "--plan", ["--preset", "--out", "--studies", "--shard", "--jobs", "--no-report"],
            "--plan only prints every preset's size and estimate, and runs nothing"),
    ];

    /// <summary>Rules on values and counts, which a rule on names alone cannot state.</summary>
    public static readonly IReadOnlyList<ValueRule> Values =
    [
        new(["init", "train", "analyze"], ResidualOptionsNeedAResNet),
        new(["analyze"], parse => OptionRule.Count(parse, Checkpoints) > 2
            ? $"give at most two checkpoints to compare (got {OptionRule.Count(parse, Checkpoints)})." : null),
        new(["analyze"], parse => OptionRule.Count(parse, Checkpoints) == 2 && OptionRule.Given(parse, "--json")
            ? "--json writes one network's diagnostics report; to compare two checkpoints use --diagnosis-json, --html or --md." : null),
        new(["analyze"], parse => OptionRule.Count(parse, Checkpoints) == 2 && OptionRule.Given(parse, "--what-if")
            ? "--what-if analyses one network; give one checkpoint." : null),
        new(["analyze"], parse => OptionRule.Given(parse, "--model") && OptionRule.Given(parse, "--arch")
                && OptionRule.Given(parse, "--mode")
            ? "--mode cannot be combined with --arch: a state_dict is analysed with the batch's own statistics; "
              + "for --mode eval export the model to ONNX." : null),
    ];

    /// <summary>Options that name a file to write, per command: a directory there is refused before the work is done.</summary>
    private static readonly Dictionary<string, string[]> OutputFiles = new()
    {
        ["analyze"] = ["--json", "--html", "--md", "--diagnosis-json"],
        ["export"] = ["--onnx"],
        ["init"] = ["--out"],
    };

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
        foreach (var rule in Values)
            if (rule.Commands.Contains(command)) rule.Check(parse);
        foreach (string option in OutputFiles.GetValueOrDefault(command, []))
            if (OptionRule.Given(parse, option) && parse.GetValue<string>(option) is { Length: > 0 } path)
                IO.AtomicFile.RefuseDirectory(path);
    }

    /// <summary>--unit-size, --residual-weight and --branch-layout shape residual units; a plain network has none.</summary>
    private static string? ResidualOptionsNeedAResNet(ParseResult parse)
    {
        if (!OptionRule.Given(parse, "--arch") || parse.GetValue<string>("--arch") is not string arch) return null;
        if (arch.StartsWith("resnet-", StringComparison.Ordinal)) return null;
        string? given = ResidualOnly.FirstOrDefault(o => OptionRule.Given(parse, o));
        return given is null ? null : $"{given} shapes residual units, and {arch} has none (ResNets are named resnet-…).";
    }
}
