using System.Globalization;
using System.Xml.Linq;
using Acceptance.Support.Checks;
using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Transport;

namespace Acceptance.Support.Network;

/// <summary>One port as the scan saw it from the runner: open (answers), closed (refused) or filtered (no answer).</summary>
public sealed record PortState(string Host, int Port, string State, string Reason, bool MustBeOpen)
{
    /// <summary>The port accepted a connection.</summary>
    public bool Answers => State == "open";

    /// <inheritdoc />
    public override string ToString() => $"{Host}:{Port} {State} ({Reason}; must be {(MustBeOpen ? "open" : "closed")})";
}

/// <summary>One entry of firewall.must_be_open / must_be_closed: a host and a port or a range of ports.</summary>
public sealed record PortExpectation(string Host, int From, int To, bool MustBeOpen)
{
    /// <summary>Parses host:port or host:from-to (the key names the list, for the message).</summary>
    public static PortExpectation Parse(string entry, string key, bool mustBeOpen)
    {
        var colon = entry.LastIndexOf(':');
        var ports = colon > 0 ? entry[(colon + 1)..].Split('-') : [];
        if (ports.Length is < 1 or > 2 || !ports.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 65535))
            throw new EnvironmentProblemException($"{key}: '{entry}' is not host:port or host:from-to");
        var from = int.Parse(ports[0], CultureInfo.InvariantCulture);
        var to = int.Parse(ports[^1], CultureInfo.InvariantCulture);
        if (to < from || to - from > 4096) throw new EnvironmentProblemException($"{key}: '{entry}': the range must go up and span at most 4096 ports");
        return new PortExpectation(entry[..colon].Trim('[', ']'), from, to, mustBeOpen);
    }

    /// <summary>The nmap port list of this entry.</summary>
    public string NmapPorts => From == To ? From.ToString(CultureInfo.InvariantCulture) : $"{From}-{To}";
}

/// <summary>
/// Scans the hosts of firewall.must_be_open / must_be_closed from the runner with nmap (a maintained port scanner, Debian
/// package nmap): a TCP connect scan of exactly the listed ports, one nmap per host, hosts in parallel, each under a
/// deadline; the XML report is parsed and attached whole.
/// </summary>
public sealed class PortScan(FirewallOptions options, EvidenceLog evidence)
{
    /// <summary>How to get the tool, for the not-verified reason.</summary>
    public const string Install = "install it with `apt-get install nmap` (sandbox/up installs it)";

    /// <summary>The state of every listed port.</summary>
    public async Task<IReadOnlyList<PortState>> ScanAsync(CancellationToken ct = default)
    {
        var expectations = options.MustBeOpen.Select(e => PortExpectation.Parse(e, "firewall.must_be_open", true))
            .Concat(options.MustBeClosed.Select(e => PortExpectation.Parse(e, "firewall.must_be_closed", false))).ToList();
        if (expectations.Count == 0) throw new NotVerifiedException("The target lists no firewall.must_be_open or firewall.must_be_closed ports: the firewall cannot be tested.");
        if (CommandRunner.Locate("nmap", "NMAP") is null)
            throw new NotVerifiedException($"nmap is not on PATH: the ports cannot be scanned here; {Install}.");
        var runner = new CommandRunner("nmap", evidence, TimeSpan.FromSeconds(options.ScanTimeoutSeconds + 10), "NMAP");
        var perHost = await Task.WhenAll(expectations.GroupBy(e => e.Host).Select(async g =>
        {
            var ports = string.Join(',', g.Select(e => e.NmapPorts).Distinct());
            var run = await runner.RunAsync(["-sT", "-Pn", "-n", "--max-retries", "1", "--host-timeout", $"{options.ScanTimeoutSeconds}s", "-p", ports, "-oX", "-", g.Key], ct);
            if (!run.Succeeded) throw new EnvironmentProblemException($"nmap {g.Key} exited {run.ExitCode}: {run.Output.Trim()}");
            var start = run.Output.IndexOf("<?xml", StringComparison.Ordinal);
            var xml = start >= 0 ? run.Output[start..] : run.Output;
            evidence.AttachText($"nmap {g.Key} (XML)", xml, "application/xml", "xml");
            var states = Parse(xml, g.Key, g.SelectMany(e => Enumerable.Range(e.From, e.To - e.From + 1)));
            return g.SelectMany(e => Enumerable.Range(e.From, e.To - e.From + 1).Select(p => states[p] with { MustBeOpen = e.MustBeOpen }));
        }));
        return perHost.SelectMany(p => p).ToList();
    }

    /// <summary>
    /// The state of each of <paramref name="wanted"/> in nmap's -oX report; a port nmap folds into &lt;extraports&gt; has that
    /// state, a port the report does not cover is "unknown".
    /// </summary>
    public static IReadOnlyDictionary<int, PortState> Parse(string xml, string host, IEnumerable<int> wanted)
    {
        XElement root;
        try { root = XDocument.Parse(xml).Root ?? throw new FormatException("empty document"); }
        catch (Exception e) when (e is System.Xml.XmlException or FormatException)
        {
            throw new EnvironmentProblemException($"nmap {host}: the report is not nmap XML ({e.Message})", e);
        }
        var h = root.Element("host") ?? throw new EnvironmentProblemException(
            $"nmap {host}: the report names no host ({(string?)root.Element("runstats")?.Element("finished")?.Attribute("summary") ?? "no summary"})");
        var extra = h.Element("ports")?.Elements("extraports").Select(x => (string?)x.Attribute("state")).FirstOrDefault();
        var listed = new Dictionary<int, PortState>();
        foreach (var p in h.Element("ports")?.Elements("port") ?? [])
        {
            var port = int.Parse((string?)p.Attribute("portid") ?? "0", CultureInfo.InvariantCulture);
            var state = p.Element("state");
            listed[port] = new PortState(host, port, (string?)state?.Attribute("state") ?? "unknown", (string?)state?.Attribute("reason") ?? "", false);
        }
        return wanted.Distinct().ToDictionary(p => p, p => listed.GetValueOrDefault(p)
            ?? new PortState(host, p, extra ?? "unknown", extra is null ? "not in nmap's report" : "nmap extraports", false));
    }
}

/// <summary>Firewall rules: pure functions of the port states.</summary>
public static class FirewallRules
{
    /// <summary>Every must-be-open port answers; no must-be-closed port answers.</summary>
    public static Verdict PortsAsListed(IReadOnlyList<PortState> ports) => Verdict.From(
        "the firewall lets through exactly what firewall.must_be_open lists and nothing of firewall.must_be_closed (connect from the runner)",
        $"open: [{string.Join(", ", ports.Where(p => p.MustBeOpen).Select(p => $"{p.Host}:{p.Port}"))}]; closed or filtered: [{string.Join(", ", ports.Where(p => !p.MustBeOpen).Select(p => $"{p.Host}:{p.Port}"))}]",
        string.Join("; ", ports),
        ports.Where(p => p.MustBeOpen && !p.Answers).Select(p => $"{p.Host}:{p.Port} must be open but is {p.State} ({p.Reason})")
            .Concat(ports.Where(p => !p.MustBeOpen && p.Answers).Select(p => $"{p.Host}:{p.Port} answers but must be closed (open port: {p.Reason})"))
            .Concat(ports.Where(p => !p.MustBeOpen && p.State == "unknown").Select(p => $"{p.Host}:{p.Port}: state unknown ({p.Reason})")));
}
