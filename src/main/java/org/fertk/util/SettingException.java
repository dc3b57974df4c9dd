package org.fertk.util;

import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bad training setting, named by its key as plans and run-config.json spell it
 * ({@code "epochs must be at least 1, got 0"}). The command line shows the same message with the
 * flag instead of the key ({@code --epochs}), through {@link #withNames}.
 */
public class SettingException extends FerException {
  private final List<String> keys;

  /**
   * @param message the message, naming the settings by their keys
   * @param keys the keys named in the message
   */
  public SettingException(String message, String... keys) {
    super(message);
    this.keys = List.of(keys);
  }

  /** @return the keys of the settings the message names */
  public List<String> keys() {
    return keys;
  }

  /**
   * The message with each named key spelled another way.
   *
   * @param spelling for example key to command-line flag
   * @return the message with every whole-word occurrence of a key replaced
   */
  public String withNames(UnaryOperator<String> spelling) {
    String m = getMessage();
    for (String k : keys) {
      m = Pattern.compile("(?<![\\w-])" + Pattern.quote(k) + "(?![\\w-])").matcher(m)
          .replaceAll(Matcher.quoteReplacement(spelling.apply(k)));
    }
    return m;
  }
}
