package org.fertk.util;

/**
 * Text from the user's input made safe to print in a message: control characters (a NUL byte, an
 * escape sequence that would recolour the terminal, a carriage return that would hide the start
 * of the line) are shown escaped, and very long values are cut, saying how much was left out.
 */
public final class Printable {
  /** Longer messages are cut: a row of 2,304 pixels echoed whole helps nobody. */
  public static final int MAX_CHARS = 400;

  private Printable() {}

  /** Escapes control characters other than line breaks and cuts each line at {@link #MAX_CHARS}. */
  public static String message(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(Math.min(s.length(), 4 * MAX_CHARS));
    for (String line : s.split("\n", -1)) {
      if (out.length() > 0) {
        out.append('\n');
      }
      out.append(value(line, MAX_CHARS));
    }
    return out.toString();
  }

  /** One value: every control character escaped, cut to max characters of the original. */
  public static String value(String s, int max) {
    StringBuilder out = new StringBuilder();
    int n = Math.min(s.length(), max);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\0' -> out.append("\\0");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        case '\n' -> out.append("\\n");
        default -> {
          if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
              || Character.getType(c) == Character.SURROGATE && !validSurrogate(s, i)) {
            out.append(String.format("\\x%02x", (int) c & 0xff));
            if (c > 0xff) {
              out.setLength(out.length() - 4);
              out.append(String.format("\\u%04x", (int) c));
            }
          } else {
            out.append(c);
          }
        }
      }
    }
    if (s.length() > max) {
      out.append("... (").append(s.length() - max).append(" more characters)");
    }
    return out.toString();
  }

  private static boolean validSurrogate(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }
}
