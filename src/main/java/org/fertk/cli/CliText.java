package org.fertk.cli;

import org.fertk.FerException;

/**
 * The library's messages as the command line says them: a setting's key ({@code max_image_pixels})
 * becomes the flag that sets it ({@code --max-image-pixels}), or the command's own spelling where
 * it has one (train's {@code --split-by}).
 */
final class CliText {
  private CliText() {}

  /** A command whose flags are not the keys with dashes. */
  interface FlagNames {
    String flag(String key);
  }

  /** The flag of a setting for this command (any object that is not a FlagNames: the general rule). */
  static String flag(String key, Object command) {
    if (command instanceof FlagNames f) {
      return f.flag(key);
    }
    return key.equals("teachers") ? "--teacher" : "--" + key.replace('_', '-');
  }

  /** The message of a failure, its settings named as the command's flags. */
  static String of(Throwable t, Object command) {
    return t instanceof FerException f ? f.message(k -> flag(k, command)) : String.valueOf(t.getMessage());
  }
}
