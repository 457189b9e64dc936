using GradScope.Reporting;

namespace GradScope.Tests.Reporting;

public sealed class SeriesColourMapTests
{
    [Fact]
    public void A_name_keeps_the_slot_of_its_first_appearance_and_chosen_slots_stay()
    {
        var first = new PlotSpec("a", "A").AddSeries("relu", [(0.0, 1.0)]).AddSeries("tanh", [(0.0, 1.0)]);
        var second = new PlotSpec("b", "B").AddSeries("tanh", [(0.0, 1.0)]).AddSeries("selu", [(0.0, 1.0)])
            .AddSeries("prediction", [(0.0, 1.0)], SeriesStyle.Dashed, colorIndex: 7);

        var slots = SeriesColourMap.Apply([first, second]);

        Assert.Equal([0, 1], first.Series.Select(s => s.ColorIndex));
        Assert.Equal([1, 2, 7], second.Series.Select(s => s.ColorIndex));
        Assert.Equal(new Dictionary<string, int> { ["relu"] = 0, ["tanh"] = 1, ["selu"] = 2 }, slots);
    }
}
