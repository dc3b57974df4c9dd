package org.fertk.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * What the layers of one TF graph share while they add ops: the variables created for their
 * weights (each with a placeholder + assign pair to set it from Java), the moving-average updates
 * a training step must run, the L2 penalties, and the per-step seed that makes dropout
 * reproducible. Several contexts (e.g. the inference path and the "training" path) can share
 * one state through {@link #withOps}.
 */
public final class GraphContext {
  public final Ops tf;
  private final State state;

  /** A variable plus the ops to set it from Java. */
  public record Slot(String name, int[] shape, Variable<TFloat32> variable,
      Placeholder<TFloat32> value, Assign<TFloat32> assign, Initializer initializer) {}

  private static final class State {
    final Ops root;
    final Map<String, Slot> variables = new LinkedHashMap<>();
    final List<Op> updates = new ArrayList<>();
    final List<Operand<TFloat32>> penalties = new ArrayList<>();
    Operand<TInt64> stepSeed;
    int randomOps;
    double stochasticDepth;

    State(Ops root) {
      this.root = root;
    }
  }

  public GraphContext(Ops tf) {
    this(tf, new State(tf));
  }

  private GraphContext(Ops tf, State state) {
    this.tf = tf;
    this.state = state;
  }

  /** A context adding ops through another Ops (e.g. a "training" scope) with the same state. */
  public GraphContext withOps(Ops other) {
    return new GraphContext(other, state);
  }

  /** The variable of a layer weight, created on first use (with its L2 penalty, if any). */
  public Variable<TFloat32> variable(Weight w) {
    Slot s = state.variables.get(w.fullName());
    if (s == null) {
      s = create(w.fullName(), w.shape(), w.initializer());
      if (w.trainable() && w.l2() > 0) {
        Ops r = state.root.withSubScope("penalty");
        // read the variable first: gradients through Square of a raw ref-typed variable crash TF
        Operand<TFloat32> value = r.identity(s.variable());
        state.penalties.add(r.math.mul(r.constant((float) w.l2()),
            r.sum(r.math.square(value), allAxes(r, w.shape().length))));
      }
    }
    return s.variable();
  }

  /** A free-standing variable (e.g. an optimizer slot). */
  public Variable<TFloat32> newVariable(String name, int[] shape, Initializer init) {
    if (state.variables.containsKey(name)) {
      throw new IllegalStateException("variable exists: " + name);
    }
    return create(name, shape, init).variable();
  }

  private Slot create(String name, int[] shape, Initializer init) {
    Ops root = state.root;
    int slash = name.lastIndexOf('/');
    Ops scoped = slash < 0 ? root : scope(root, name.substring(0, slash));
    Shape dims = shape(shape);
    Variable<TFloat32> v = scoped.withName(name.substring(slash + 1)).variable(dims, TFloat32.class);
    Ops setter = scope(root.withSubScope("init"), name);
    Placeholder<TFloat32> p = setter.withName("value").placeholder(TFloat32.class, Placeholder.shape(dims));
    Assign<TFloat32> a = setter.withName("assign").assign(v, p);
    Slot s = new Slot(name, shape.clone(), v, p, a, init);
    state.variables.put(name, s);
    return s;
  }

  /** Nested sub-scopes for a path such as "optimizer/conv2d/kernel". */
  private static Ops scope(Ops tf, String path) {
    Ops s = tf;
    for (String part : path.split("/")) {
      s = s.withSubScope(part);
    }
    return s;
  }

  private static Shape shape(int[] shape) {
    long[] dims = new long[shape.length];
    for (int i = 0; i < shape.length; i++) {
      dims[i] = shape[i];
    }
    return Shape.of(dims);
  }

  public Map<String, Slot> slots() {
    return state.variables;
  }

  /** Ops a training step must also run (batch-norm moving averages). */
  public void addUpdate(Op op) {
    state.updates.add(op);
  }

  public List<Op> updates() {
    return state.updates;
  }

  /** Sum of all L2 penalties, or null when there are none. */
  public Operand<TFloat32> penalty() {
    List<Operand<TFloat32>> p = state.penalties;
    if (p.isEmpty()) {
      return null;
    }
    return p.size() == 1 ? p.get(0) : state.root.withSubScope("penalty").math.addN(p);
  }

  /**
   * Stochastic depth for the training pass: the rate at which the deepest residual branch is
   * dropped (see {@link Network#residualBranches()}); 0 = off.
   */
  public void setStochasticDepth(double rate) {
    state.stochasticDepth = rate;
  }

  public double stochasticDepth() {
    return state.stochasticDepth;
  }

  /** Sets the per-step seed placeholder (training graphs only). */
  public void setStepSeed(Operand<TInt64> seed) {
    state.stepSeed = seed;
  }

  /** A distinct stateless seed for the next random op: the step seed shifted by an op index. */
  public Operand<TInt64> nextSeed() {
    if (state.stepSeed == null) {
      throw new IllegalStateException("random op in a graph without a step seed");
    }
    long k = ++state.randomOps;
    return tf.math.add(state.stepSeed, tf.constant(new long[] {k * 1_000_003L, 0}));
  }

  private static Operand<TInt32> allAxes(Ops tf, int rank) {
    int[] a = new int[rank];
    for (int i = 0; i < rank; i++) {
      a[i] = i;
    }
    return tf.constant(a);
  }

  /** Runs every variable's initializer with values from a generator seeded per variable. */
  public void initialize(Session session, long seed) {
    Map<String, float[]> values = new LinkedHashMap<>();
    int k = 0;
    for (Slot s : state.variables.values()) {
      values.put(s.name(), s.initializer().values(s.shape(), new SplittableRandom(seed * 1_000_003L + k++)));
    }
    assign(session, values);
  }

  /** Overwrites the named variables with the given values. */
  public void assign(Session session, Map<String, float[]> values) {
    Session.Runner r = session.runner();
    List<Tensor> open = new ArrayList<>();
    try {
      for (Map.Entry<String, float[]> e : values.entrySet()) {
        Slot s = state.variables.get(e.getKey());
        if (s == null) {
          throw new IllegalArgumentException("no variable " + e.getKey());
        }
        TFloat32 t = TFloat32.tensorOf(shape(s.shape()), DataBuffers.of(e.getValue()));
        open.add(t);
        r.feed(s.value(), t);
        r.addTarget(s.assign());
      }
      if (!open.isEmpty()) {
        r.run().close();
      }
    } finally {
      open.forEach(Tensor::close);
    }
  }

  /** Current values of every variable, by name. */
  public Map<String, float[]> read(Session session) {
    return read(session, state.variables.keySet());
  }

  /** Current values of the named variables, by name, in the given order. */
  public Map<String, float[]> read(Session session, Collection<String> names) {
    Map<String, float[]> out = new LinkedHashMap<>();
    List<Slot> slots = new ArrayList<>();
    for (String n : names) {
      Slot s = state.variables.get(n);
      if (s == null) {
        throw new IllegalArgumentException("no variable " + n);
      }
      slots.add(s);
    }
    if (slots.isEmpty()) {
      return out;
    }
    Session.Runner r = session.runner();
    for (Slot s : slots) {
      r.fetch(s.variable());
    }
    try (Result res = r.run()) {
      for (int i = 0; i < slots.size(); i++) {
        TFloat32 t = (TFloat32) res.get(i);
        float[] v = new float[(int) t.size()];
        t.copyTo(DataBuffers.of(v));
        out.put(slots.get(i).name(), v);
      }
    }
    return out;
  }
}
