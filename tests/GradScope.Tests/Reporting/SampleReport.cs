using GradScope.Reporting;

namespace GradScope.Tests.Reporting;

/// <summary>
/// A realistic report exercising every block kind and the awkward data cases (NaN, zeros on a log
/// axis, an empty plot), shaped like the gradient study so the browser test judges the real look.
/// </summary>
internal static class SampleReport
{
    public static readonly string[] FigureIds = ["gsc-vs-depth", "effective-depth", "loss-curves", "pending-plot"];

    public static ReportDocument Create()
    {
        var doc = new ReportDocument("Exploding gradients in deep MLPs")
        {
            Subtitle = "Reproducing Philipp, Song & Carbonell, **The exploding gradient problem demystified**: gradient scale " +
                "coefficients across depth, activation and normalisation.",
        };
        doc.AddMetadata("Command", "`gradscope study --preset quick --seed 7`")
           .AddMetadata("Preset", "quick (depths 2–50, width 100)")
           .AddMetadata("Machine", "x86_64, 2 cores, .NET 10.0")
           .AddMetadata("Date", "2025-01-17 14:03 UTC")
           .AddMetadata("Wall time", ReportNumber.Duration(TimeSpan.FromSeconds(754)));

        var gsc = doc.AddSection("gsc", "Gradient scale coefficient vs depth");
        gsc.AddIntro("The **gradient scale coefficient** (GSC) compares the relative size of the gradient at layer 0 with that at " +
            "the output. A value growing exponentially with depth is the signature of an `exploding` gradient.");
        var plot = new PlotSpec("gsc-vs-depth", "GSC at initialisation")
        {
            XLabel = "depth (layers)",
            YLabel = "gradient scale coefficient",
            YScale = AxisScale.Log10,
        };
        int[] depths = [2, 5, 10, 15, 20, 30, 40, 50];
        plot.AddSeries("tanh + batch norm", depths.Select(d => ((double)d, Math.Pow(1.55, d))));
        plot.AddSeries("ReLU + batch norm", depths.Select(d => ((double)d, Math.Pow(1.21, d))));
        plot.AddSeries("SELU", depths.Select(d => ((double)d, d == 50 ? double.NaN : Math.Pow(1.08, d))));
        plot.AddSeries("ReLU, looks-linear", depths.Select(d => ((double)d, d == 2 ? 0 : 1.0 + 0.01 * d)));
        plot.AddSeries("tanh + BN (theory)", depths.Select(d => ((double)d, Math.Pow(1.6, d))), SeriesStyle.Dashed, colorIndex: 0);
        plot.AddReferenceLine(1, "no explosion");
        gsc.AddFigure(plot, "GSC measured at initialisation, median of 5 seeds. Dashed: the paper's prediction for tanh with batch " +
            "normalisation.");
        gsc.AddTable(TableColumn.Text("Architecture"), TableColumn.Numeric("Depth"), TableColumn.Numeric("GSC"),
                TableColumn.Numeric("Per-layer growth"), TableColumn.Text("Status"))
           .WithCaption("GSC at depth 50. Cells are highlighted when growth per layer exceeds 1.1 (**warn**) or 1.3 (**bad**).")
           .AddRow("tanh + batch norm", TableCell.Integer(50), TableCell.Number(Math.Pow(1.55, 50), status: CellStatus.Bad),
                TableCell.Number(1.55, status: CellStatus.Bad), new TableCell("explodes", CellStatus.Bad))
           .AddRow("ReLU + batch norm", TableCell.Integer(50), TableCell.Number(Math.Pow(1.21, 50), status: CellStatus.Warn),
                TableCell.Number(1.21, status: CellStatus.Warn), new TableCell("grows", CellStatus.Warn))
           .AddRow("SELU", TableCell.Integer(50), TableCell.Number(null), TableCell.Number(1.08, status: CellStatus.Ok),
                new TableCell("stable", CellStatus.Ok))
           .AddRow("ReLU, looks-linear | orthogonal", TableCell.Integer(50), TableCell.Number(1.5), TableCell.Number(1.0003, 5),
                TableCell.Missing("running…"));
        gsc.AddNote(NoteKind.Warning, "**3 cells of 40** are not finished yet; their rows show `—` and the plots omit them.");

        var depth = doc.AddSection("effective-depth", "Effective depth");
        depth.AddIntro("Effective depth counts how many layers contribute non-trivially to the network's function after training.");
        var linear = new PlotSpec("effective-depth", "Effective depth after 20 epochs")
        {
            XLabel = "compositional depth",
            YLabel = "effective depth",
        };
        linear.AddSeries("tanh + BN", depths.Select(d => ((double)d, 1.2 + Math.Log(d))));
        linear.AddSeries("ReLU + BN", depths.Select(d => ((double)d, 1.0 + 0.4 * Math.Sqrt(d) * 2)));
        linear.AddSeries("SELU", depths.Select(d => ((double)d, 0.6 * d / (1 + d / 40.0))), SeriesStyle.Markers);
        depth.AddFigure(linear, "Effective depth grows far slower than compositional depth for exploding architectures.");
        depth.AddNote(NoteKind.Info, "Effective depth uses the residual-trick decomposition from section 5 of the paper.");

        var training = doc.AddSection("training", "Training curves");
        var loss = new PlotSpec("loss-curves", "Training loss")
        {
            XLabel = "epoch",
            YLabel = "cross-entropy loss",
            YScale = AxisScale.Log10,
        };
        loss.AddSeries("depth 10", Enumerable.Range(0, 21).Select(e => ((double)e, 2.3 * Math.Exp(-0.18 * e) + 0.02)), SeriesStyle.Line);
        loss.AddSeries("depth 30", Enumerable.Range(0, 21).Select(e => ((double)e, 2.3 * Math.Exp(-0.07 * e) + 0.1)), SeriesStyle.Line);
        loss.AddSeries("depth 50", Enumerable.Range(0, 21).Select(e => ((double)e, e > 14 ? double.PositiveInfinity : 2.3 + 0.02 * e)),
            SeriesStyle.Line);
        training.AddFigure(loss, "Training loss for tanh + batch norm; the depth-50 run diverged after epoch 14.");
        training.AddFigure(new PlotSpec("pending-plot", "Test error vs depth")
            {
                XLabel = "depth", YLabel = "test error", YScale = AxisScale.Log10,
            }, "Test error per depth (runs not started yet).");

        var claims = doc.AddSection("claims", "Claims of the paper");
        claims.AddIntro("Each claim is checked against the measurements above.");
        claims.AddClaims()
              .Add("Batch normalisation with tanh causes exploding gradients.", "GSC grows as 1.55^L; `1.3e9` at depth 50.",
                  ClaimVerdict.Holds)
              .Add("SELU networks have exploding gradients at initialisation.", "GSC growth per layer 1.08, below the **1.1** threshold.",
                  ClaimVerdict.DoesNotHold)
              .Add("Looks-linear initialisation avoids the collapsing domain problem.", "Only 2 of 5 seeds finished.",
                  ClaimVerdict.Inconclusive);
        return doc;
    }
}
