package dev.neonjdbc.testkit.front;

import dev.neonjdbc.testkit.NeonStack;
import dev.neonjdbc.testkit.NeonStacks;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.function.UnaryOperator;

/** A {@link NeonFront} in front of the shared stack, and pgJDBC URLs through it. */
final class FrontFixture implements AutoCloseable {
  final NeonStack stack;
  final NeonFront front;

  private FrontFixture(NeonStack stack, NeonFront front) {
    this.stack = stack;
    this.front = front;
  }

  /** Starts a front before the shared stack, its certificate from the stack's CA. */
  static FrontFixture start(Path certificateDirectory) throws Exception {
    return start(certificateDirectory, builder -> builder);
  }

  /** Like {@link #start(Path)}, with more settings from {@code configure}. */
  static FrontFixture start(
      Path certificateDirectory, UnaryOperator<NeonFrontConfig.Builder> configure)
      throws Exception {
    NeonStack stack = NeonStacks.shared();
    // The local stack keeps its CA key next to the CA certificate (TlsMaterialGenerator).
    Path caKey = stack.caCertificate().resolveSibling("ca.key");
    if (!Files.isReadable(caKey)) {
      throw new IllegalStateException("the front needs the kit's CA key, not found at " + caKey);
    }
    FrontCertificates.Issued issued =
        FrontCertificates.issue(
            stack.caCertificate(), caKey, certificateDirectory, NeonFrontConfig.DEFAULT_DOMAIN);
    NeonFront front =
        NeonFront.start(
            configure
                .apply(
                    NeonFrontConfig.builder()
                        .inFrontOf(stack)
                        .tls(issued.certificate(), issued.key())
                        .logFile(stack.logDirectory().resolve("neon-front-test.log")))
                .build());
    return new FrontFixture(stack, front);
  }

  /** {@code jdbc:postgresql://HOST/DB?sslmode=verify-full&sslrootcert=…&socketFactory=…&extra}. */
  String url(String host, String extra) {
    return "jdbc:postgresql://"
        + host
        + "/"
        + stack.database()
        + "?sslmode=verify-full&sslrootcert="
        + URLEncoder.encode(stack.caCertificate().toString(), StandardCharsets.UTF_8)
        + "&"
        + front.socketFactoryParameters()
        + (extra.isEmpty() ? "" : "&" + extra);
  }

  /** A URL to the front's address itself: no host name, so no SNI. */
  String urlWithoutSni(String extra) {
    return "jdbc:postgresql://127.0.0.1:"
        + front.port()
        + "/"
        + stack.database()
        + "?sslmode=verify-full&sslrootcert="
        + URLEncoder.encode(stack.caCertificate().toString(), StandardCharsets.UTF_8)
        + (extra.isEmpty() ? "" : "&" + extra);
  }

  Connection connect(String url) throws SQLException {
    return DriverManager.getConnection(url, stack.credentials());
  }

  Connection connect(String url, String password) throws SQLException {
    Properties login = stack.credentials();
    login.setProperty("password", password);
    return DriverManager.getConnection(url, login);
  }

  static String scalar(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getString(1);
    }
  }

  @Override
  public void close() {
    front.close();
  }
}
