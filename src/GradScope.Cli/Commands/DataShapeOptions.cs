using System.CommandLine;
using GradScope.Networks;

namespace GradScope.Cli.Commands;

/// <summary>
/// --input-dim and --classes: the data shape of a zoo network built without data to fix it (init, analyze on noise),
/// Fashion-MNIST's by default.
/// </summary>
internal sealed class DataShapeOptions(string inputDimDescription, string classesDescription)
{
    public Option<int> InputDim { get; } = new("--input-dim")
    {
        Description = inputDimDescription,
        DefaultValueFactory = _ => DataShape.FashionMnist.InputDim,
    };
    public Option<int> Classes { get; } = new("--classes")
    {
        Description = classesDescription,
        DefaultValueFactory = _ => DataShape.FashionMnist.Classes,
    };

    public DataShape Read(ParseResult parse) => new(parse.GetValue(InputDim), parse.GetValue(Classes));
}
