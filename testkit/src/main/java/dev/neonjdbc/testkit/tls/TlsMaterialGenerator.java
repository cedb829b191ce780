package dev.neonjdbc.testkit.tls;

import dev.neonjdbc.testkit.NeonStackException;
import dev.neonjdbc.testkit.process.Commands;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates {@link TlsMaterial} with the {@code openssl} command: an EC P-256 CA, a server
 * certificate for the loopback names, and one for {@code wrong.example}.
 *
 * <p>EC keys keep generation fast (milliseconds, where RSA takes noticeably longer) and every
 * client involved (pgJDBC, libpq, PgBouncer) accepts them.
 */
public final class TlsMaterialGenerator {
  private static final Duration OPENSSL_TIMEOUT = Duration.ofSeconds(30);

  /** The loopback names every certificate of the kit covers. */
  public static final String LOOPBACK_NAMES = "DNS:localhost,IP:127.0.0.1,IP:::1";

  private static final SecureRandom RANDOM = new SecureRandom();

  private TlsMaterialGenerator() {}

  /**
   * Writes a CA, certificates and a trust store into {@code directory} (created if absent).
   *
   * @param extraServerNames additional subjectAltName entries for the server certificate, in
   *     openssl syntax ({@code DNS:name} or {@code IP:address}), e.g. a remote Docker host
   * @param trustStorePassword password for the PKCS12 trust store
   */
  public static TlsMaterial generate(
      Path directory, List<String> extraServerNames, String trustStorePassword) {
    try {
      Files.createDirectories(directory);
      Path caKey = directory.resolve("ca.key");
      Path caCert = directory.resolve("ca.pem");
      Path caExtensions = write(directory.resolve("ca.ext"), caExtensions());
      openssl(
          "req",
          "-x509",
          "-new",
          "-newkey",
          "ec",
          "-pkeyopt",
          "ec_paramgen_curve:prime256v1",
          "-nodes",
          "-sha256",
          "-days",
          "3650",
          "-subj",
          "/O=neon-jdbc testkit/CN=neon-testkit CA",
          "-keyout",
          caKey.toString(),
          "-out",
          caCert.toString(),
          "-config",
          caExtensions.toString(),
          "-extensions",
          "v3_ca");
      Files.delete(caExtensions);
      restrict(caKey);

      List<String> serverNames = new ArrayList<>(List.of(LOOPBACK_NAMES));
      serverNames.addAll(extraServerNames);
      Path serverKey = directory.resolve("server.key");
      Path serverCert = directory.resolve("server.pem");
      issue(directory, "server", "localhost", String.join(",", serverNames), caCert, caKey);

      Path wrongKey = directory.resolve("wrong-host.key");
      Path wrongCert = directory.resolve("wrong-host.pem");
      issue(directory, "wrong-host", "wrong.example", "DNS:wrong.example", caCert, caKey);

      Path trustStore = directory.resolve("truststore.p12");
      writeTrustStore(caCert, trustStore, trustStorePassword);
      return new TlsMaterial(
          caCert,
          caKey,
          serverCert,
          serverKey,
          wrongCert,
          wrongKey,
          trustStore,
          trustStorePassword);
    } catch (IOException e) {
      throw new NeonStackException("cannot write TLS material into " + directory, e);
    }
  }

  /**
   * Issues a server certificate from the CA: {@code NAME.pem} and {@code NAME.key} (readable by its
   * owner only) in {@code directory}.
   *
   * @param subjectAltNames e.g. {@code DNS:localhost,IP:127.0.0.1}
   * @throws IOException when a file cannot be written
   * @throws NeonStackException when openssl fails
   */
  public static void issue(
      Path directory,
      String name,
      String commonName,
      String subjectAltNames,
      Path caCert,
      Path caKey)
      throws IOException {
    Path key = directory.resolve(name + ".key");
    Path csr = directory.resolve(name + ".csr");
    Path cert = directory.resolve(name + ".pem");
    Path extensions = write(directory.resolve(name + ".ext"), leafExtensions(subjectAltNames));
    openssl(
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-subj",
        "/O=neon-jdbc testkit/CN=" + commonName,
        "-keyout",
        key.toString(),
        "-out",
        csr.toString());
    openssl(
        "x509",
        "-req",
        "-in",
        csr.toString(),
        "-CA",
        caCert.toString(),
        "-CAkey",
        caKey.toString(),
        "-set_serial",
        "0x" + new BigInteger(63, RANDOM).toString(16),
        "-days",
        "825",
        "-sha256",
        "-extfile",
        extensions.toString(),
        "-out",
        cert.toString());
    Files.delete(csr);
    Files.delete(extensions);
    restrict(key);
  }

  /** PostgreSQL refuses a private key that others can read. */
  private static void restrict(Path key) throws IOException {
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
  }

  private static String caExtensions() {
    return String.join(
        "\n",
        "[req]",
        "distinguished_name = dn",
        "[dn]",
        "[v3_ca]",
        "basicConstraints = critical,CA:TRUE",
        "keyUsage = critical,keyCertSign,cRLSign",
        "subjectKeyIdentifier = hash",
        "");
  }

  private static String leafExtensions(String subjectAltNames) {
    return String.join(
        "\n",
        "basicConstraints = CA:FALSE",
        "keyUsage = critical,digitalSignature,keyAgreement",
        "extendedKeyUsage = serverAuth",
        "subjectAltName = " + subjectAltNames,
        "authorityKeyIdentifier = keyid",
        "");
  }

  /** A PKCS12 store with the CA as a trusted entry, written the way {@code keytool} would. */
  private static void writeTrustStore(Path caCert, Path trustStore, String password)
      throws IOException {
    try (InputStream in = Files.newInputStream(caCert);
        OutputStream out = Files.newOutputStream(trustStore)) {
      Certificate ca = CertificateFactory.getInstance("X.509").generateCertificate(in);
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("neon-testkit-ca", ca);
      store.store(out, password.toCharArray());
    } catch (GeneralSecurityException e) {
      throw new NeonStackException("cannot build trust store " + trustStore, e);
    }
  }

  private static void openssl(String... arguments) {
    List<String> command = new ArrayList<>(arguments.length + 1);
    command.add("openssl");
    command.addAll(List.of(arguments));
    Commands.check(command, OPENSSL_TIMEOUT);
  }

  private static Path write(Path file, String content) throws IOException {
    return Files.writeString(file, content, StandardCharsets.UTF_8);
  }
}
