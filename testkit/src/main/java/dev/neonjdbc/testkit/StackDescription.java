package dev.neonjdbc.testkit;

import dev.neonjdbc.testkit.tls.TlsMaterial;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a provider knows about a stack it started, from which {@link AbstractNeonStack}
 * derives URLs, environment variables and connections.
 *
 * @param providerName see {@link NeonStack#providerName()}
 * @param pooledHost see {@link NeonStack#pooledHost()}
 * @param pooledPort see {@link NeonStack#pooledPort()}
 * @param directHost see {@link NeonStack#directHost()}
 * @param directPort see {@link NeonStack#directPort()}
 * @param database see {@link NeonStack#database()}
 * @param singleBackendDatabase see {@link NeonStack#singleBackendDatabase()}
 * @param user see {@link NeonStack#user()}
 * @param password see {@link NeonStack#password()}
 * @param tls the kit's certificates, or {@code null} when the servers use public ones (Neon)
 * @param jdbcTls pgJDBC TLS parameters, unencoded, in URL order
 * @param libpqTls libpq TLS parameters for {@code DATABASE_URL} and {@code PG*}, unencoded, e.g.
 *     {@code sslmode} and {@code sslrootcert}
 * @param logDirectory see {@link NeonStack#logDirectory()}
 * @param poolerKeepsPreparedStatements see {@link NeonStack#poolerKeepsPreparedStatements()}
 */
public record StackDescription(
    String providerName,
    String pooledHost,
    int pooledPort,
    String directHost,
    int directPort,
    String database,
    String singleBackendDatabase,
    String user,
    String password,
    TlsMaterial tls,
    Map<String, String> jdbcTls,
    Map<String, String> libpqTls,
    Path logDirectory,
    boolean poolerKeepsPreparedStatements) {

  /**
   * A description that does not say what the pooler does with prepared statements: Neon's pooler
   * keeps them ({@code max_prepared_statements=1000}), so the {@code neon} provider's does; any
   * other is taken for one that keeps none (PgBouncer before 1.21, or {@code
   * max_prepared_statements=0}).
   */
  public StackDescription(
      String providerName,
      String pooledHost,
      int pooledPort,
      String directHost,
      int directPort,
      String database,
      String singleBackendDatabase,
      String user,
      String password,
      TlsMaterial tls,
      Map<String, String> jdbcTls,
      Map<String, String> libpqTls,
      Path logDirectory) {
    this(
        providerName,
        pooledHost,
        pooledPort,
        directHost,
        directPort,
        database,
        singleBackendDatabase,
        user,
        password,
        tls,
        jdbcTls,
        libpqTls,
        logDirectory,
        "neon".equals(providerName));
  }

  /**
   * Checks that every field but {@code tls} is present, and copies the maps keeping their order.
   */
  public StackDescription {
    Objects.requireNonNull(providerName, "providerName");
    Objects.requireNonNull(pooledHost, "pooledHost");
    Objects.requireNonNull(directHost, "directHost");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(singleBackendDatabase, "singleBackendDatabase");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    jdbcTls = Collections.unmodifiableMap(new LinkedHashMap<>(jdbcTls));
    libpqTls = Collections.unmodifiableMap(new LinkedHashMap<>(libpqTls));
    Objects.requireNonNull(logDirectory, "logDirectory");
  }

  @Override
  public String toString() {
    return "StackDescription["
        + providerName
        + ", pooled "
        + pooledHost
        + ":"
        + pooledPort
        + ", direct "
        + directHost
        + ":"
        + directPort
        + ", "
        + database
        + ", user "
        + user
        + (poolerKeepsPreparedStatements ? ", pooler keeps prepared statements" : "")
        + "]";
  }
}
