using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SpeedyZero.LocalServers;

namespace SpeedyZero.Testing;

/// <summary>
/// A throw-away CA with a server certificate (localhost, 127.0.0.1) and a client certificate, written as
/// PEM files for redis-server and kept as objects for the client. Made with .NET's own APIs; ECDSA P-256 keys,
/// which take microseconds to generate where RSA-2048 takes up to a second on a loaded machine.
/// </summary>
public sealed class RedisTestCertificates : IDisposable
{
    private RedisTestCertificates(string directory, X509Certificate2 ca, X509Certificate2 client)
    {
        Directory = directory;
        Ca = ca;
        Client = client;
    }

    public string Directory { get; }

    /// <summary>The CA certificate (public part) that signed both others.</summary>
    public X509Certificate2 Ca { get; }

    /// <summary>Client certificate with its private key.</summary>
    public X509Certificate2 Client { get; }

    public string CaFile => Path.Combine(Directory, "ca.crt");

    public string ServerCertificateFile => Path.Combine(Directory, "server.crt");

    public string ServerKeyFile => Path.Combine(Directory, "server.key");

    public RedisServerTls ServerTls(bool requireClientCertificates) => new(ServerCertificateFile, ServerKeyFile, CaFile, requireClientCertificates);

    public static RedisTestCertificates Create()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("speedyzero-redis-tls-").FullName;
        var now = DateTimeOffset.UtcNow;

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=speedyzero test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = serverRequest.Create(ca, now.AddMinutes(-5), now.AddDays(1), [1, 2, 3, 4]);

        using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var clientRequest = new CertificateRequest("CN=speedyzero test client", clientKey, HashAlgorithmName.SHA256);
        clientRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var clientPublic = clientRequest.Create(ca, now.AddMinutes(-5), now.AddDays(1), [5, 6, 7, 8]);
        using var clientWithKey = clientPublic.CopyWithPrivateKey(clientKey);

        File.WriteAllText(Path.Combine(directory, "ca.crt"), ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "server.crt"), server.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "server.key"), serverKey.ExportPkcs8PrivateKeyPem());

        // A PKCS#12 round trip gives a key the TLS stack on Linux can use for client authentication.
        var client = X509CertificateLoader.LoadPkcs12(clientWithKey.Export(X509ContentType.Pkcs12), null);
        return new RedisTestCertificates(directory, X509CertificateLoader.LoadCertificate(ca.RawData), client);
    }

    public void Dispose()
    {
        Ca.Dispose();
        Client.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
