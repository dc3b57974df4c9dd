package org.fertk.model;

import org.fertk.FerException;

/** An invalid architecture spec: unknown layer or key, bad value, incompatible shapes. */
public class SpecException extends FerException {
  public SpecException(String message) {
    super(message);
  }
}
