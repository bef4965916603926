using System.Diagnostics;

namespace SpeedyZero.Testing;

/// <summary>A throw-away CA and a server certificate for 127.0.0.1/localhost, made with the openssl CLI.</summary>
public sealed record NatsTlsCertificates(string CaFile, string CertFile, string KeyFile)
{
    /// <summary>Generates ca.pem, server.pem and server.key (EC P-256, valid one day) into <paramref name="directory"/>.</summary>
    public static async Task<NatsTlsCertificates> GenerateAsync(string directory, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(directory);
        var ca = Path.Combine(directory, "ca.pem");
        var caKey = Path.Combine(directory, "ca.key");
        var cert = Path.Combine(directory, "server.pem");
        var key = Path.Combine(directory, "server.key");
        var csr = Path.Combine(directory, "server.csr");
        var extensions = Path.Combine(directory, "server.ext");
        await File.WriteAllTextAsync(extensions,
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
            cancellationToken);

        await OpenSslAsync(cancellationToken, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", caKey, "-out", ca, "-days", "1", "-subj", "/CN=speedyzero-test-ca");
        await OpenSslAsync(cancellationToken, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", key, "-out", csr, "-subj", "/CN=localhost");
        await OpenSslAsync(cancellationToken, "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", caKey, "-CAcreateserial",
            "-out", cert, "-days", "1", "-extfile", extensions);
        return new NatsTlsCertificates(ca, cert, key);
    }

    private static async Task OpenSslAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start openssl (Debian package 'openssl')");
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"openssl {string.Join(' ', arguments)} failed: {await errors}");
        }
    }
}
