package dev.neonjdbc.spi;

import dev.neonjdbc.EndpointKind;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread-safe list of {@link RoutingEvents} listeners that is itself a listener: each event goes
 * to every listener in turn. {@link NeonEvents} keeps the JVM-wide one; a data source keeps its
 * own.
 *
 * <p>Adding and removing copy the array under a lock (rare); reporting loops over a volatile array
 * and allocates nothing. A listener that throws is logged once at WARN and its exceptions dropped,
 * so that a faulty listener never fails a statement.
 */
public final class RoutingEventListeners implements RoutingEvents {
  private static final Logger LOG = LoggerFactory.getLogger(RoutingEventListeners.class);
  private static final Registration[] NONE = new Registration[0];

  private volatile Registration[] registered = NONE;

  /** An empty list. */
  public RoutingEventListeners() {}

  /**
   * Adds {@code listener}; closing the returned registration removes it again (idempotent).
   *
   * @throws NullPointerException when {@code listener} is null
   */
  public AutoCloseable add(RoutingEvents listener) {
    if (listener == null) {
      throw new NullPointerException("listener");
    }
    Registration registration = new Registration(this, listener);
    synchronized (this) {
      Registration[] current = registered;
      Registration[] grown = Arrays.copyOf(current, current.length + 1);
      grown[current.length] = registration;
      registered = grown;
    }
    return registration;
  }

  /** Whether any listener is in the list. */
  public boolean isEmpty() {
    return registered.length == 0;
  }

  private synchronized void remove(Registration registration) {
    Registration[] current = registered;
    for (int i = 0; i < current.length; i++) {
      if (current[i] == registration) {
        Registration[] shrunk = new Registration[current.length - 1];
        System.arraycopy(current, 0, shrunk, 0, i);
        System.arraycopy(current, i + 1, shrunk, i, current.length - i - 1);
        registered = shrunk;
        return;
      }
    }
  }

  /** One listener in the list; closing it removes it. */
  private static final class Registration implements AutoCloseable {
    private final RoutingEventListeners list;
    final RoutingEvents listener;
    private volatile boolean warned;

    Registration(RoutingEventListeners list, RoutingEvents listener) {
      this.list = list;
      this.listener = listener;
    }

    void failed(RuntimeException e) {
      if (!warned) {
        warned = true;
        LOG.warn("a jdbc:neon: event listener ({}) threw; dropped", listener.getClass(), e);
      }
    }

    @Override
    public void close() {
      list.remove(this);
    }

    @Override
    public String toString() {
      return "registration of " + listener;
    }
  }

  @Override
  public void statementRouted(EndpointKind kind) {
    for (Registration r : registered) {
      try {
        r.listener.statementRouted(kind);
      } catch (RuntimeException e) {
        r.failed(e);
      }
    }
  }

  @Override
  public void statementFinished(EndpointKind endpoint, StatementKind statement, long nanos) {
    for (Registration r : registered) {
      try {
        r.listener.statementFinished(endpoint, statement, nanos);
      } catch (RuntimeException e) {
        r.failed(e);
      }
    }
  }

  @Override
  public void statementFailed(
      EndpointKind endpoint, StatementKind statement, long nanos, String sqlState) {
    for (Registration r : registered) {
      try {
        r.listener.statementFailed(endpoint, statement, nanos, sqlState);
      } catch (RuntimeException e) {
        r.failed(e);
      }
    }
  }

  @Override
  public void pinned(StatementKind cause) {
    for (Registration r : registered) {
      try {
        r.listener.pinned(cause);
      } catch (RuntimeException e) {
        r.failed(e);
      }
    }
  }

  @Override
  public void refused(StatementKind statement) {
    for (Registration r : registered) {
      try {
        r.listener.refused(statement);
      } catch (RuntimeException e) {
        r.failed(e);
      }
    }
  }

  @Override
  public void moved() {
    for (Registration r : registered) {
      try {
        r.listener.moved();
      } catch (RuntimeException e) {
        r.failed(e);
      }
    }
  }

  @Override
  public void unpinned() {
    for (Registration r : registered) {
      try {
        r.listener.unpinned();
      } catch (RuntimeException e) {
        r.failed(e);
      }
    }
  }

  @Override
  public void sessionBorrowed(EndpointKind kind) {
    for (Registration r : registered) {
      try {
        r.listener.sessionBorrowed(kind);
      } catch (RuntimeException e) {
        r.failed(e);
      }
    }
  }

  @Override
  public void sessionReturned(EndpointKind kind, long heldNanos) {
    for (Registration r : registered) {
      try {
        r.listener.sessionReturned(kind, heldNanos);
      } catch (RuntimeException e) {
        r.failed(e);
      }
    }
  }

  @Override
  public void connected(EndpointKind kind, long elapsedNanos) {
    for (Registration r : registered) {
      try {
        r.listener.connected(kind, elapsedNanos);
      } catch (RuntimeException e) {
        r.failed(e);
      }
    }
  }

  @Override
  public void connectFailed(EndpointKind kind, long elapsedNanos, String sqlState) {
    for (Registration r : registered) {
      try {
        r.listener.connectFailed(kind, elapsedNanos, sqlState);
      } catch (RuntimeException e) {
        r.failed(e);
      }
    }
  }

  @Override
  public void connectRetried(EndpointKind kind, int nextAttempt, String sqlState) {
    for (Registration r : registered) {
      try {
        r.listener.connectRetried(kind, nextAttempt, sqlState);
      } catch (RuntimeException e) {
        r.failed(e);
      }
    }
  }
}
