using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;

namespace Acceptance.Support.Tests.Http;

/// <summary>A CA, a server certificate it signed (127.0.0.1 / localhost), and an unrelated second CA, made with openssl.</summary>
internal sealed class TestCertificates : IDisposable
{
    private readonly TempDir _dir = new("certs");

    public TestCertificates()
    {
        _dir.File("server.ext", "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n");
        OpenSsl("req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj /CN=support-tests-ca");
        OpenSsl("req -x509 -newkey rsa:2048 -nodes -keyout other-ca.key -out other-ca.pem -days 2 -subj /CN=some-other-ca");
        OpenSsl("req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=localhost");
        _dir.File("named.ext", "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:consul.service.consul\n");
        OpenSsl("req -newkey rsa:2048 -nodes -keyout named.key -out named.csr -subj /CN=consul.service.consul");
        OpenSsl("x509 -req -in named.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out named.pem -days 2 -extfile named.ext");
        OpenSsl("x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile server.ext");
    }

    public string CaFile => _dir.Combine("ca.pem");
    public string OtherCaFile => _dir.Combine("other-ca.pem");

    public X509Certificate2 ServerCertificate() =>
        X509Certificate2.CreateFromPemFile(_dir.Combine("server.pem"), _dir.Combine("server.key"));

    /// <summary>Signed by the CA for consul.service.consul only (no IP, no localhost).</summary>
    public X509Certificate2 NamedCertificate() =>
        X509Certificate2.CreateFromPemFile(_dir.Combine("named.pem"), _dir.Combine("named.key"));

    private void OpenSsl(string args)
    {
        var psi = new ProcessStartInfo("openssl", args)
        {
            WorkingDirectory = _dir.Path, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false,
        };
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(30_000)) { p.Kill(); throw new TimeoutException($"openssl {args}"); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"openssl {args} failed: {err.Result}");
    }

    public void Dispose() => _dir.Dispose();
}
