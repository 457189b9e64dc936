using GradScope.Reproduction;
using GradScope.Tests.Cli;
using GradScope.Tests.Data;

namespace GradScope.Tests.Slurm;

/// <summary>
/// Built once for the Slurm tests, lazily (nothing is built when they skip): a self-contained gradscope published the way
/// <c>reproduce --slurm</c> does it, and a local unsharded run of the tiny preset to compare the cluster's results with.
/// </summary>
public sealed class SlurmFixture : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly Lazy<string> _binary;
    private readonly Lazy<string> _reference;

    public SlurmFixture()
    {
        _binary = new(() => SelfContainedBinary.Ensure(_dir.Subdirectory("bin"), _ => { }));
        _reference = new(() =>
        {
            string root = Path.Combine(_dir.Path, "local");
            CliHarness.Run("reproduce", "--preset", "tiny", "--out", root).ExpectSuccess();
            return root;
        });
    }

    public string Binary => _binary.Value;

    /// <summary>Output directory of <c>gradscope reproduce --preset tiny</c> run locally without shards.</summary>
    public string LocalReference => _reference.Value;

    public void Dispose() => _dir.Dispose();
}
