package dev.neonjdbc.internal.config;

/**
 * A set of 4-character runs of text, each packed into a long: open addressing, no boxing, so asking
 * whether a value shares a run with a password costs no allocation. Safe to read from several
 * threads once filled.
 */
final class GramSet {
  /** Marks an empty slot; the run of four NULs, which packs to it too, is kept apart. */
  private static final long EMPTY = 0L;

  private long[] slots;
  private int size;
  private boolean hasEmptyGram;

  /** A set for about {@code expected} runs. */
  GramSet(int expected) {
    int capacity = Integer.highestOneBit(Math.max(8, expected * 2) - 1) << 1;
    slots = new long[capacity];
  }

  /** The four characters of {@code text} from {@code at}, packed. */
  static long gramAt(CharSequence text, int at) {
    return ((long) text.charAt(at) << 48)
        | ((long) text.charAt(at + 1) << 32)
        | ((long) text.charAt(at + 2) << 16)
        | text.charAt(at + 3);
  }

  boolean isEmpty() {
    return size == 0 && !hasEmptyGram;
  }

  void add(long gram) {
    if (gram == EMPTY) {
      hasEmptyGram = true;
      return;
    }
    if ((size + 1) * 2 > slots.length) {
      grow();
    }
    int mask = slots.length - 1;
    for (int i = index(gram, mask); ; i = (i + 1) & mask) {
      if (slots[i] == gram) {
        return;
      }
      if (slots[i] == EMPTY) {
        slots[i] = gram;
        size++;
        return;
      }
    }
  }

  /** Adds every run of {@code text} in {@code [start, end)}. */
  void addAll(String text, int start, int end) {
    for (int j = start; j + 4 <= end; j++) {
      add(gramAt(text, j));
    }
  }

  boolean contains(long gram) {
    if (gram == EMPTY) {
      return hasEmptyGram;
    }
    int mask = slots.length - 1;
    for (int i = index(gram, mask); ; i = (i + 1) & mask) {
      if (slots[i] == gram) {
        return true;
      }
      if (slots[i] == EMPTY) {
        return false;
      }
    }
  }

  /** Whether {@code value} has a run that is in this set. */
  boolean sharesGram(String value) {
    if (isEmpty()) {
      return false;
    }
    for (int j = 0; j + 4 <= value.length(); j++) {
      if (contains(gramAt(value, j))) {
        return true;
      }
    }
    return false;
  }

  /** A copy without the runs made only of the letters a to z. */
  GramSet withoutLowerCaseWords() {
    GramSet kept = new GramSet(size);
    kept.hasEmptyGram = hasEmptyGram;
    for (long gram : slots) {
      if (gram != EMPTY && !isLowerCaseWord(gram)) {
        kept.add(gram);
      }
    }
    return kept;
  }

  private static boolean isLowerCaseWord(long gram) {
    for (int shift = 0; shift < 64; shift += 16) {
      char c = (char) (gram >>> shift);
      if (c < 'a' || c > 'z') {
        return false;
      }
    }
    return true;
  }

  private static int index(long gram, int mask) {
    long h = gram * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }

  private void grow() {
    long[] old = slots;
    slots = new long[old.length * 2];
    size = 0;
    for (long gram : old) {
      if (gram != EMPTY) {
        add(gram);
      }
    }
  }
}
