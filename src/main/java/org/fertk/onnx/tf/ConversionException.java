package org.fertk.onnx.tf;

import org.fertk.FerException;

/** The TF graph cannot be exported (unsupported ops, unsupported attributes). */
public class ConversionException extends FerException {
  public ConversionException(String message) {
    super(message);
  }
}
