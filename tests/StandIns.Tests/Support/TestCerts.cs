using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace StandIns.Tests.Support;

/// <summary>A throwaway CA and one server certificate per stand-in, written as PEM like sandbox/up does.</summary>
public static class TestCerts
{
    private static readonly Lazy<string> Dir = new(Create);

    public static string CaPem => Path.Combine(Dir.Value, "ca.pem");

    public static void Delete()
    {
        if (Dir.IsValueCreated) try { Directory.Delete(Dir.Value, recursive: true); } catch (IOException) { }
    }

    public static void CopyTo(string tlsDir)
    {
        Directory.CreateDirectory(tlsDir);
        foreach (var f in Directory.GetFiles(Dir.Value)) File.Copy(f, Path.Combine(tlsDir, Path.GetFileName(f)), overwrite: true);
    }

    private static string Create()
    {
        var dir = Path.Combine(Path.GetTempPath(), "standins-tests-tls-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caReq = new CertificateRequest("CN=standins-test-ca", caKey, HashAlgorithmName.SHA256);
        caReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caReq.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow.AddMinutes(-5);
        using var ca = caReq.CreateSelfSigned(now, now.AddDays(2));
        File.WriteAllText(Path.Combine(dir, "ca.pem"), ca.ExportCertificatePem() + "\n");
        foreach (var name in new[] { "consul", "nomad", "grafana" })
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var req = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName("localhost");
            san.AddIpAddress(System.Net.IPAddress.Loopback);
            req.CertificateExtensions.Add(san.Build());
            req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
            using var cert = req.Create(ca, now, now.AddDays(1), RandomNumberGenerator.GetBytes(8));
            File.WriteAllText(Path.Combine(dir, name + ".pem"), cert.ExportCertificatePem() + "\n");
            File.WriteAllText(Path.Combine(dir, name + ".key"), key.ExportPkcs8PrivateKeyPem() + "\n");
        }
        return dir;
    }

    /// <summary>Validates a server certificate against the test CA only.</summary>
    public static HttpClientHandler TrustingHandler()
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(CaPem);
        return new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, errors) =>
            {
                if (cert == null || errors.HasFlag(System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch)) return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(cert);
            },
        };
    }
}
