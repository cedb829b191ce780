package dev.neonjdbc.internal.config;

import java.util.Arrays;

/** Half-open spans {@code [start, end)} of a text, collected in any order, merged on demand. */
final class SpanList {
  private int[] spans = new int[16];
  private int size;

  /** Adds {@code [start, end)}; an empty span is ignored. */
  void add(int start, int end) {
    if (start >= end) {
      return;
    }
    if (size + 2 > spans.length) {
      spans = Arrays.copyOf(spans, spans.length * 2);
    }
    spans[size++] = start;
    spans[size++] = end;
  }

  /** Adds every span of {@code merged} (start, end, start, end...). */
  void addAll(int[] merged) {
    for (int i = 0; i + 1 < merged.length; i += 2) {
      add(merged[i], merged[i + 1]);
    }
  }

  /** The spans sorted and merged where they overlap or touch: start, end, start, end... */
  int[] merged() {
    int count = size / 2;
    long[] packed = new long[count];
    for (int i = 0; i < count; i++) {
      packed[i] = ((long) spans[2 * i] << 32) | spans[2 * i + 1];
    }
    Arrays.sort(packed);
    int[] merged = new int[size];
    int length = 0;
    for (long span : packed) {
      int start = (int) (span >>> 32);
      int end = (int) span;
      if (length > 0 && start <= merged[length - 1]) {
        merged[length - 1] = Math.max(merged[length - 1], end);
      } else {
        merged[length++] = start;
        merged[length++] = end;
      }
    }
    return Arrays.copyOf(merged, length);
  }
}
