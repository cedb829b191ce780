package dev.neonjdbc.testkit.front;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStackException;
import dev.neonjdbc.testkit.tls.TlsMaterial;
import dev.neonjdbc.testkit.tls.TlsMaterialGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Issues the front's certificate from the kit's CA: EC P-256, signed with SHA-256 (so
 * SCRAM-SHA-256-PLUS binds to its SHA-256, {@code tls-server-end-point}), valid for {@code
 * *.DOMAIN} (every endpoint host, pooled or direct), {@code DOMAIN}, and the loopback names. The
 * domain is the certificate's common name, which is how Neon's proxy learns the domains it serves
 * ({@code proxy/src/tls/server_config.rs}, {@code get_common_names}).
 */
public final class FrontCertificates {
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
    try {
      Files.createDirectories(directory);
      TlsMaterialGenerator.issue(
          directory,
          "front",
          domain,
          "DNS:*." + domain + ",DNS:" + domain + "," + TlsMaterialGenerator.LOOPBACK_NAMES,
          caCertificate,
          caKey);
      return new Issued(directory.resolve("front.pem"), directory.resolve("front.key"));
    } catch (IOException e) {
      throw new NeonStackException("cannot write the front's certificate into " + directory, e);
    }
  }

  /**
   * Starts a front in front of {@code stack}, as both providers run it: a certificate for {@code
   * *.}{@link NeonFrontConfig#DEFAULT_DOMAIN} from the stack's CA written into {@code directory},
   * the stack's endpoints and login upstream, its log directory.
   */
  public static NeonFront startInFrontOf(NeonStack stack, TlsMaterial tls, Path directory) {
    Issued issued =
        issue(tls.caCertificate(), tls.caKey(), directory, NeonFrontConfig.DEFAULT_DOMAIN);
    return NeonFront.start(
        NeonFrontConfig.builder().inFrontOf(stack).tls(issued.certificate(), issued.key()).build());
  }
}
