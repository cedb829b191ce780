package dev.neonjdbc.tools.flyway;

import dev.neonjdbc.Driver;
import dev.neonjdbc.NeonConnection;
import dev.neonjdbc.internal.config.ConnectionSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.internal.callback.CallbackExecutor;
import org.flywaydb.core.internal.database.DatabaseExecutionStrategy;
import org.flywaydb.core.internal.database.DatabaseType;
import org.flywaydb.core.internal.database.base.Database;
import org.flywaydb.core.internal.jdbc.ExecutionTemplate;
import org.flywaydb.core.internal.jdbc.JdbcConnectionFactory;
import org.flywaydb.core.internal.jdbc.StatementInterceptor;
import org.flywaydb.core.internal.parser.Parser;
import org.flywaydb.core.internal.parser.ParsingContext;
import org.flywaydb.core.internal.sqlscript.SqlScriptExecutorFactory;
import org.flywaydb.core.internal.sqlscript.SqlScriptFactory;

/**
 * Flyway's PostgreSQL support for {@code jdbc:neon:}: the database type Flyway picks for a {@code
 * jdbc:neon:} URL (and so loads {@link Driver}) and for a {@code jdbc:neon:} connection handed to
 * it through a DataSource. Everything else — SQL parsing, the schema history table, locking — is
 * Flyway's own PostgreSQL type, to which every other call is forwarded.
 *
 * <p>Flyway asks its types twice. By URL ({@code DriverDataSource}): every type whose {@link
 * #handlesJDBCUrl} accepts the URL, to choose the driver class; only this one accepts {@code
 * jdbc:neon:}. By connection ({@code JdbcConnectionFactory}): the types sorted by {@link
 * #getPriority}, the first whose {@link #handlesDatabaseProductNameAndVersion} says yes. A {@code
 * jdbc:neon:} connection reports product name {@code PostgreSQL}, so PostgreSQL's own type would
 * take it too; this type answers only for connections that unwrap to {@link NeonConnection}, and is
 * asked first, so a plain {@code jdbc:postgresql:} connection still gets Flyway's PostgreSQL type
 * (or CockroachDB's, which asks the server).
 *
 * <p>It delegates rather than extends {@code PostgreSQLDatabaseType}: Flyway loads every plugin
 * class named in a service file, and a subclass would fail to load (and take Flyway down with it)
 * in an application that has {@code flyway-core} for some other database but not {@code
 * flyway-database-postgresql}. Without that module this type reports itself disabled and Flyway
 * skips it.
 */
public final class NeonDatabaseType implements DatabaseType {
  /** Flyway's PostgreSQL type, named by string so that loading this class does not load it. */
  private static final String POSTGRES_TYPE_CLASS =
      "org.flywaydb.database.postgresql.PostgreSQLDatabaseType";

  /**
   * Ahead of PostgreSQL (0) and of the PostgreSQL-shaped types that run a query to recognise their
   * server (CockroachDB, 1): this type only asks the connection what it is.
   */
  private static final int PRIORITY = 2;

  private final DatabaseType postgres;

  /** Called by Flyway's plugin loader; {@code null} delegate when PostgreSQL support is absent. */
  public NeonDatabaseType() {
    this.postgres = postgresTypeIfPresent();
  }

  private static DatabaseType postgresTypeIfPresent() {
    try {
      Class.forName(POSTGRES_TYPE_CLASS, false, NeonDatabaseType.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      return null;
    }
    return PostgresModule.newType();
  }

  /** Only this nested class names Flyway's PostgreSQL type, so only it needs that module. */
  private static final class PostgresModule {
    static DatabaseType newType() {
      return new org.flywaydb.database.postgresql.PostgreSQLDatabaseType();
    }
  }

  /** Enabled when Flyway's PostgreSQL support ({@code flyway-database-postgresql}) is present. */
  @Override
  public boolean isEnabled() {
    return postgres != null;
  }

  /** {@code PostgreSQL (jdbc:neon:)}: Flyway's name for this type in its log and results. */
  @Override
  public String getName() {
    return "PostgreSQL (jdbc:neon:)";
  }

  /** Asked before PostgreSQL's and CockroachDB's types for a connection (see the class comment). */
  @Override
  public int getPriority() {
    return PRIORITY;
  }

  /** PostgreSQL's engines: this is PostgreSQL, reached through another driver. */
  @Override
  public List<String> getSupportedEngines() {
    return postgres.getSupportedEngines();
  }

  /** Whether {@code url} is a {@code jdbc:neon:} URL (any form, as the driver accepts it). */
  @Override
  public boolean handlesJDBCUrl(String url) {
    return ConnectionSettings.accepts(url);
  }

  /** {@code dev.neonjdbc.Driver} for {@code jdbc:neon:} URLs, PostgreSQL's answer otherwise. */
  @Override
  public String getDriverClass(String url, ClassLoader classLoader) {
    return ConnectionSettings.accepts(url)
        ? Driver.class.getName()
        : postgres.getDriverClass(url, classLoader);
  }

  /** None for {@code jdbc:neon:} URLs: there is one driver for them. */
  @Override
  public String getBackupDriverClass(String url, ClassLoader classLoader) {
    return ConnectionSettings.accepts(url) ? null : postgres.getBackupDriverClass(url, classLoader);
  }

  /**
   * Whether {@code connection} is a PostgreSQL connection opened by the {@code jdbc:neon:} driver
   * (directly, or under a pool's proxy that unwraps).
   */
  @Override
  public boolean handlesDatabaseProductNameAndVersion(
      String databaseProductName, String databaseProductVersion, Connection connection) {
    return postgres.handlesDatabaseProductNameAndVersion(
            databaseProductName, databaseProductVersion, connection)
        && isNeonConnection(connection);
  }

  private static boolean isNeonConnection(Connection connection) {
    if (connection == null) {
      return false;
    }
    try {
      return connection.isWrapperFor(NeonConnection.class);
    } catch (SQLException e) {
      // A proxy that cannot tell is not one we can vouch for: PostgreSQL's own type takes it.
      return false;
    }
  }

  @Override
  public String toString() {
    return getName();
  }

  // Everything below is Flyway's PostgreSQL type, unchanged.

  @Override
  public int getNullType() {
    return postgres.getNullType();
  }

  @Override
  public boolean supportsReadOnlyTransactions() {
    return postgres.supportsReadOnlyTransactions();
  }

  @Override
  public Pattern getJDBCCredentialsPattern() {
    return postgres.getJDBCCredentialsPattern();
  }

  @Override
  public List<Pattern> getJDBCCredentialsPatterns() {
    return postgres.getJDBCCredentialsPatterns();
  }

  @Override
  public Database<?> createDatabase(
      Configuration configuration,
      JdbcConnectionFactory jdbcConnectionFactory,
      StatementInterceptor statementInterceptor) {
    return postgres.createDatabase(configuration, jdbcConnectionFactory, statementInterceptor);
  }

  @Override
  public Parser createParser(
      Configuration configuration,
      ResourceProvider resourceProvider,
      ParsingContext parsingContext) {
    return postgres.createParser(configuration, resourceProvider, parsingContext);
  }

  @Override
  public SqlScriptFactory createSqlScriptFactory(
      Configuration configuration, ParsingContext parsingContext) {
    return postgres.createSqlScriptFactory(configuration, parsingContext);
  }

  @Override
  public SqlScriptExecutorFactory createSqlScriptExecutorFactory(
      JdbcConnectionFactory jdbcConnectionFactory,
      CallbackExecutor<Event> callbackExecutor,
      StatementInterceptor statementInterceptor) {
    return postgres.createSqlScriptExecutorFactory(
        jdbcConnectionFactory, callbackExecutor, statementInterceptor);
  }

  @Override
  public DatabaseExecutionStrategy createExecutionStrategy(Connection connection) {
    return postgres.createExecutionStrategy(connection);
  }

  @Override
  public ExecutionTemplate createTransactionalExecutionTemplate(
      Connection connection, boolean rollbackOnException) {
    return postgres.createTransactionalExecutionTemplate(connection, rollbackOnException);
  }

  @Override
  public void setDefaultConnectionProps(String url, Properties props, ClassLoader classLoader) {
    postgres.setDefaultConnectionProps(url, props, classLoader);
  }

  @Override
  public void setConfigConnectionProps(
      Configuration config, Properties props, ClassLoader classLoader) {
    postgres.setConfigConnectionProps(config, props, classLoader);
  }

  @Override
  public void setOverridingConnectionProps(Map<String, String> props) {
    postgres.setOverridingConnectionProps(props);
  }

  @Override
  public void setOverridingConnectionProps(String url, Map<String, String> props) {
    postgres.setOverridingConnectionProps(url, props);
  }

  @Override
  public void setEarlyConnectionProps() {
    postgres.setEarlyConnectionProps();
  }

  @Override
  public void shutdownDatabase(String url, java.sql.Driver driver) {
    postgres.shutdownDatabase(url, driver);
  }

  @Override
  @Deprecated
  public boolean detectUserRequiredByUrl(String url) {
    return postgres.detectUserRequiredByUrl(url);
  }

  @Override
  @Deprecated
  public boolean detectPasswordRequiredByUrl(String url) {
    return postgres.detectPasswordRequiredByUrl(url);
  }

  @Override
  public boolean externalAuthPropertiesRequired(String url, String username, String password) {
    return postgres.externalAuthPropertiesRequired(url, username, password);
  }

  @Override
  public Properties getExternalAuthProperties(String url, String username) {
    return postgres.getExternalAuthProperties(url, username);
  }

  @Override
  public Properties getExternalAuthProperties(
      Configuration configuration, String url, String username) {
    return postgres.getExternalAuthProperties(configuration, url, username);
  }

  @Override
  public Connection alterConnectionAsNeeded(Connection connection, Configuration configuration) {
    return postgres.alterConnectionAsNeeded(connection, configuration);
  }

  @Override
  public String instantiateClassExtendedErrorMessage() {
    return postgres.instantiateClassExtendedErrorMessage();
  }

  @Override
  public List<String> getSpecialResourceFilenames(Configuration configuration) {
    return postgres.getSpecialResourceFilenames(configuration);
  }
}
