package dev.neonjdbc.internal.routing;

import dev.neonjdbc.EndpointKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One value per {@link EndpointKind}, or none: the sessions of a logical connection, the pgJDBC
 * statements of a logical statement, anything a connection keeps per endpoint. A kind added to the
 * enum gets its slot here without a new field anywhere.
 *
 * <p>Backed by an array indexed by the kind's ordinal: {@link #get} and {@link #set} are an index,
 * {@link #kindOf} a scan of a few references, and nothing allocates, so it serves the per-statement
 * path. Not thread-safe, like the JDBC objects that hold it.
 *
 * @param <T> what each slot holds
 */
public final class EndpointSlots<T> {
  // EndpointKind.values() copies its array on every call: one shared copy, never handed out.
  private static final EndpointKind[] KINDS = EndpointKind.values();

  private final Object[] values = new Object[KINDS.length];

  /** Slots that are all empty. */
  public EndpointSlots() {}

  /** What a slot action does with the value of one filled slot. */
  @FunctionalInterface
  public interface SlotAction<T, E extends Exception> {
    /** Acts on the value {@code value} held for {@code kind}. */
    void accept(EndpointKind kind, T value) throws E;
  }

  /** The value for {@code kind}, or {@code null}. */
  @SuppressWarnings("unchecked")
  public T get(EndpointKind kind) {
    return (T) values[kind.ordinal()];
  }

  /** Keeps {@code value} (or {@code null}: empties the slot) for {@code kind}. */
  public void set(EndpointKind kind, T value) {
    values[kind.ordinal()] = value;
  }

  /** Empties the slot of {@code kind}; returns what it held, or {@code null}. */
  public T remove(EndpointKind kind) {
    T value = get(kind);
    values[kind.ordinal()] = null;
    return value;
  }

  /** The kind whose slot holds {@code value} (by identity), or {@code null} when none does. */
  public EndpointKind kindOf(Object value) {
    if (value == null) {
      return null;
    }
    for (int i = 0; i < values.length; i++) {
      if (values[i] == value) {
        return KINDS[i];
      }
    }
    return null;
  }

  /** Whether some slot holds {@code value} (by identity). */
  public boolean contains(Object value) {
    return kindOf(value) != null;
  }

  /** The values of the filled slots, each object once (by identity), in the kinds' order. */
  @SuppressWarnings("unchecked")
  public List<T> distinctValues() {
    List<T> distinct = new ArrayList<>(values.length);
    for (Object value : values) {
      if (value != null && !containsSame(distinct, value)) {
        distinct.add((T) value);
      }
    }
    return distinct;
  }

  private static boolean containsSame(List<?> list, Object value) {
    for (Object element : list) {
      if (element == value) {
        return true;
      }
    }
    return false;
  }

  /** Calls {@code action} for each filled slot, in the kinds' declaration order. */
  @SuppressWarnings("unchecked")
  public <E extends Exception> void forEach(SlotAction<? super T, E> action) throws E {
    for (int i = 0; i < values.length; i++) {
      Object value = values[i];
      if (value != null) {
        action.accept(KINDS[i], (T) value);
      }
    }
  }

  /**
   * Empties every slot and returns what they held, as new slots: for a close that goes through each
   * value while this one already reads as empty.
   */
  public EndpointSlots<T> removeAll() {
    EndpointSlots<T> taken = new EndpointSlots<>();
    System.arraycopy(values, 0, taken.values, 0, values.length);
    Arrays.fill(values, null);
    return taken;
  }
}
