using GradScope.Reproduction;

namespace GradScope.Tests.Slurm;

public sealed class SbatchScriptTests
{
    private static readonly SlurmJob Job = new()
    {
        Preset = "paper",
        Root = "/shared/it's here",
        Binary = "/shared/bin/GradScope.Cli",
        Tasks = 12,
        Partition = "gpu",
        Time = new TimeSpan(1, 12, 0, 0),
        CpusPerTask = 4,
        Memory = "8G",
        Account = "lab",
        ExtraSbatchArgs = ["--qos=long"],
    };

    [Fact]
    public void Array_script_has_every_directive_before_the_first_command_and_runs_shard_i_of_n()
    {
        var lines = Job.ArrayScript().Split('\n');
        int firstCommand = Array.FindIndex(lines, l => l.Length > 0 && !l.StartsWith('#'));
        var directives = lines.Select((l, i) => (l, i)).Where(x => x.l.StartsWith("#SBATCH")).ToList();
        Assert.All(directives, d => Assert.True(d.i < firstCommand, $"'{d.l}' comes after the first command"));
        var set = directives.Select(d => d.l).ToList();
        foreach (string expected in new[] { "--array=1-12", "--partition=gpu", "--time=1-12:00:00", "--cpus-per-task=4", "--mem=8G",
            "--account=lab", "--qos=long", "--requeue" })
            Assert.Contains("#SBATCH " + expected, set);
        Assert.Contains("""--shard "${SLURM_ARRAY_TASK_ID}/12" --jobs 4 --no-report""", Job.ArrayScript());
        Assert.Contains("""--out '/shared/it'\''s here'""", Job.ArrayScript());
        Assert.Contains("""exec '/shared/bin/GradScope.Cli' report '/shared/it'\''s here'""", Job.ReportScript());
    }

    [Theory]
    [InlineData("04:00:00", 4 * 3600)]
    [InlineData("1-12:00:00", 36 * 3600)]
    [InlineData("90", 90 * 60)]
    [InlineData("10:30", 10 * 60 + 30)]
    [InlineData("2-6", 54 * 3600)]
    public void Slurm_times_parse_and_format(string text, int seconds)
    {
        var span = SlurmTime.Parse(text);
        Assert.Equal(seconds, span.TotalSeconds);
        Assert.Equal(span, SlurmTime.Parse(SlurmTime.Format(span)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("ab:cd")]
    [InlineData("-5")]
    public void Bad_slurm_times_are_rejected(string text) => Assert.Throws<ArgumentException>(() => SlurmTime.Parse(text));
}
