package dev.neonjdbc.internal.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.postgresql.core.SocketFactoryFactory;
import org.postgresql.util.PSQLException;

/**
 * TLS for {@code wss://}: always verifies the certificate chain and the host name. The trust
 * anchors are, in order: an explicit pgJDBC {@code sslfactory} (other than the JVM-default one),
 * the PEM file named by {@code sslrootcert}, or the JVM's trust store.
 */
final class TunnelTls {
  private static final String JVM_DEFAULT_FACTORY = "org.postgresql.ssl.DefaultJavaSSLFactory";
  private static final String LIBPQ_FACTORY = "org.postgresql.ssl.LibPQFactory";
  private static final Map<String, SSLSocketFactory> ROOT_CERT_FACTORIES =
      new ConcurrentHashMap<>();

  private TunnelTls() {}

  /**
   * Wraps the connected {@code transport} in TLS and completes the handshake within {@code
   * timeoutMillis} (0: no limit).
   *
   * @throws TunnelException when the server's certificate is not accepted, naming the URL
   */
  static SSLSocket handshake(Socket transport, TunnelUrl url, Properties tls, int timeoutMillis)
      throws IOException {
    SSLSocketFactory factory = factoryFor(tls);
    SSLSocket socket = (SSLSocket) factory.createSocket(transport, url.host(), url.port(), true);
    SSLParameters parameters = socket.getSSLParameters();
    // Host name verification as browsers do it; the factory only checks the chain.
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    socket.setSSLParameters(parameters);
    socket.setSoTimeout(timeoutMillis);
    try {
      socket.startHandshake();
    } catch (SSLException e) {
      socket.close();
      throw new TunnelException(
          "TLS handshake with the WebSocket server "
              + url
              + " failed: "
              + e.getMessage()
              + ". Its certificate must be valid for the host '"
              + url.host()
              + "' and issued by a CA in "
              + trustDescription(tls)
              + ".",
          e);
    }
    socket.setSoTimeout(0);
    return socket;
  }

  private static String trustDescription(Properties tls) {
    String rootCert = tls.getProperty("sslrootcert");
    String factory = tls.getProperty("sslfactory");
    if (factory != null && !isJvmDefault(factory)) {
      return "the trust store of sslfactory " + factory;
    }
    if (rootCert != null && !rootCert.equalsIgnoreCase("system")) {
      return "sslrootcert (" + rootCert + ")";
    }
    return "the JVM's trust store";
  }

  private static boolean isJvmDefault(String factory) {
    return factory.equals(JVM_DEFAULT_FACTORY) || factory.equals(LIBPQ_FACTORY);
  }

  private static SSLSocketFactory factoryFor(Properties tls) throws IOException {
    String factory = tls.getProperty("sslfactory");
    if (factory != null && !isJvmDefault(factory)) {
      try {
        return SocketFactoryFactory.getSslSocketFactory(tls);
      } catch (PSQLException e) {
        throw new TunnelException("sslfactory " + factory + " cannot be used for wss://", e);
      }
    }
    String rootCert = tls.getProperty("sslrootcert");
    if (rootCert == null || rootCert.equalsIgnoreCase("system")) {
      return (SSLSocketFactory) SSLSocketFactory.getDefault();
    }
    Path path = Path.of(rootCert);
    String key = path.toAbsolutePath() + "@" + Files.getLastModifiedTime(path).toMillis();
    SSLSocketFactory cached = ROOT_CERT_FACTORIES.get(key);
    if (cached == null) {
      cached = trusting(path);
      ROOT_CERT_FACTORIES.put(key, cached);
    }
    return cached;
  }

  private static SSLSocketFactory trusting(Path pemFile) throws IOException {
    try (InputStream in = Files.newInputStream(pemFile)) {
      Collection<? extends Certificate> certificates =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certificates.isEmpty()) {
        throw new TunnelException("sslrootcert " + pemFile + " holds no certificate");
      }
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int index = 0;
      for (Certificate certificate : certificates) {
        trust.setCertificateEntry("ca-" + index++, certificate);
      }
      TrustManagerFactory trustManagers =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trustManagers.getTrustManagers(), null);
      return context.getSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new TunnelException("sslrootcert " + pemFile + " cannot be read: " + e.getMessage(), e);
    }
  }
}
