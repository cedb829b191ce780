package dev.neonjdbc.internal.transport.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The trust anchors of the HTTP transport, chosen as the other transports choose them: the PEM file
 * named by {@code sslrootcert} (the kit's CA, a private CA), or the JVM's trust store when it is
 * absent or {@code system}. The certificate chain and the host name are always verified (the HTTP
 * client checks the name; there is no option to turn either off).
 */
final class HttpTls {
  private HttpTls() {}

  /** A key that identifies the trust anchors, so clients can be shared between connections. */
  static String trustKey(Properties pgjdbc) throws SQLException {
    String rootCert = pgjdbc.getProperty("sslrootcert");
    if (rootCert == null || rootCert.equalsIgnoreCase("system")) {
      return "jvm";
    }
    Path path = Path.of(rootCert);
    try {
      return path.toAbsolutePath() + "@" + Files.getLastModifiedTime(path).toMillis();
    } catch (IOException e) {
      throw new SQLException("sslrootcert " + rootCert + " cannot be read: " + e, "08001", e);
    }
  }

  /** The TLS context for {@code pgjdbc}'s trust anchors. */
  static SSLContext context(Properties pgjdbc) throws SQLException {
    String rootCert = pgjdbc.getProperty("sslrootcert");
    try {
      if (rootCert == null || rootCert.equalsIgnoreCase("system")) {
        return SSLContext.getDefault();
      }
      try (InputStream in = Files.newInputStream(Path.of(rootCert))) {
        Collection<? extends Certificate> certificates =
            CertificateFactory.getInstance("X.509").generateCertificates(in);
        if (certificates.isEmpty()) {
          throw new SQLException("sslrootcert " + rootCert + " holds no certificate", "08001");
        }
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        int index = 0;
        for (Certificate certificate : certificates) {
          trust.setCertificateEntry("ca-" + index++, certificate);
        }
        TrustManagerFactory managers =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        managers.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, managers.getTrustManagers(), null);
        return context;
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new SQLException("sslrootcert " + rootCert + " cannot be read: " + e, "08001", e);
    }
  }
}
