package org.fertk.cli;

import org.fertk.data.Usage;
import org.fertk.util.UsageException;

/** A --split value as a FER2013 split, for every command that takes one. */
final class SplitOption {
  private SplitOption() {}

  static Usage parse(String s) {
    Usage u = Usage.fromAlias(s);
    if (u == null) {
      throw new UsageException("unknown split '" + s + "' (expected Training, PublicTest or PrivateTest)");
    }
    return u;
  }
}
