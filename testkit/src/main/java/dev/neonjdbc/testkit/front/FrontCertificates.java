package dev.neonjdbc.testkit.front;

import dev.neonjdbc.testkit.NeonStackException;
import dev.neonjdbc.testkit.process.Commands;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Issues the front's certificate from the kit's CA: EC P-256, signed with SHA-256 (so
 * SCRAM-SHA-256-PLUS binds to its SHA-256, {@code tls-server-end-point}), valid for {@code
 * *.DOMAIN} (every endpoint host, pooled or direct), {@code DOMAIN}, and the loopback names. The
 * domain is the certificate's common name, which is how Neon's proxy learns the domains it serves
 * ({@code proxy/src/tls/server_config.rs}, {@code get_common_names}).
 */
public final class FrontCertificates {
  private static final Duration OPENSSL_TIMEOUT = Duration.ofSeconds(30);
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * A certificate and its key, as PEM files.
   *
   * @param certificate PEM certificate
   * @param key PEM PKCS8 private key
   */
  public record Issued(Path certificate, Path key) {}

  private FrontCertificates() {}

  /**
   * Writes {@code front.pem} and {@code front.key} into {@code directory}.
   *
   * @param caCertificate the kit's CA certificate (PEM)
   * @param caKey the kit's CA private key (PEM)
   * @param domain e.g. {@link NeonFrontConfig#DEFAULT_DOMAIN}
   * @throws NeonStackException when openssl fails
   */
  public static Issued issue(Path caCertificate, Path caKey, Path directory, String domain) {
    Path key = directory.resolve("front.key");
    Path csr = directory.resolve("front.csr");
    Path certificate = directory.resolve("front.pem");
    Path extensions = directory.resolve("front.ext");
    try {
      Files.createDirectories(directory);
      Files.writeString(
          extensions,
          String.join(
              "\n",
              "basicConstraints = CA:FALSE",
              "keyUsage = critical,digitalSignature,keyAgreement",
              "extendedKeyUsage = serverAuth",
              "subjectAltName = DNS:*."
                  + domain
                  + ",DNS:"
                  + domain
                  + ",DNS:localhost,IP:127.0.0.1,IP:::1",
              "authorityKeyIdentifier = keyid",
              ""),
          StandardCharsets.UTF_8);
      openssl(
          "req",
          "-new",
          "-newkey",
          "ec",
          "-pkeyopt",
          "ec_paramgen_curve:prime256v1",
          "-nodes",
          "-subj",
          "/O=neon-jdbc testkit/CN=" + domain,
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
          caCertificate.toString(),
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
          certificate.toString());
      Files.deleteIfExists(csr);
      Files.deleteIfExists(extensions);
      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
      return new Issued(certificate, key);
    } catch (IOException e) {
      throw new NeonStackException("cannot write the front's certificate into " + directory, e);
    }
  }

  private static void openssl(String... arguments) {
    List<String> command = new ArrayList<>(arguments.length + 1);
    command.add("openssl");
    command.addAll(List.of(arguments));
    Commands.check(command, OPENSSL_TIMEOUT);
  }
}
