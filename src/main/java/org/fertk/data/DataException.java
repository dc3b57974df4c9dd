package org.fertk.data;

import org.fertk.FerException;

/** A user error in a data file, located at a file (and line where there is one). */
class DataException extends FerException {
  private final transient BadRow where;

  public DataException(BadRow where) {
    super(where.marked());
    this.where = where;
  }

  public DataException(String file, String problem) {
    this(new BadRow(file, 0, problem));
  }

  public BadRow where() {
    return where;
  }
}
