package org.fertk.util;

import org.fertk.FerException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonTest {
  @TempDir
  Path dir;

  @Test
  void unclosedArrayNamesFileEndAndWhereTheArrayBegan() throws IOException {
    Path f = dir.resolve("g.json");
    Files.writeString(f, "{\"layers\": [\n");
    FerException e = assertThrows(FerException.class, () -> Json.read(f));
    String m = e.getMessage();
    assertTrue(m.startsWith(f + ": invalid JSON at line 2, column 1: "), m);
    assertTrue(m.contains("start marker at line 1, column 12"), m);
    assertFalse(m.contains("Source"), m);
  }

  @Test
  void messagesWithoutASecondPlaceAreKept() {
    assertEquals("Unexpected character ('}' (code 125))", Json.plain("Unexpected character ('}' (code 125))"));
    assertEquals("", Json.plain(null));
  }

  @Test
  void missingFileIsNamed() {
    Path f = dir.resolve("absent.json");
    FerException e = assertThrows(FerException.class, () -> Json.read(f));
    assertEquals(f + ": file not found", e.getMessage());
  }
}
