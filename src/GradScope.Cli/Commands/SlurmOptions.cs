using System.CommandLine;

namespace GradScope.Cli.Commands;

/// <summary>The options of <c>gradscope reproduce --slurm</c>; every one but --slurm needs --slurm (OptionRules).</summary>
internal sealed class SlurmOptions
{
    public Option<bool> Slurm { get; } = new("--slurm")
    {
        Description = "Submit the sweep to Slurm as a job array plus a dependent report job",
    };
    public Option<int> Tasks { get; } = new("--tasks") { Description = "Array tasks (shards)", DefaultValueFactory = _ => 4 };
    public Option<string?> Partition { get; } = new("--partition") { Description = "Slurm partition" };
    public Option<string?> Time { get; } = new("--time") { Description = "Time limit per task, Slurm format (HH:MM:SS, D-HH:MM:SS)" };
    public Option<int> CpusPerTask { get; } = new("--cpus-per-task")
    {
        Description = "CPUs per task; each task trains that many cells at once",
        DefaultValueFactory = _ => 1,
    };
    public Option<string?> Memory { get; } = new("--mem") { Description = "Memory per task, Slurm format (e.g. 4G)" };
    public Option<string?> Account { get; } = new("--account") { Description = "Slurm account to charge" };
    public Option<string[]> SbatchArgs { get; } = new("--sbatch-arg")
    {
        Description = "Extra #SBATCH line, repeatable (e.g. --sbatch-arg=--qos=long)",
        AllowMultipleArgumentsPerToken = false,
    };
    public Option<string?> Binary { get; } = new("--binary")
    {
        Description = "Self-contained gradscope for the compute nodes (default: publish one into DIR)",
    };
    public Option<bool> DryRun { get; } = new("--dry-run") { Description = "Print the plan and the sbatch scripts without submitting" };
    public Option<bool> Force { get; } = new("--force") { Description = "Submit even when the estimate exceeds --time" };

    public IEnumerable<Option> All => [Slurm, Tasks, Partition, Time, CpusPerTask, Memory, Account, SbatchArgs, Binary, DryRun, Force];

    /// <summary>Names of the options that only mean something with --slurm.</summary>
    public static readonly string[] Dependent =
        ["--tasks", "--partition", "--time", "--cpus-per-task", "--mem", "--account", "--sbatch-arg", "--binary", "--dry-run", "--force"];
}
