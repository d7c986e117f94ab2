using System.Diagnostics;
using CliWrap;
using CliWrap.Buffered;
using Acceptance.Support.Outcomes;
using Microsoft.Playwright;

namespace Acceptance.Support.Browser;

/// <summary>
/// The run's one Chromium (Debian's <c>chromium</c>, driven by Microsoft.Playwright's bundled node driver, which runs
/// offline; Playwright's own browser download is never used), started on first use and closed at the end of the run.
/// The target's CA bundles are trusted the way Chromium on Linux trusts a CA: an NSS database in a run-scoped HOME
/// (<c>certutil</c> from libnss3-tools); certificate errors are never ignored. Without chromium or certutil the browser
/// checks are NOT VERIFIED, naming the package to install.
/// </summary>
public static class BrowserSession
{
    /// <summary>Where chromium is looked for (ACCEPTANCE_CHROMIUM overrides).</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("ACCEPTANCE_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    /// <summary>The install command named when a tool is missing.</summary>
    public const string InstallHint = "apt-get install chromium libnss3-tools (sandbox/up installs them)";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static IPlaywright? _playwright;
    private static IBrowser? _browser;
    private static string? _home;
    private static readonly HashSet<string> TrustedCas = [];

    /// <summary>How long the first start took (driver + chromium), for the bench and the evidence.</summary>
    public static TimeSpan? ColdStart { get; private set; }

    /// <summary>The browser, started on first call with every CA of <paramref name="caFiles"/> trusted.</summary>
    public static async Task<IBrowser> GetAsync(IEnumerable<string> caFiles, CancellationToken ct = default)
    {
        await Gate.WaitAsync(ct);
        try
        {
            var cas = caFiles.Where(f => !string.IsNullOrEmpty(f)).Select(Path.GetFullPath).Distinct().ToList();
            if (_browser is { IsConnected: true } && cas.All(TrustedCas.Contains)) return _browser;
            if (_browser is not null) await CloseCoreAsync();   // a CA not yet trusted: NSS is read at start, so restart
            if (!File.Exists(ChromiumPath))
                throw new NotVerifiedException($"chromium is not installed ({ChromiumPath} not found): the UI checks need a browser; install it: {InstallHint}");
            var certutil = new[] { "/usr/bin/certutil", "/bin/certutil" }.FirstOrDefault(File.Exists)
                ?? throw new NotVerifiedException($"certutil is not installed: the target's CA cannot be given to chromium; install it: {InstallHint}");
            var sw = Stopwatch.StartNew();
            _home = Directory.CreateTempSubdirectory("acceptance-browser-").FullName;
            var home = _home;   // an interrupted run (SIGINT/SIGTERM ends the process) leaves no NSS database behind either
            AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(home, recursive: true); } catch (Exception) { /* gone */ } };
            var nss = Path.Combine(_home, ".pki", "nssdb");
            Directory.CreateDirectory(nss);
            await CertutilAsync(certutil, ["-d", $"sql:{nss}", "-N", "--empty-password"], ct);
            foreach (var (ca, i) in cas.Select((c, i) => (c, i)))
            {
                if (!File.Exists(ca)) throw new EnvironmentProblemException($"CA bundle {ca} does not exist: chromium cannot be told to trust the target");
                await CertutilAsync(certutil, ["-d", $"sql:{nss}", "-A", "-n", $"acceptance-target-ca-{i}", "-t", "C,,", "-i", ca], ct);
            }
            TrustedCas.Clear();
            TrustedCas.UnionWith(cas);
            _playwright = await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                // Playwright passes --no-sandbox unless ChromiumSandbox is set: measured, chromium starts as root with it.
                Env = new Dictionary<string, string>
                {
                    ["HOME"] = _home,
                    ["XDG_CONFIG_HOME"] = Path.Combine(_home, ".config"),
                    ["XDG_CACHE_HOME"] = Path.Combine(_home, ".cache"),
                },
                Args = ["--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking", "--disable-component-update"],
                Timeout = 30_000,
            });
            ColdStart ??= sw.Elapsed;
            Evidence.RunFacts.Set("browser.chromium", $"{_browser.Version} ({ChromiumPath}, headless)");
            Console.WriteLine($"[browser] chromium {_browser.Version} started in {sw.Elapsed.TotalMilliseconds:F0} ms (driver, NSS trust of {cas.Count} CA file(s), launch)");
            return _browser;
        }
        catch (PlaywrightException e)
        {
            throw new EnvironmentProblemException($"chromium ({ChromiumPath}) did not start: {e.Message.Split('\n')[0]}", e);
        }
        finally { Gate.Release(); }
    }

    /// <summary>Closes the browser and removes the run-scoped HOME (its NSS database). Idempotent.</summary>
    public static async Task CloseAsync()
    {
        await Gate.WaitAsync();
        try { await CloseCoreAsync(); }
        finally { Gate.Release(); }
    }

    private static async Task CloseCoreAsync()
    {
        try { if (_browser is not null) await _browser.CloseAsync(); }
        catch (PlaywrightException) { /* already gone */ }
        _browser = null;
        _playwright?.Dispose();
        _playwright = null;
        if (_home is not null)
        {
            try { Directory.Delete(_home, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            _home = null;
        }
        TrustedCas.Clear();
    }

    private static async Task CertutilAsync(string certutil, string[] args, CancellationToken ct)
    {
        var r = await Cli.Wrap(certutil).WithArguments(args).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(ct);
        if (r.ExitCode != 0)
            throw new EnvironmentProblemException($"certutil {string.Join(' ', args)} exited {r.ExitCode}: {(r.StandardError + r.StandardOutput).Trim()}");
    }
}
