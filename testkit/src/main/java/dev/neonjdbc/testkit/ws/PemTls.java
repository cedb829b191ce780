package dev.neonjdbc.testkit.ws;

import dev.neonjdbc.testkit.NeonStackException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** A server {@link SSLContext} from the kit's PEM files (certificate chain, PKCS8 key). */
public final class PemTls {
  private PemTls() {}

  /**
   * A TLS context presenting {@code certificate} with {@code key}.
   *
   * @param certificate PEM file with the server certificate (and optionally its chain)
   * @param key PEM file with the PKCS8 private key (EC or RSA)
   * @throws NeonStackException when the files cannot be read
   */
  public static SSLContext serverContext(Path certificate, Path key) {
    try (InputStream in = Files.newInputStream(certificate)) {
      Certificate[] chain =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(in)
              .toArray(new Certificate[0]);
      PrivateKey privateKey = readKey(key);
      char[] password = "proxy".toCharArray();
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("server", privateKey, password, chain);
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new NeonStackException("cannot build a TLS context from " + certificate + ": " + e, e);
    }
  }

  private static PrivateKey readKey(Path key) throws IOException, GeneralSecurityException {
    String pem = Files.readString(key, StandardCharsets.US_ASCII);
    int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = pem.indexOf("-----END PRIVATE KEY-----");
    if (begin < 0 || end < 0) {
      throw new GeneralSecurityException(key + " is not a PKCS8 PEM private key");
    }
    String base64 =
        pem.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end).replaceAll("\\s", "");
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64));
    try {
      return KeyFactory.getInstance("EC").generatePrivate(spec);
    } catch (GeneralSecurityException notEc) {
      return KeyFactory.getInstance("RSA").generatePrivate(spec);
    }
  }
}
