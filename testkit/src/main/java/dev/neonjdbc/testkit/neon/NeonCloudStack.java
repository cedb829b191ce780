package dev.neonjdbc.testkit.neon;

import dev.neonjdbc.testkit.AbstractNeonStack;
import dev.neonjdbc.testkit.AbstractReplicaStack;
import dev.neonjdbc.testkit.NeonStackException;
import dev.neonjdbc.testkit.PgBouncerAdmin;
import dev.neonjdbc.testkit.StackDescription;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A real Neon branch. Both endpoints come from one connection string: the pooled host is the direct
 * host with {@code -pooler} added to its first label, and the other way round.
 *
 * <p>What differs from the local stack: TLS is verified against the JVM's trust store ({@code
 * sslmode=verify-full} with {@code org.postgresql.ssl.DefaultJavaSSLFactory}), so the certificate
 * accessors return {@code null}; there is no superuser and no PgBouncer admin console; the pooler
 * cannot be configured, so {@link #singleBackendDatabase()} is the ordinary database and backend
 * sharing is not guaranteed; {@link #endpointOf} is a best-effort guess (see there). Nothing is
 * started or stopped. {@link #replica()} is the Neon read replica named by {@value
 * #REPLICA_URL_VARIABLE}, if set; the kit cannot stop or start it.
 */
public final class NeonCloudStack extends AbstractNeonStack {
  /**
   * Environment variable naming a read replica of the branch: a connection string (pooled or
   * direct) of a Neon read replica endpoint; only its host and port are used, since a replica has
   * the branch's roles and databases.
   */
  public static final String REPLICA_URL_VARIABLE = "NEON_TEST_REPLICA_URL";

  private static final String POOLER_SUFFIX = "-pooler";

  private final String replicaUrl;

  private NeonCloudStack(StackDescription description, String replicaUrl) {
    super(description);
    this.replicaUrl = replicaUrl;
  }

  /**
   * A stack for the branch at {@code url} with the read replica at {@code replicaUrl} (see {@link
   * #REPLICA_URL_VARIABLE}), or none when it is {@code null} or blank.
   *
   * @throws NeonStackException when a URL is malformed or its host is not a Neon endpoint
   */
  public static NeonCloudStack fromUrls(String url, String replicaUrl, Path logDirectory) {
    NeonCloudStack stack = fromUrl(url, logDirectory);
    if (replicaUrl == null || replicaUrl.isBlank()) {
      return stack;
    }
    Endpoints.of(ParsedUrl.parse(replicaUrl.strip(), REPLICA_URL_VARIABLE), REPLICA_URL_VARIABLE);
    return new NeonCloudStack(stack.description(), replicaUrl.strip());
  }

  /**
   * A stack for the branch at {@code url}, e.g. {@code
   * postgresql://user:password@ep-cool-name-123456-pooler.us-east-2.aws.neon.tech/neondb?sslmode=require}
   * (the pooled or the direct string).
   *
   * @throws NeonStackException when the URL is malformed or its host is not a Neon endpoint
   */
  public static NeonCloudStack fromUrl(String url, Path logDirectory) {
    ParsedUrl parsed = ParsedUrl.parse(url, "NEON_TEST_DATABASE_URL");
    Endpoints endpoints = Endpoints.of(parsed, "NEON_TEST_DATABASE_URL");
    Map<String, String> jdbcTls = new LinkedHashMap<>();
    jdbcTls.put("sslmode", "verify-full");
    jdbcTls.put("sslfactory", "org.postgresql.ssl.DefaultJavaSSLFactory");
    Map<String, String> libpqTls = new LinkedHashMap<>();
    libpqTls.put("sslmode", "verify-full");
    libpqTls.put("sslrootcert", "system");
    return new NeonCloudStack(
        new StackDescription(
            "neon",
            endpoints.pooledHost(),
            parsed.port(),
            endpoints.directHost(),
            parsed.port(),
            parsed.database(),
            parsed.database(),
            parsed.user(),
            parsed.password(),
            null,
            jdbcTls,
            libpqTls,
            logDirectory),
        null);
  }

  /** Neon runs read replicas; this stack has one when {@link #REPLICA_URL_VARIABLE} names it. */
  @Override
  public String replicaUnavailableReason() {
    return replicaUrl == null
        ? "the neon provider has no read replica: set "
            + REPLICA_URL_VARIABLE
            + " to a Neon read replica's connection string"
        : null;
  }

  /** The configured Neon read replica: nothing is started, and the kit cannot stop it. */
  @Override
  protected AbstractReplicaStack startReplica() {
    ParsedUrl parsed = ParsedUrl.parse(replicaUrl, REPLICA_URL_VARIABLE);
    Endpoints endpoints = Endpoints.of(parsed, REPLICA_URL_VARIABLE);
    return new NeonCloudReplica(
        this, endpoints.pooledHost(), endpoints.directHost(), parsed.port());
  }

  /** The pooled and direct host names of a Neon endpoint named by either. */
  record Endpoints(String pooledHost, String directHost) {
    static Endpoints of(ParsedUrl parsed, String variable) {
      String host = parsed.host();
      int dot = host.indexOf('.');
      if (!host.startsWith("ep-") || dot < 0 || !host.endsWith(".neon.tech")) {
        throw new NeonStackException(
            variable + " must name a Neon endpoint (ep-….neon.tech), got host " + host);
      }
      String label = host.substring(0, dot);
      String domain = host.substring(dot);
      String endpointId =
          label.endsWith(POOLER_SUFFIX)
              ? label.substring(0, label.length() - POOLER_SUFFIX.length())
              : label;
      return new Endpoints(endpointId + POOLER_SUFFIX + domain, endpointId + domain);
    }
  }

  /**
   * Neon's PgBouncer runs on the compute and reaches PostgreSQL over loopback, while direct
   * sessions arrive from Neon's proxy: a loopback client address is taken to mean pooled.
   */
  @Override
  protected String pooledSessionQuery() {
    return "SELECT coalesce(host(inet_client_addr()) IN ('127.0.0.1', '::1'), true)";
  }

  @Override
  public Optional<PgBouncerAdmin> pgbouncerAdmin() {
    return Optional.empty();
  }

  /** Nothing to stop: the branch and its replica belong to their Neon project. */
  @Override
  protected void stop() {
    stopReplica();
  }

  /** The parts of a {@code postgresql://} URL this stack needs, percent-decoded. */
  record ParsedUrl(String user, String password, String host, int port, String database) {

    static ParsedUrl parse(String url, String variable) {
      String rest;
      if (url.startsWith("postgresql://")) {
        rest = url.substring("postgresql://".length());
      } else if (url.startsWith("postgres://")) {
        rest = url.substring("postgres://".length());
      } else {
        throw invalid(variable, "must start with postgresql:// or postgres://");
      }
      int query = rest.indexOf('?');
      if (query >= 0) {
        rest = rest.substring(0, query);
      }
      int slash = rest.indexOf('/');
      String authority = slash < 0 ? rest : rest.substring(0, slash);
      String database = slash < 0 ? "" : decode(rest.substring(slash + 1));
      int at = authority.lastIndexOf('@');
      if (at < 0) {
        throw invalid(variable, "has no user@ part");
      }
      String userInfo = authority.substring(0, at);
      String hostPort = authority.substring(at + 1);
      int colon = userInfo.indexOf(':');
      if (colon < 0) {
        throw invalid(variable, "has no password");
      }
      int portColon = hostPort.lastIndexOf(':');
      int port = 5432;
      String host = hostPort;
      if (portColon >= 0) {
        host = hostPort.substring(0, portColon);
        try {
          port = Integer.parseInt(hostPort.substring(portColon + 1));
        } catch (NumberFormatException e) {
          throw invalid(variable, "has a bad port");
        }
      }
      return new ParsedUrl(
          decode(userInfo.substring(0, colon)),
          decode(userInfo.substring(colon + 1)),
          host.toLowerCase(java.util.Locale.ROOT),
          port,
          database.isEmpty() ? "neondb" : database);
    }

    private static String decode(String value) {
      return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static NeonStackException invalid(String variable, String problem) {
      // Never echo the URL: it holds a password.
      return new NeonStackException(variable + " " + problem);
    }

    @Override
    public String toString() {
      return "ParsedUrl[" + user + "@" + host + ":" + port + "/" + database + "]";
    }
  }
}
