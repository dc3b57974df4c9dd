package org.fertk.cli;

import org.fertk.util.Progress;

/**
 * The options every command inherits from {@code fer} itself, as the commands see them: through
 * this interface, so that no command refers to the class that lists them all.
 */
interface RootOptions {
  /** Exit status of a failure (bad input file, failed check). */
  int FAILURE = 1;
  /** Exit status of a usage error (unknown option, bad option value, missing command). */
  int USAGE = 2;

  /** True when only results are printed (-q or --progress none). */
  boolean quietMode();

  /** The --progress mode. */
  Progress.Mode progressMode();
}
