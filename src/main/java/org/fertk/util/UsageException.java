package org.fertk.util;

import org.fertk.FerException;
/**
 * A bad option or option value (as opposed to a bad input file): the CLI prints the message with
 * a pointer to --help and exits with code 2. Validation code below the CLI throws it so that
 * every command reports the same mistake the same way.
 */
public class UsageException extends FerException {
  public UsageException(String message) {
    super(message);
  }
}
