using System.Diagnostics;

namespace GradScope.Tests.Reporting;

/// <summary>Runs the system Chromium headless with everything that could reach the network switched off.</summary>
internal static class HeadlessChromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    public static bool IsInstalled => File.Exists(ExecutablePath);

    public static Result Run(string url, params string[] action)
    {
        // A fresh profile per run: no state leaks between tests and parallel runs do not fight over a lock.
        string profile = Directory.CreateTempSubdirectory("gradscope-chromium-").FullName;
        try
        {
            var start = new ProcessStartInfo(ExecutablePath)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            string[] flags =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--hide-scrollbars",
                // Console messages and uncaught page errors go to stderr, so the test can fail on them.
                "--enable-logging=stderr", "--v=0",
                $"--user-data-dir={profile}",
            ];
            foreach (string arg in flags.Concat(action).Append(url)) start.ArgumentList.Add(arg);

            using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start Chromium.");
            // Read both pipes concurrently: a full stderr buffer would otherwise block Chromium forever.
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("Chromium did not finish within 120 s.");
            }

            return new Result(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
        }
        finally
        {
            try { Directory.Delete(profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
