package org.fertk.util;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.text.DecimalFormat;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr (ETA, rate, live metrics) for long jobs, shown only where it can be
 * redrawn in place: on a terminal. Piped to a file, nothing is drawn (the callers' one-line
 * summaries remain), so a log holds lines, not carriage-return updates. A finished bar erases
 * itself, so the summary line printed after it is never overwritten, and every bar has the same
 * width, so the display does not jump.
 */
public interface Progress extends AutoCloseable {
  /** Advances by n units and replaces the live message (may be null). */
  void step(long n, String message);

  @Override
  void close();

  /** How much progress output a process shows (the CLI's --progress and -q). */
  enum Mode {
    /** Bars on a terminal, none when stderr is piped; one line per epoch either way. */
    AUTO,
    /** Bars even when stderr is not detected as a terminal. */
    BAR,
    /** One line per epoch, never a bar (Keras' verbose=2). */
    EPOCHS,
    /** Nothing but results. */
    NONE
  }

  /** Rendered width of every bar, whatever its task name and message. */
  int WIDTH = 110;
  /** Width the live message is padded to, so the bar part keeps its length. */
  int MESSAGE_WIDTH = 36;

  /** The process-wide mode; the CLI sets it once from its options. */
  static void setMode(Mode m) {
    Holder.mode = m;
  }

  static Mode mode() {
    return Holder.mode;
  }

  /** True when bars are drawn: forced, or automatic with stderr on a terminal. */
  static boolean barsShown() {
    return Holder.mode == Mode.BAR || (Holder.mode == Mode.AUTO && stderrIsTerminal());
  }

  /**
   * The launcher says whether stderr is a terminal (FER_STDERR_TTY, from the shell's test -t 2);
   * without it, the JVM's console (stdin and stdout on a terminal) is the best guess.
   */
  static boolean stderrIsTerminal() {
    String v = System.getenv("FER_STDERR_TTY");
    if (v != null) {
      return v.equals("1");
    }
    return System.console() != null;
  }

  static Progress create(boolean quiet, String task, long max, String unit) {
    if (quiet || !barsShown()) {
      return NONE;
    }
    ProgressBar bar = new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(max)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(500)
        .setUnit(" " + unit, 1)
        .showSpeed(new DecimalFormat("#,##0"))
        .setSpeedUnit(ChronoUnit.SECONDS)
        .setConsumer(new OneLine())
        .clearDisplayOnFinish()
        .build();
    bar.setExtraMessage(pad(""));
    return new Progress() {
      @Override
      public void step(long n, String message) {
        bar.stepBy(n);
        if (message != null) {
          bar.setExtraMessage(pad(message));
        }
      }

      @Override
      public void close() {
        bar.close();
      }
    };
  }

  /** The terminal's stderr even under the launcher's line filter (for last words on Ctrl-C). */
  static PrintStream directErr() {
    return Holder.bars();
  }

  /** The message cut or padded to {@link #MESSAGE_WIDTH}. */
  static String pad(String message) {
    String m = message.length() > MESSAGE_WIDTH ? message.substring(0, MESSAGE_WIDTH) : message;
    return String.format(Locale.ROOT, "%-" + MESSAGE_WIDTH + "s", m);
  }

  Progress NONE = new Progress() {
    @Override
    public void step(long n, String message) {}

    @Override
    public void close() {}
  };

  /**
   * Draws the bar on one stderr line, redrawn in place and erased at the end without leaving an
   * empty line (the library's console consumer ends every bar with a newline).
   */
  final class OneLine implements ProgressBarConsumer {
    @Override
    public int getMaxRenderedLength() {
      return WIDTH;
    }

    @Override
    public void accept(String rendered) {
      String line = rendered.length() > WIDTH ? rendered.substring(0, WIDTH) : rendered;
      Holder.bars().print("\r" + line + "\033[K");
      Holder.bars().flush();
    }

    @Override
    public void clear() {
      Holder.bars().print("\r\033[K");
      Holder.bars().flush();
    }

    @Override
    public void close() {
      Holder.bars().flush();
    }
  }

  /** Holds the mutable process-wide setting (interfaces cannot have mutable static fields). */
  final class Holder {
    private static volatile Mode mode = Mode.AUTO;
    private static PrintStream bars;

    private Holder() {}

    /** Draws bars on this stream from now on (tests). */
    static synchronized void drawOn(PrintStream s) {
      bars = s;
    }

    /**
     * Where bars are drawn: the launcher's FER_PROGRESS_TO (the terminal's stderr, kept aside
     * because the launcher filters stderr line by line, which would hold a bar back until a
     * newline), else stderr.
     */
    static synchronized PrintStream bars() {
      if (bars == null) {
        String to = System.getenv("FER_PROGRESS_TO");
        try {
          bars = to == null || to.isBlank() ? System.err
              : new PrintStream(new FileOutputStream(to, true), true, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
          bars = System.err;
        }
      }
      return bars;
    }
  }
}
