using System.Globalization;
using System.Xml.Linq;
using Acceptance.Support.Evidence;
using Acceptance.Support.Outcomes;
using Acceptance.Support.Transport;

namespace Acceptance.Support.Tls;

/// <summary>One cipher suite a server accepted, as sslscan saw it.</summary>
public sealed record AcceptedCipher(string Protocol, string Name, int Bits, string Strength)
{
    /// <inheritdoc />
    public override string ToString() => $"{Protocol} {Name} ({Bits} bits, {Strength})";
}

/// <summary>What sslscan found on one endpoint: the protocols it accepts and the cipher suites it accepts per protocol.</summary>
public sealed record TlsScanReport(string Host, int Port, IReadOnlyDictionary<string, bool> Protocols, IReadOnlyList<AcceptedCipher> Ciphers)
{
    /// <summary>Protocols the server accepts (SSLv2, SSLv3, TLSv1.0 ... TLSv1.3).</summary>
    public IReadOnlyList<string> Accepted => Protocols.Where(p => p.Value).Select(p => p.Key).ToList();

    /// <inheritdoc />
    public override string ToString() =>
        $"{Host}:{Port} accepts [{string.Join(", ", Accepted)}], refuses [{string.Join(", ", Protocols.Where(p => !p.Value).Select(p => p.Key))}]; {Ciphers.Count} cipher suites";
}

/// <summary>
/// sslscan (a maintained TLS scanner, Debian package sslscan) through CliWrap: every protocol from SSLv2 to TLS 1.3 tried,
/// every cipher suite the server accepts listed; its XML report is parsed and attached whole to the evidence.
/// </summary>
public sealed class SslScan(EvidenceLog evidence, TimeSpan deadline)
{
    /// <summary>How to get the tool, for the not-verified reason.</summary>
    public const string Install = "install it with `apt-get install sslscan` (sandbox/up installs it)";

    /// <summary>Scans host:port with SNI <paramref name="serverName"/>.</summary>
    public async Task<TlsScanReport> ScanAsync(string host, int port, string? serverName, CancellationToken ct = default)
    {
        if (CommandRunner.Locate("sslscan", "SSLSCAN") is null)
            throw new NotVerifiedException($"sslscan is not on PATH: the protocols and cipher suites of {host}:{port} cannot be verified here; {Install}.");
        var file = Path.Combine(Path.GetTempPath(), $"sslscan-{Guid.NewGuid():N}.xml");
        try
        {
            // protocols and cipher suites only: key-exchange groups, renegotiation, compression and fallback probes are skipped (time)
            var args = new List<string> { "--no-colour", "--no-heartbleed", "--no-groups", "--no-renegotiation", "--no-compression", "--no-fallback", $"--xml={file}" };
            if (serverName is not null && serverName != host) args.Add($"--sni-name={serverName}");
            args.Add($"{host}:{port.ToString(CultureInfo.InvariantCulture)}");
            var run = await new CommandRunner("sslscan", evidence, deadline, "SSLSCAN").RunAsync(args, ct);
            var xml = File.Exists(file) ? await File.ReadAllTextAsync(file, ct) : "";
            if (xml.Length == 0) throw new EnvironmentProblemException($"sslscan {host}:{port} wrote no XML report ({run.Output.Trim()})");
            evidence.AttachText($"sslscan {host}:{port} (XML)", xml, "application/xml", "xml");
            return Parse(xml, host, port);
        }
        finally { File.Delete(file); }
    }

    /// <summary>Parses sslscan's --xml report (2.x).</summary>
    public static TlsScanReport Parse(string xml, string host, int port)
    {
        XElement test;
        try { test = XDocument.Parse(xml).Root?.Element("ssltest") ?? throw new FormatException("no <ssltest> element"); }
        catch (Exception e) when (e is System.Xml.XmlException or FormatException)
        {
            throw new EnvironmentProblemException($"sslscan {host}:{port}: the report is not sslscan XML ({e.Message})", e);
        }
        var error = test.Element("error");
        if (error is not null || test.Elements("protocol").All(p => (string?)p.Attribute("enabled") == "0") && !test.Elements("cipher").Any())
            throw new EnvironmentProblemException($"sslscan {host}:{port}: no TLS handshake succeeded ({error?.Value.Trim() ?? "every protocol refused: is it a TLS port?"})");
        var protocols = test.Elements("protocol").ToDictionary(
            p => ((string?)p.Attribute("type") ?? "").ToUpperInvariant() == "SSL" ? $"SSLv{(string?)p.Attribute("version")}" : $"TLSv{(string?)p.Attribute("version")}",
            p => (string?)p.Attribute("enabled") == "1");
        var ciphers = test.Elements("cipher").Select(c => new AcceptedCipher((string?)c.Attribute("sslversion") ?? "",
            (string?)c.Attribute("cipher") ?? "", int.TryParse((string?)c.Attribute("bits"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var b) ? b : 0,
            (string?)c.Attribute("strength") ?? "")).ToList();
        return new TlsScanReport(host, port, protocols, ciphers);
    }
}
