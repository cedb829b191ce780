package dev.neonjdbc.testkit.front;

import dev.neonjdbc.testkit.NeonStack;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * How a {@link NeonFront} is set up: where it listens, which endpoint it serves under which domain,
 * where the endpoint's two upstreams are, the login it accepts and uses upstream, and its
 * certificate. Build one with {@link #builder()}.
 *
 * @param listenAddress address both ports listen on
 * @param port Postgres port (SSLRequest and direct TLS), 0 for any free port
 * @param webSocketPort WebSocket port ({@code wss://}, any path such as {@code /v2}), 0 for any
 *     free port, -1 for none
 * @param domain the common name under which endpoints are first labels, e.g. {@code
 *     local.aws.neon.tech}
 * @param endpointId the endpoint this front serves, e.g. {@code ep-neonkit-123456}; {@code
 *     ID-pooler} names its pooled side
 * @param pooledHost upstream pooler (PgBouncer) host
 * @param pooledPort upstream pooler port
 * @param directHost upstream PostgreSQL host
 * @param directPort upstream PostgreSQL port
 * @param user the role clients log in as (and the front logs in upstream as)
 * @param password that role's password
 * @param certificate PEM certificate the front presents (covering {@code *.DOMAIN})
 * @param key PEM PKCS8 private key of {@code certificate}
 * @param logFile file the front appends its log lines to, or {@code null} for SLF4J only
 * @param directTlsRequiresAlpn refuse direct TLS without ALPN {@code postgresql} (PostgreSQL 17
 *     does; Neon's proxy accepts a missing ALPN and refuses only a different one)
 * @param suspended start with the compute suspended
 * @param wakePolicy what connects meet while suspended
 */
public record NeonFrontConfig(
    String listenAddress,
    int port,
    int webSocketPort,
    String domain,
    String endpointId,
    String pooledHost,
    int pooledPort,
    String directHost,
    int directPort,
    String user,
    String password,
    Path certificate,
    Path key,
    Path logFile,
    boolean directTlsRequiresAlpn,
    boolean suspended,
    WakePolicy wakePolicy) {

  /** The domain the kit's front serves unless told otherwise. */
  public static final String DEFAULT_DOMAIN = "local.aws.neon.tech";

  /** The endpoint id the kit's front serves unless told otherwise. */
  public static final String DEFAULT_ENDPOINT_ID = "ep-neonkit-123456";

  /**
   * The endpoint id under which the kit's front serves a stack's read replica ({@link
   * NeonFront#route}).
   */
  public static final String REPLICA_ENDPOINT_ID = "ep-neonkit-replica-654321";

  /** Checks the values. */
  public NeonFrontConfig {
    Objects.requireNonNull(listenAddress, "listenAddress");
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(endpointId, "endpointId");
    Objects.requireNonNull(pooledHost, "pooledHost");
    Objects.requireNonNull(directHost, "directHost");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(wakePolicy, "wakePolicy");
    domain = domain.toLowerCase(Locale.ROOT);
    endpointId = endpointId.toLowerCase(Locale.ROOT);
    if (endpointId.endsWith("-pooler") || endpointId.contains(".")) {
      throw new IllegalArgumentException(
          "endpointId is the first label without -pooler, e.g. " + DEFAULT_ENDPOINT_ID);
    }
  }

  /** {@code ENDPOINT.DOMAIN}: the direct endpoint's host name. */
  public String directHostName() {
    return endpointId + "." + domain;
  }

  /** {@code ENDPOINT-pooler.DOMAIN}: the pooled endpoint's host name. */
  public String pooledHostName() {
    return endpointId + "-pooler." + domain;
  }

  /** A builder with the defaults: loopback, free ports, the default domain and endpoint. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link NeonFrontConfig}. */
  public static final class Builder {
    private String listenAddress = "127.0.0.1";
    private int port;
    private int webSocketPort;
    private String domain = DEFAULT_DOMAIN;
    private String endpointId = DEFAULT_ENDPOINT_ID;
    private String pooledHost;
    private int pooledPort;
    private String directHost;
    private int directPort;
    private String user;
    private String password;
    private Path certificate;
    private Path key;
    private Path logFile;
    private boolean directTlsRequiresAlpn;
    private boolean suspended;
    private WakePolicy wakePolicy = WakePolicy.wakeAfter(java.time.Duration.ofSeconds(1));

    private Builder() {}

    /**
     * Upstreams, login and log file from a running stack: its pooled and direct endpoints, its role
     * and password, and {@code neon-front.log} in its log directory.
     */
    public Builder inFrontOf(NeonStack stack) {
      pooled(stack.pooledHost(), stack.pooledPort());
      direct(stack.directHost(), stack.directPort());
      login(stack.user(), stack.password());
      return logFile(stack.logDirectory().resolve("neon-front.log"));
    }

    /** Address to listen on ({@code 127.0.0.1}). */
    public Builder listenAddress(String address) {
      this.listenAddress = address;
      return this;
    }

    /** Postgres port (0: any free port). */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** WebSocket port (0: any free port, -1: none). */
    public Builder webSocketPort(int port) {
      this.webSocketPort = port;
      return this;
    }

    /** The domain under which endpoint ids are first labels ({@value #DEFAULT_DOMAIN}). */
    public Builder domain(String domain) {
      this.domain = domain;
      return this;
    }

    /** The endpoint id served ({@value #DEFAULT_ENDPOINT_ID}). */
    public Builder endpointId(String endpointId) {
      this.endpointId = endpointId;
      return this;
    }

    /** The pooled upstream (PgBouncer). */
    public Builder pooled(String host, int port) {
      this.pooledHost = host;
      this.pooledPort = port;
      return this;
    }

    /** The direct upstream (PostgreSQL). */
    public Builder direct(String host, int port) {
      this.directHost = host;
      this.directPort = port;
      return this;
    }

    /** The role and password clients use and the front uses upstream. */
    public Builder login(String user, String password) {
      this.user = user;
      this.password = password;
      return this;
    }

    /** The certificate (PEM) and PKCS8 key (PEM) the front presents. */
    public Builder tls(Path certificate, Path key) {
      this.certificate = certificate;
      this.key = key;
      return this;
    }

    /** File the front appends its log to. */
    public Builder logFile(Path logFile) {
      this.logFile = logFile;
      return this;
    }

    /** Refuse direct TLS without ALPN {@code postgresql} (default false, as Neon's proxy). */
    public Builder directTlsRequiresAlpn(boolean required) {
      this.directTlsRequiresAlpn = required;
      return this;
    }

    /** Start suspended (default false). */
    public Builder suspended(boolean suspended) {
      this.suspended = suspended;
      return this;
    }

    /** What connects meet while suspended (default: the first wakes it, taking one second). */
    public Builder wakePolicy(WakePolicy policy) {
      this.wakePolicy = policy;
      return this;
    }

    /** The configuration. */
    public NeonFrontConfig build() {
      return new NeonFrontConfig(
          listenAddress,
          port,
          webSocketPort,
          domain,
          endpointId,
          pooledHost,
          pooledPort,
          directHost,
          directPort,
          user,
          password,
          certificate,
          key,
          logFile,
          directTlsRequiresAlpn,
          suspended,
          wakePolicy);
    }
  }
}
