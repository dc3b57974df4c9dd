package org.fertk.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The outputs of a partition made a block of inputs at a time (parse 2,048 lines, score a few
 * batches): a task holds one block in memory, never its whole partition.
 */
abstract class BlockIterator<I, O> implements Iterator<O> {
  private final Iterator<I> in;
  private final List<O> ready = new ArrayList<>();
  private int next;

  BlockIterator(Iterator<I> in) {
    this.in = in;
  }

  /** Takes the next block from {@code in} and adds what it gives to {@code out}. */
  abstract void fill(Iterator<I> in, List<O> out);

  @Override
  public final boolean hasNext() {
    while (next >= ready.size() && in.hasNext()) {
      ready.clear();
      next = 0;
      fill(in, ready);
    }
    return next < ready.size();
  }

  @Override
  public final O next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.get(next++);
  }
}
