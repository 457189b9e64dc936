using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace GradScope.Reporting;

/// <summary>Translates a cleaned <see cref="PlotSpec"/> into a styled OxyPlot <see cref="PlotModel"/>.</summary>
internal static class PlotModelBuilder
{
    public const string NoDataText = "No data yet";
    public const string NothingPlottableText = "No plottable points";

    public static PlotModel Build(PlotSpec spec, CleanedPlot data)
    {
        var model = CreateStyledModel(spec.Title);
        var xAxis = CreateAxis(spec.XScale, AxisPosition.Bottom, spec.XLabel, spec.XIntegers);
        var yAxis = CreateAxis(spec.YScale, AxisPosition.Left, spec.YLabel, spec.YIntegers);
        model.Axes.Add(xAxis);
        model.Axes.Add(yAxis);

        if (spec.HeatMap is { } heat)
        {
            HeatMapLayer.AddTo(model, heat);
            return model;
        }

        if (!data.HasData)
        {
            AddPlaceholder(model, xAxis, yAxis, spec.Series.Count == 0 || spec.Series.All(s => s.Points.Count == 0)
                ? NoDataText
                : NothingPlottableText);
            return model;
        }

        var xs = data.Series.SelectMany(s => s.Points).Select(p => p.X);
        var ys = data.Series.SelectMany(s => s.Points).Select(p => p.Y).Concat(data.ReferenceLines.Select(r => r.Y))
            .Concat(data.Series.SelectMany(s => s.Band).SelectMany(b => new[] { b.Low, b.High }));
        FitLogRange(xAxis, xs);
        FitLogRange(yAxis, ys);

        // Bands first, so every line is drawn over every band.
        foreach (var series in data.Series.Where(s => s.Band.Count >= 2))
            model.Series.Add(CreateBand(series));
        foreach (var series in data.Series)
            model.Series.Add(CreateSeries(series));
        foreach (var line in data.ReferenceLines)
        {
            model.Annotations.Add(CreateReferenceLine(line));
            if (!string.IsNullOrWhiteSpace(line.Label))
                model.Series.Add(CreateReferenceLegendEntry(line));
        }

        if (model.Series.Any(s => !string.IsNullOrWhiteSpace(s.Title)))
            model.Legends.Add(CreateLegend());
        return model;
    }

    private static PlotModel CreateStyledModel(string title) => new()
    {
        Title = title,
        TitleFontSize = PlotTheme.TitleFontSize,
        TitleFontWeight = FontWeights.Bold,
        TitleColor = PlotTheme.Text,
        TitleHorizontalAlignment = TitleHorizontalAlignment.CenteredWithinView,
        DefaultFont = PlotTheme.FontFamily,
        DefaultFontSize = PlotTheme.FontSize,
        TextColor = PlotTheme.Text,
        Background = PlotTheme.Background,
        // Axis lines are drawn by the axes themselves (left and bottom only): a full box adds ink, not information.
        PlotAreaBorderThickness = new OxyThickness(0),
        Padding = new OxyThickness(8, 8, 14, 8),
    };

    private static Axis CreateAxis(AxisScale scale, AxisPosition position, string title, bool integers = false)
    {
        Axis axis = scale == AxisScale.Log10
            ? new DecadeLogarithmicAxis
            {
                // Labels as 10ⁿ: readable over the dozens of decades gradient norms can span.
                UseSuperExponentialFormat = true,
                MinorGridlineStyle = LineStyle.Solid,
                MinorGridlineColor = PlotTheme.MinorGrid,
                MinorTickSize = 2,
            }
            : new LinearAxis
            {
                MinimumPadding = 0.04,
                MaximumPadding = 0.04,
                MinorTickSize = 0,
                // OxyPlot's default (60 px per interval) often leaves only two labels on a 400 px plot.
                IntervalLength = 40,
            };

        axis.Position = position;
        axis.Title = title;
        axis.TitleFontSize = PlotTheme.AxisTitleFontSize;
        axis.TitleColor = PlotTheme.Text;
        axis.TextColor = PlotTheme.Text;
        axis.AxislineStyle = LineStyle.Solid;
        axis.AxislineColor = PlotTheme.AxisLine;
        axis.TicklineColor = PlotTheme.AxisLine;
        axis.MinorTicklineColor = PlotTheme.AxisLine;
        axis.MajorTickSize = 4;
        axis.TickStyle = TickStyle.Outside;
        axis.MajorGridlineStyle = LineStyle.Solid;
        axis.MajorGridlineColor = PlotTheme.MajorGrid;
        axis.AxisTitleDistance = 10; // browsers render labels a little wider than the Helvetica metrics used for layout
        // Static report: no zoom/pan, so nothing should move the axes away from the data.
        axis.IsZoomEnabled = false;
        axis.IsPanEnabled = false;
        if (integers && axis is not LogarithmicAxis)
        {
            // Epochs, depths and block counts are whole numbers: a tick at 1.5 epochs would be a label for nothing.
            axis.MinimumMajorStep = 1;
            axis.MinimumMinorStep = 1;
            axis.StringFormat = "0";
        }
        return axis;
    }

    /// <summary>
    /// Pads a log axis a little (in log space) so markers are not clipped at the edges, then widens it
    /// to whole decades when fewer than two powers of ten would be visible: a log axis with a single
    /// labelled tick cannot be read.
    /// </summary>
    private static void FitLogRange(Axis axis, IEnumerable<double> values)
    {
        if (axis is not LogarithmicAxis) return;
        var logs = values.Select(Math.Log10).ToList();
        if (logs.Count == 0) return;
        double lo = logs.Min(), hi = logs.Max();
        double pad = Math.Max(0.03 * (hi - lo), 0.02);
        lo -= pad;
        hi += pad;
        if (Math.Floor(hi) - Math.Ceiling(lo) < 1)
        {
            lo = Math.Floor(lo);
            hi = Math.Max(Math.Ceiling(hi), lo + 1);
        }

        axis.Minimum = Math.Pow(10, lo);
        axis.Maximum = Math.Pow(10, hi);
    }

    private static XYAxisSeries CreateSeries(CleanedSeries data)
    {
        var color = PlotTheme.SeriesColor(data.ColorIndex);
        var marker = PlotTheme.SeriesMarker(data.ColorIndex);
        var style = data.Source.Style;
        if (style == SeriesStyle.Markers)
        {
            // A scatter series, so the legend shows a bare marker rather than a line that is not drawn.
            var scatter = new ScatterSeries
            {
                Title = data.Source.Name,
                MarkerType = marker,
                MarkerSize = 4,
                MarkerFill = color,
                MarkerStroke = PlotTheme.IsOpenMarker(marker) ? color : PlotTheme.Background,
                MarkerStrokeThickness = PlotTheme.IsOpenMarker(marker) ? 1.5 : 1,
            };
            foreach (var p in data.Points)
                scatter.Points.Add(new ScatterPoint(p.X, p.Y));
            return scatter;
        }

        var series = new LineSeries
        {
            Title = data.Source.Name,
            Color = color,
            StrokeThickness = style == SeriesStyle.Dashed ? 1.75 : 2,
            LineStyle = style == SeriesStyle.Dashed ? LineStyle.Dash : PlotTheme.SeriesDash(data.ColorIndex),
            MarkerType = style == SeriesStyle.LineWithMarkers ? marker : MarkerType.None,
            MarkerSize = 3.5,
            MarkerFill = color,
            // A white rim keeps overlapping markers of different series apart.
            MarkerStroke = PlotTheme.IsOpenMarker(marker) ? color : PlotTheme.Background,
            MarkerStrokeThickness = PlotTheme.IsOpenMarker(marker) ? 1.5 : 1,
        };
        foreach (var p in data.Points)
            series.Points.Add(new DataPoint(p.X, p.Y));
        return series;
    }

    /// <summary>A light fill between the low and high edge, untitled so it adds no legend entry.</summary>
    private static AreaSeries CreateBand(CleanedSeries data)
    {
        var color = PlotTheme.SeriesColor(data.ColorIndex);
        var band = new AreaSeries
        {
            Fill = OxyColor.FromAColor(PlotTheme.BandAlpha, color),
            Color = OxyColors.Transparent,
            Color2 = OxyColors.Transparent,
            StrokeThickness = 0,
        };
        foreach (var b in data.Band)
        {
            band.Points.Add(new DataPoint(b.X, b.High));
            band.Points2.Add(new DataPoint(b.X, b.Low));
        }
        return band;
    }

    private static LineAnnotation CreateReferenceLine(ReferenceLine line) => new()
    {
        Type = LineAnnotationType.Horizontal,
        Y = line.Y,
        Color = PlotTheme.ReferenceLine,
        LineStyle = LineStyle.Dot,
        StrokeThickness = 1.5,
    };

    /// <summary>
    /// The reference line is labelled through the legend, not with text on the plot, where the label
    /// would collide with data lying near the reference (which is exactly the interesting case).
    /// The series has no points: it only contributes a legend entry.
    /// </summary>
    private static LineSeries CreateReferenceLegendEntry(ReferenceLine line) => new()
    {
        Title = line.Label,
        Color = PlotTheme.ReferenceLine,
        LineStyle = LineStyle.Dot,
        StrokeThickness = 1.5,
    };

    private static Legend CreateLegend() => new()
    {
        // Outside the plot area so the legend never hides data.
        LegendPlacement = LegendPlacement.Outside,
        LegendPosition = LegendPosition.RightTop,
        LegendOrientation = LegendOrientation.Vertical,
        LegendBorderThickness = 0,
        LegendBackground = OxyColors.Transparent,
        LegendFontSize = PlotTheme.FontSize,
        LegendTextColor = PlotTheme.Text,
        LegendSymbolLength = 22,
        LegendItemSpacing = 6,
        LegendLineSpacing = 2,
        LegendMargin = 6,
        LegendPadding = 4,
    };

    private static void AddPlaceholder(PlotModel model, Axis xAxis, Axis yAxis, string text)
    {
        // Keep the axis titles (they say what will be plotted) but no ticks or grid: made-up ranges would mislead.
        foreach (var axis in new[] { xAxis, yAxis })
        {
            axis.LabelFormatter = _ => "";
            axis.TickStyle = TickStyle.None;
            axis.MajorGridlineStyle = LineStyle.None;
            axis.MinorGridlineStyle = LineStyle.None;
        }

        // Fixed ranges make the centre well defined for either scale; the geometric mean is the visual centre of a log range.
        (xAxis.Minimum, xAxis.Maximum) = xAxis is LogarithmicAxis ? (1, 100) : (0, 1);
        (yAxis.Minimum, yAxis.Maximum) = yAxis is LogarithmicAxis ? (1, 100) : (0, 1);
        model.Annotations.Add(new TextAnnotation
        {
            Text = text,
            TextPosition = new DataPoint(xAxis is LogarithmicAxis ? 10 : 0.5, yAxis is LogarithmicAxis ? 10 : 0.5),
            TextHorizontalAlignment = HorizontalAlignment.Center,
            TextVerticalAlignment = VerticalAlignment.Middle,
            FontSize = 16,
            TextColor = PlotTheme.MutedText,
            Stroke = OxyColors.Transparent,
            StrokeThickness = 0,
        });
    }
}
