package org.fertk.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProgressTest {
  @AfterEach
  void reset() {
    Progress.setMode(Progress.Mode.AUTO);
    Progress.Holder.drawOn(System.err);
  }

  @Test
  void noBarWithoutATerminalNorInEpochsOrQuietMode() {
    // the tests' stderr is not a terminal (no console, no launcher)
    assertSame(Progress.NONE, Progress.create(false, "x", 10, "img"));
    Progress.setMode(Progress.Mode.EPOCHS);
    assertSame(Progress.NONE, Progress.create(false, "x", 10, "img"));
    Progress.setMode(Progress.Mode.BAR);
    assertSame(Progress.NONE, Progress.create(true, "x", 10, "img"));
  }

  @Test
  void aBarRedrawsOneLineOfConstantWidthAndErasesItselfWithoutANewline() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Progress.Holder.drawOn(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    Progress.setMode(Progress.Mode.BAR);
    try (Progress p = Progress.create(false, "Epoch 1/3", 100, "img")) {
      for (int i = 0; i < 4; i++) {
        p.step(25, i % 2 == 0 ? "loss 1.9" : "loss 1.8765 acc 0.4321 with a much longer message than fits");
        Thread.sleep(600);
      }
    }
    String s = bytes.toString(StandardCharsets.UTF_8);
    assertFalse(s.contains("\n"), "no line is left behind: " + s);
    assertTrue(s.endsWith("\r\033[K"), "the bar erases itself");
    String[] frames = s.split("\r");
    int width = -1;
    for (String f : frames) {
      if (f.startsWith("Epoch 1/3")) {
        String shown = f.replace("\033[K", "");
        if (width < 0) {
          width = shown.length();
        }
        assertEquals(width, shown.length(), "every frame has the same width: [" + shown + "]");
      }
    }
    assertTrue(width > 0 && width <= Progress.WIDTH, s);
  }
}
