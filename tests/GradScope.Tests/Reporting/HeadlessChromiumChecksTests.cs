using Xunit.Sdk;

namespace GradScope.Tests.Reporting;

/// <summary>The browser tests' figure check must be able to fail: on a missing figure, an empty SVG, a heat map read as lines.</summary>
public class HeadlessChromiumChecksTests
{
    private const string Line = """<figure class="plot" data-plot="gsc"><svg><polyline points="0,1 2,3"/></svg></figure>""";
    private const string Empty = """<figure class="plot" data-plot="empty"><svg><polyline points=""/></svg></figure>""";
    private const string Cells = """<figure class="plot" data-plot="matrix"><svg><rect width="4" height="4"/></svg></figure>""";

    [Fact]
    public void A_figure_with_a_drawn_line_passes()
    {
        HeadlessChromiumChecks.AssertFiguresDrawn(Line + Cells, ["gsc"], HeadlessChromiumChecks.DrawnShape());
        HeadlessChromiumChecks.AssertFiguresDrawn(Line + Cells, ["gsc", "matrix"], HeadlessChromiumChecks.DrawnShapeOrCell());
    }

    [Fact]
    public void A_missing_or_empty_figure_fails()
    {
        var missing = Assert.Throws<TrueException>(() =>
            HeadlessChromiumChecks.AssertFiguresDrawn(Line, ["gsc", "lambda"], HeadlessChromiumChecks.DrawnShape()));
        Assert.Contains("'lambda'", missing.Message);
        var empty = Assert.Throws<TrueException>(() =>
            HeadlessChromiumChecks.AssertFiguresDrawn(Empty, ["empty"], HeadlessChromiumChecks.DrawnShapeOrCell()));
        Assert.Contains("nothing drawn", empty.Message);
        // Rectangles count only where heat maps are expected: every plot frame has one.
        Assert.Throws<TrueException>(() =>
            HeadlessChromiumChecks.AssertFiguresDrawn(Cells, ["matrix"], HeadlessChromiumChecks.DrawnShape()));
    }

    [Fact]
    public void Page_errors_fail()
    {
        HeadlessChromiumChecks.AssertNoPageErrors("[INFO:CONSOLE] loaded");
        Assert.Throws<FalseException>(() => HeadlessChromiumChecks.AssertNoPageErrors("Uncaught TypeError: x is undefined"));
    }
}
