using GradScope.Reporting;

namespace GradScope.Reproduction;

/// <summary>Study 1 (paper Fig. 1 A–C): every architecture at initialisation, on Gaussian noise and on data.</summary>
internal static class InitStudy
{
    public static StudyOutput Build(SweepResults results)
    {
        var section = new ReportSection(StudyIds.Init, "Initial state: gradient scale and collapsing domain");
        section.AddIntro($"Each architecture at initialisation (depth {results.Preset.Sizes.LinearLayers}, width " +
            $"{results.Preset.Sizes.Width}), measured on a batch of Gaussian noise and on a batch of training data at every seed. " +
            "**GSC(k, 0)** is the relative change of the loss caused by a relative change at position k; an exponential growth " +
            "with k (a straight line on the log axis) is an exploding gradient. The fitted rate **r** is per linear layer; " +
            "**r^L** is the growth over the whole depth; " + GradientFit.Rule + ".");
        var output = new StudyOutput(StudyIds.Init, section);
        StudyText.NoteMissing(output, results, StudyIds.Init);
        var archs = results.ArchitecturesOf(StudyIds.Init);

        foreach (string input in new[] { InitCellSpec.Noise, InitCellSpec.Data })
        {
            var plot = new PlotSpec($"init-gsc-{input}", $"GSC(k, 0) at initialisation, " +
                $"{(input == "noise" ? "Gaussian noise" : "training data")} input")
            {
                XLabel = "k (linear layers between position and error layer)",
                YLabel = "GSC(k, 0)",
                YScale = AxisScale.Log10,
            };
            foreach (string arch in archs)
                SeedCurves.AddMean(plot, arch, results.InitsOf(StudyIds.Init, arch, input)
                    .Select(r => r.Measurements.Gsc.Profile.Select(p => ((double)p.LinearLayers, p.Value))));
            plot.AddReferenceLine(1, "GSC = 1");
            section.AddFigure(plot, input == "noise"
                ? $"Paper Fig. 1A. One curve per architecture ({SeedCurves.Caption}); straight lines on the log axis are " +
                    "exponential growth with depth."
                : "As above, on standardised training data.");
        }

        var std = new PlotSpec("init-preact-std", "Pre-activation standard deviation per layer (data input)")
        {
            XLabel = "block position / blocks (0 = output side, 1 = input side)",
            YLabel = "mean pre-activation std",
            YScale = AxisScale.Log10,
        };
        var sign = new PlotSpec("init-sign-diversity", "Sign diversity per layer (data input)")
        {
            XLabel = "block position / blocks (0 = output side, 1 = input side)",
            YLabel = "mean sign diversity",
        };
        foreach (string arch in archs)
        {
            var collapses = results.InitsOf(StudyIds.Init, arch, InitCellSpec.Data)
                .Select(r => r.Measurements.CollapseByPosition()).Where(c => c.Count > 0).ToList();
            // Relative position: 26-block ResNets and 50-block MLPs share the axis.
            static double Blocks(IReadOnlyList<Diagnostics.PositionCollapse> c) => Math.Max(1, c.Max(p => p.Position));
            SeedCurves.AddMean(std, arch, collapses.Select(c => c.Select(p => (p.Position / Blocks(c), p.PreActivationStd))));
            SeedCurves.AddMean(sign, arch, collapses.Select(c => c.Select(p => (p.Position / Blocks(c), p.SignDiversity))));
        }
        sign.AddReferenceLine(0.5, "maximum diversity");
        section.AddFigure(std, "Paper Fig. 1B. Pre-activation spread across the batch, per unit, averaged over units " +
            $"({SeedCurves.Caption}).");
        section.AddFigure(sign, $"Paper Fig. 1C. Sign diversity min(P, N)/(P + N) per unit, averaged ({SeedCurves.Caption}); " +
            "a drop towards 0 " +
            "means a collapsing domain (units act almost linearly).");

        var table = section.AddTable(TableColumn.Text("Architecture"), TableColumn.Numeric("r (noise)"),
            TableColumn.Numeric("r^L (noise)"), TableColumn.Numeric("R²"), TableColumn.Numeric("r (data)"),
            TableColumn.Numeric("r^L (data)"), TableColumn.Numeric("sign div. in → out"), TableColumn.Numeric("pre-act std in → out"))
            .WithCaption("Means over the seeds (the range of r on noise in brackets). Fitted GSC rate per linear layer and growth " +
                "over the depth, coloured by the per-layer verdict (red: exploding, amber: vanishing; " + GradientFit.Rule + "), " +
                "and the collapse metrics of the first and last nonlinearity on data.");
        var rows = new List<object?[]>();
        var json = new List<object>();
        foreach (string arch in archs)
        {
            var s = InitSummary.Of(results, StudyIds.Init, arch);
            var noise = s?.NoiseFit;
            var data = s?.DataFit;
            var rate = s?.NoiseRate;
            int depth = s?.LinearLayers ?? results.Preset.Sizes.LinearLayers;
            bool collapse = s?.HasCollapse == true;
            table.AddRow(arch, StudyFormat.Num(rate, 4), StudyText.Growth(noise), StudyText.Num(noise?.R2),
                StudyText.Num(data?.Rate, 4), StudyText.Growth(data),
                collapse ? new TableCell($"{StudyText.F(s!.SignIn)} → {StudyText.F(s.SignOut)}") : TableCell.Missing(StudyText.MissingText),
                collapse ? new TableCell($"{StudyText.F(s!.StdIn)} → {StudyText.F(s.StdOut)}") : TableCell.Missing(StudyText.MissingText));
            rows.Add([arch, depth, s?.Seeds, noise?.Rate, noise?.Growth, noise?.R2, rate?.Min, rate?.Max, noise?.Verdict, data?.Rate,
                data?.Growth, s?.SignIn, s?.SignOut, s?.StdIn, s?.StdOut, s?.PseudoIn, s?.PseudoOut]);
            json.Add(new
            {
                architecture = arch,
                linear_layers = depth,
                seeds = s?.Seeds,
                gsc_rate_noise = rate,
                verdict_noise = noise?.Verdict,
                seed_verdicts_noise = noise?.SeedVerdicts,
                noise = s?.Noise.Select(r => r.Measurements).ToList(),
                data = s?.Data.Select(r => r.Measurements).ToList(),
                noise_cells = s?.Noise.Select(r => r.Id).ToList(),
                data_cells = s?.Data.Select(r => r.Id).ToList(),
            });
        }
        output.Set("architectures", json);
        output.AddCsv("init", ["architecture", "linear_layers", "seeds", "gsc_rate_noise", "growth_noise", "gsc_r2_noise",
            "gsc_rate_noise_min", "gsc_rate_noise_max", "verdict_noise", "gsc_rate_data", "growth_data", "sign_diversity_input_side",
            "sign_diversity_output_side", "preact_std_input_side", "preact_std_output_side", "pseudo_linearity_input_side",
            "pseudo_linearity_output_side"], rows);
        output.AddCsv("init-profiles", ["architecture", "input", "seed", "position", "linear_layers", "gsc"],
            archs.SelectMany(a => new[] { InitCellSpec.Noise, InitCellSpec.Data }.SelectMany(input =>
                results.InitsOf(StudyIds.Init, a, input).SelectMany(r => r.Measurements.Gsc.Profile.Select(p => new object?[]
                    { a, input, r.Seed, p.Position, p.LinearLayers, p.Value })))));
        return output;
    }
}
