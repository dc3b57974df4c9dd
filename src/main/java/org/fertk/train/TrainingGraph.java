package org.fertk.train;

import java.util.ArrayList;
import java.util.List;
import org.fertk.Emotion;
import org.fertk.data.FaceDataset;
import org.fertk.model.Initializer;
import org.fertk.model.ModelGraph;
import org.fertk.model.Network;
import org.fertk.model.Weight;
import org.fertk.util.SettingException;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * A model graph with its training path added: the same variables, a forward pass in training
 * mode (dropout on, batch statistics, residual branches dropped under stochastic depth),
 * categorical cross-entropy on the logits weighted per sample (class weights) plus L2 penalties,
 * with distillation a KL divergence to the teachers' softened probabilities (see
 * {@link Distillation}), gradients, and one optimizer update per trainable weight. One
 * {@link #step} runs a whole batch.
 */
public final class TrainingGraph extends ModelGraph {
  private final Placeholder<TFloat32> labels;
  private final Placeholder<TFloat32> teacherProbs; // null without distillation
  private final Placeholder<TFloat32> sampleWeight;
  private final Placeholder<TFloat32> learningRate;
  private final Placeholder<TFloat32> beta1Power;
  private final Placeholder<TFloat32> beta2Power;
  private final Placeholder<TInt64> stepSeed;
  private final Operand<TFloat32> loss;
  private final Operand<TFloat32> correct;
  private final Operand<TFloat32> penalty;
  private final Op train;
  private final Op statisticsUpdate;
  private final List<String> trainableNames;
  private final OptimizerConfig optimizer;

  public TrainingGraph(Network model, OptimizerConfig optimizer, int threads) {
    this(model, optimizer, threads, false);
  }

  /** @param bfloat16 mixed precision for this graph's session (see {@link ModelGraph#sessionConfig(int, boolean)}) */
  public TrainingGraph(Network model, OptimizerConfig optimizer, int threads, boolean bfloat16) {
    this(model, optimizer, threads, bfloat16, Distillation.NONE, 0);
  }

  /**
   * @param distillation teachers' soft targets in the loss when active (fed to {@link #step})
   * @param stochasticDepth the deepest residual branch's drop rate; 0 = off
   */
  public TrainingGraph(Network model, OptimizerConfig optimizer, int threads, boolean bfloat16,
      Distillation distillation, double stochasticDepth) {
    super(checkStochasticDepth(model, stochasticDepth));
    this.optimizer = optimizer;
    labels = tf.withName("labels").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(-1, Emotion.COUNT)));
    sampleWeight = tf.withName("sample_weight").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
    learningRate = tf.withName("learning_rate").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    beta1Power = tf.withName("beta1_power").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    beta2Power = tf.withName("beta2_power").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
    stepSeed = tf.withName("step_seed").placeholder(TInt64.class, Placeholder.shape(Shape.of(2)));
    ctx.setStepSeed(stepSeed);
    ctx.setStochasticDepth(stochasticDepth);
    teacherProbs = distillation.active() ? tf.withName("teacher_probs").placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(-1, Emotion.COUNT))) : null;

    Ops t = tf.withSubScope("training");
    Network.Outputs out = model.forward(ctx.withOps(t), input, true);
    Operand<TFloat32> ce = t.nn.softmaxCrossEntropyWithLogits(out.logits(), labels).loss();
    if (teacherProbs != null) {
      float temperature = (float) distillation.temperature();
      float w = (float) distillation.weight();
      // KL(q || softmax(z / T)) = cross-entropy - the teachers' entropy: the same gradients as the
      // cross-entropy, and a loss that reads 0 when the student matches the teachers (as Keras' KLDivergence)
      Operand<TFloat32> crossEntropy = t.nn.softmaxCrossEntropyWithLogits(
          t.math.div(out.logits(), t.constant(temperature)), teacherProbs).loss();
      Operand<TFloat32> negEntropy = t.sum(t.math.mul(teacherProbs, t.math.log(teacherProbs)), t.constant(1));
      Operand<TFloat32> soft = t.math.add(crossEntropy, negEntropy);
      ce = t.math.add(t.math.mul(t.constant(1 - w), ce), t.math.mul(t.constant(w * temperature * temperature), soft));
    }
    // Keras "sum_over_batch_size": sum(loss * weight) / batch size
    Operand<TFloat32> dataLoss = t.math.mean(t.math.mul(ce, sampleWeight), t.constant(0));
    Operand<TFloat32> pen = ctx.penalty();
    Operand<TFloat32> total = pen == null ? dataLoss : t.math.add(dataLoss, pen);
    loss = tf.withName("loss").identity(total);
    penalty = tf.withName("penalty").identity(pen == null ? t.constant(0f) : pen);
    correct = tf.withName("correct").sum(t.dtypes.cast(t.math.equal(
        t.math.argMax(out.logits(), t.constant(1)), t.math.argMax(labels, t.constant(1))), TFloat32.class),
        t.constant(0));

    List<Variable<TFloat32>> vars = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Weight w : model.weights()) {
      if (w.trainable()) {
        vars.add(ctx.variable(w));
        names.add(w.fullName());
      }
    }
    List<Output<?>> grads = t.gradients(total, vars).dy();
    // Every update waits for every gradient, so no gradient reads an already-updated weight.
    Ops gt = tf.withSubScope("gradients");
    List<Op> barrier = new ArrayList<>();
    List<Operand<TFloat32>> g = new ArrayList<>();
    for (Output<?> o : grads) {
      var id = gt.identity(o.expect(TFloat32.class));
      barrier.add(id);
      g.add(id);
    }
    Ops ot = tf.withSubScope("optimizer").withControlDependencies(barrier);
    // the moving-statistics updates alone: a forward pass that re-estimates batch norm
    statisticsUpdate = tf.withControlDependencies(new ArrayList<>(ctx.updates())).withName("update_statistics").noOp();
    List<Op> updates = new ArrayList<>(ctx.updates());
    for (int i = 0; i < vars.size(); i++) {
      updates.add(applyUpdate(ot, names.get(i), vars.get(i), g.get(i)));
    }
    train = tf.withControlDependencies(updates).withName("train").noOp();
    trainableNames = List.copyOf(names);
    openSession(threads, bfloat16);
  }

  /** The model, when stochastic depth is off or it has residual branches to drop; a setting error otherwise. */
  static Network checkStochasticDepth(Network model, double stochasticDepth) {
    if (stochasticDepth > 0 && model.residualBranches().isEmpty()) {
      throw new SettingException("stochastic_depth needs a residual network, and " + model.name()
          + " has no Add of a branch and a shortcut", "stochastic_depth");
    }
    return model;
  }

  private Op applyUpdate(Ops ot, String name, Variable<TFloat32> v, Operand<TFloat32> grad) {
    int[] shape = ctx.slots().get(name).shape();
    Operand<TFloat32> lr = learningRate;
    if (optimizer.name().equals("adam")) {
      Variable<TFloat32> m = ctx.newVariable("optimizer/" + name + "/m", shape, Initializer.ZEROS);
      Variable<TFloat32> vv = ctx.newVariable("optimizer/" + name + "/v", shape, Initializer.ZEROS);
      return ot.train.applyAdam(v, m, vv, beta1Power, beta2Power, lr,
          ot.constant((float) optimizer.beta1()), ot.constant((float) optimizer.beta2()),
          ot.constant((float) optimizer.epsilon()), grad);
    }
    if (optimizer.momentum() == 0) {
      return ot.train.applyGradientDescent(v, lr, grad);
    }
    // Keras SGD: m = momentum*m - lr*g; w += m (Nesterov: w += momentum*m - lr*g)
    Variable<TFloat32> m = ctx.newVariable("optimizer/" + name + "/momentum", shape, Initializer.ZEROS);
    Operand<TFloat32> mom = ot.constant((float) optimizer.momentum());
    Operand<TFloat32> lrg = ot.math.mul(lr, grad);
    Operand<TFloat32> mNew = ot.assign(m, ot.math.sub(ot.math.mul(mom, m), lrg));
    Operand<TFloat32> delta = optimizer.nesterov() ? ot.math.sub(ot.math.mul(mom, mNew), lrg) : mNew;
    return ot.assignAdd(v, delta);
  }

  public OptimizerConfig optimizer() {
    return optimizer;
  }

  /** Loss (with penalties) and number of correct predictions of one training step. */
  public record StepResult(float loss, float correct) {}

  /**
   * One optimizer step on a batch.
   *
   * @param x n*2304 pixels in [0,1]
   * @param y n*7 target distribution (one-hot, or smoothed, or mixed)
   * @param soft n*7 teachers' softened probabilities (distillation), else null
   * @param w n sample weights
   * @param t 1-based step number (for Adam's bias correction)
   * @param seed two longs keying the step's dropout masks
   */
  public StepResult step(float[] x, float[] y, float[] w, int n, float lr, long t, long[] seed) {
    return step(x, y, null, w, n, lr, t, seed);
  }

  public StepResult step(float[] x, float[] y, float[] soft, float[] w, int n, float lr, long t, long[] seed) {
    if ((soft != null) != (teacherProbs != null)) {
      throw new IllegalArgumentException(teacherProbs != null ? "distillation needs the teachers' probabilities"
          : "soft targets given to a graph without distillation");
    }
    List<Tensor> open = new ArrayList<>();
    try {
      TFloat32 xt = track(open, TFloat32.tensorOf(Shape.of(n, FaceDataset.SIDE, FaceDataset.SIDE, 1),
          DataBuffers.of(x, true, false).narrow(n * (long) FaceDataset.PIXELS)));
      TFloat32 yt = track(open, TFloat32.tensorOf(Shape.of(n, Emotion.COUNT),
          DataBuffers.of(y, true, false).narrow(n * (long) Emotion.COUNT)));
      TFloat32 wt = track(open, TFloat32.tensorOf(Shape.of(n), DataBuffers.of(w, true, false).narrow(n)));
      TFloat32 lrt = track(open, TFloat32.scalarOf(lr));
      TFloat32 b1 = track(open, TFloat32.scalarOf((float) Math.pow(optimizer.beta1(), t)));
      TFloat32 b2 = track(open, TFloat32.scalarOf((float) Math.pow(optimizer.beta2(), t)));
      TInt64 st = track(open, TInt64.vectorOf(seed));
      Session.Runner runner = session.runner().feed(input, xt).feed(labels, yt).feed(sampleWeight, wt)
          .feed(learningRate, lrt).feed(beta1Power, b1).feed(beta2Power, b2).feed(stepSeed, st);
      if (soft != null) {
        runner.feed(teacherProbs, track(open, TFloat32.tensorOf(Shape.of(n, Emotion.COUNT),
            DataBuffers.of(soft, true, false).narrow(n * (long) Emotion.COUNT))));
      }
      try (Result r = runner.fetch(loss).fetch(correct).addTarget(train).run()) {
        return new StepResult(((TFloat32) r.get(0)).getFloat(), ((TFloat32) r.get(1)).getFloat());
      }
    } finally {
      open.forEach(Tensor::close);
    }
  }

  /**
   * A bare optimizer step on tensors built in advance, fetching nothing: the baseline the full
   * training loop is benchmarked against.
   */
  public void bareStep(TFloat32 x, TFloat32 y, TFloat32 w, TFloat32 lr, TFloat32 b1, TFloat32 b2, TInt64 seed) {
    session.runner().feed(input, x).feed(labels, y).feed(sampleWeight, w).feed(learningRate, lr)
        .feed(beta1Power, b1).feed(beta2Power, b2).feed(stepSeed, seed).addTarget(train).run().close();
  }

  /** Names of the weights the optimizer updates. */
  public List<String> trainableNames() {
    return trainableNames;
  }

  /** A training-mode forward pass that only moves the batch-norm statistics (no weight update). */
  public void updateStatistics(float[] x, int n, long[] seed) {
    try (TFloat32 xt = TFloat32.tensorOf(Shape.of(n, FaceDataset.SIDE, FaceDataset.SIDE, 1),
            DataBuffers.of(x, true, false).narrow(n * (long) FaceDataset.PIXELS));
        TInt64 st = TInt64.vectorOf(seed)) {
      session.runner().feed(input, xt).feed(stepSeed, st).addTarget(statisticsUpdate).run().close();
    }
  }

  /** The current L2 penalty (added to validation loss, as Keras does). */
  public float penalty() {
    try (Result r = session.runner().fetch(penalty).run()) {
      return ((TFloat32) r.get(0)).getFloat();
    }
  }

  private static <T extends Tensor> T track(List<Tensor> open, T t) {
    open.add(t);
    return t;
  }
}
