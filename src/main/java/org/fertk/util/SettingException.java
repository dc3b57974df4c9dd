package org.fertk.util;

import org.fertk.FerException;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A bad training setting, named by its key as plans and run-config.json spell it
 * ({@code "epochs must be at least 1, got 0"}). The command line shows the same message with the
 * flag instead of the key ({@code --epochs}), through {@link #withNames}.
 */
public class SettingException extends FerException {
  /**
   * @param message the message, naming the settings by their keys
   * @param keys the keys named in the message
   */
  public SettingException(String message, String... keys) {
    super(message);
    naming(keys);
  }

  /** @return the keys of the settings the message names */
  public List<String> keys() {
    return settings();
  }

  /** {@link #message}, under the name the CLI has long used. */
  public String withNames(UnaryOperator<String> spelling) {
    return message(spelling);
  }
}
