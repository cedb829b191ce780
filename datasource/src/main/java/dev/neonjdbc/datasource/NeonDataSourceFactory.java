package dev.neonjdbc.datasource;

import java.util.Enumeration;
import java.util.Hashtable;
import java.util.Set;
import javax.naming.Context;
import javax.naming.Name;
import javax.naming.RefAddr;
import javax.naming.Reference;
import javax.naming.spi.ObjectFactory;

/**
 * Creates a {@link NeonDataSource} from a JNDI {@link Reference}, e.g. a Tomcat resource:
 *
 * <pre>{@code
 * <Resource name="jdbc/app" auth="Container" type="dev.neonjdbc.datasource.NeonDataSource"
 *           factory="dev.neonjdbc.datasource.NeonDataSourceFactory" closeMethod="close"
 *           url="jdbc:neon:postgresql://ep-cool-darkness-a1b2c3d4-pooler.us-east-2.aws.neon.tech/dbname"
 *           user="alex" password="..." directPoolMaximumSize="4" clientPooling="auto"/>
 * }</pre>
 *
 * <p>Every address of the reference is set with {@link NeonDataSource#setProperty}; the container's
 * own attributes ({@code auth}, {@code type}, {@code factory}, …) are skipped. The names are those
 * of {@link DataSourceProperty} and {@link dev.neonjdbc.NeonProperty}; any other is a pgJDBC key. A
 * bad value does not fail the lookup: the data source's first {@code getConnection()} reports it
 * (SQLState 22023), as it would a bad value in the URL.
 */
public class NeonDataSourceFactory implements ObjectFactory {
  private static final Set<String> CONTAINER_ATTRIBUTES =
      Set.of("auth", "scope", "singleton", "type", "factory", "closeMethod", "description");

  /** A new factory; JNDI providers instantiate it by class name. */
  public NeonDataSourceFactory() {}

  /**
   * A configured, not yet started {@link NeonDataSource}, or {@code null} when {@code obj} is not a
   * reference to one (so that JNDI tries other factories).
   */
  @Override
  public Object getObjectInstance(
      Object obj, Name name, Context nameCtx, Hashtable<?, ?> environment) {
    if (!(obj instanceof Reference reference)
        || !NeonDataSource.class.getName().equals(reference.getClassName())) {
      return null;
    }
    NeonDataSource dataSource = new NeonDataSource();
    Enumeration<RefAddr> addresses = reference.getAll();
    while (addresses.hasMoreElements()) {
      RefAddr address = addresses.nextElement();
      Object content = address.getContent();
      if (content == null || CONTAINER_ATTRIBUTES.contains(address.getType())) {
        continue;
      }
      dataSource.setProperty(address.getType(), content.toString());
    }
    return dataSource;
  }
}
