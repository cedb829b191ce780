package dev.neonjdbc.testkit.pgbouncer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {

  @Test
  void quotedFieldsKeepCommasQuotesAndNewlines() {
    assertEquals(
        List.of(List.of("a", "b", ""), List.of("x,y", "say \"hi\"", "two\nlines")),
        Csv.parse("a,b,\n\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\n"));
  }

  @Test
  void emptyOutputHasNoRecords() {
    assertEquals(List.of(), Csv.parse(""));
  }
}
