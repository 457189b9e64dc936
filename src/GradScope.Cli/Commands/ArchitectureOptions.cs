using System.CommandLine;
using GradScope.Data;
using GradScope.Networks;

namespace GradScope.Cli.Commands;

/// <summary>The options that describe a zoo network, shared by every command that builds one.</summary>
internal sealed class ArchitectureOptions
{
    public Option<string> Arch { get; } = new("--arch") { Description = $"Architecture name: {ArchitectureSpec.Grammar}" };
    public Option<int> Depth { get; } = new("--depth")
    {
        Description = "Linear layers, output layer excluded",
        DefaultValueFactory = _ => NetworkSizes.DefaultLinearLayers,
    };
    public Option<int> Width { get; } = new("--width")
    {
        Description = "Units per hidden layer",
        DefaultValueFactory = _ => NetworkSizes.DefaultWidth,
    };
    public Option<int> UnitSize { get; } = new("--unit-size")
    {
        Description = "ResNets: linear layers per residual unit (m)",
        DefaultValueFactory = _ => NetworkSizes.DefaultUnitSize,
    };
    public Option<double?> Dilution { get; } = new("--residual-weight")
    {
        Description = "ResNets: branch weight w_r (default 1/sqrt(units))",
    };
    public Option<string> Layout { get; } = new("--branch-layout")
    {
        Description = "ResNets: branch order, pre ([norm] → act → linear, He et al. 2016) or post (linear → [norm] → act)",
        DefaultValueFactory = _ => BranchLayoutNames.Short(ArchitectureSpec.DefaultBranchLayout),
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Arch);
        command.Options.Add(Depth);
        command.Options.Add(Width);
        command.Options.Add(UnitSize);
        command.Options.Add(Dilution);
        command.Options.Add(Layout);
    }

    /// <summary>
    /// Reads and checks the name and sizes now, so a typo fails before any data is loaded; the returned function makes
    /// the spec once the data shape is known (from the data, a batch, or --input-dim/--classes).
    /// </summary>
    public Func<DataShape, ArchitectureSpec> Read(ParseResult parse)
    {
        string name = parse.GetValue(Arch) ?? throw new ArgumentException("--arch is required (e.g. --arch batch-relu).");
        ArchitectureSpec.CheckName(name);
        var sizes = new NetworkSizes
        {
            LinearLayers = parse.GetValue(Depth),
            Width = parse.GetValue(Width),
            UnitSize = parse.GetValue(UnitSize),
            ResidualWeight = parse.GetValue(Dilution),
        }.Validate();
        var layout = BranchLayoutNames.Parse(parse.GetValue(Layout) ?? "", "--branch-layout");
        return shape => ArchitectureSpec.Create(name, shape, sizes, layout);
    }
}

/// <summary>Which dataset to read and from where (SPEC §4; lookup order in docs/data.md).</summary>
internal sealed class DataOptions
{
    public Option<string> Dataset { get; } = new("--dataset")
    {
        Description = "fashion-mnist, mnist or cifar10",
        DefaultValueFactory = _ => DatasetLocator.DefaultDataset,
    };
    public Option<string?> Data { get; } = new("--data")
    {
        Description = "Directory holding the dataset files (else $GRADSCOPE_DATA, else /usr/share/datasets/fashion-mnist)",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Dataset);
        command.Options.Add(Data);
    }
}
