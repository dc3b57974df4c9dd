package org.fertk.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.fertk.Emotion;
import org.fertk.data.FaceDataset;
import org.fertk.util.AtomicOutput;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RewriterConfig;
import org.tensorflow.types.TFloat32;

/**
 * A TF graph holding a model's variables and its inference path, {@code input [-1,48,48,1]} to
 * {@code probs [-1,7]}, with a session. Subclasses add the training path to the same graph.
 */
public class ModelGraph implements AutoCloseable {
  public static final String INPUT = "input";
  public static final String PROBS = "probs";
  public static final String SIGNATURE = "serving_default";

  protected final Network model;
  protected final Graph graph;
  protected final Ops tf;
  protected final GraphContext ctx;
  protected final Placeholder<TFloat32> input;
  protected final Operand<TFloat32> probs;
  protected Session session;

  protected ModelGraph(Network model) {
    this.model = model;
    this.graph = new Graph();
    this.tf = Ops.create(graph);
    this.ctx = new GraphContext(tf);
    this.input = tf.withName(INPUT).placeholder(TFloat32.class,
        Placeholder.shape(Shape.of(-1, FaceDataset.SIDE, FaceDataset.SIDE, 1)));
    this.probs = tf.withName(PROBS).identity(model.forward(ctx, input, false).probs());
  }

  /** An inference-only graph (what gets exported as a SavedModel). */
  public static ModelGraph inference(Network model, int threads) {
    ModelGraph g = new ModelGraph(model);
    g.openSession(threads);
    return g;
  }

  protected void openSession(int threads) {
    openSession(threads, false);
  }

  protected void openSession(int threads, boolean bfloat16) {
    session = new Session(graph, sessionConfig(threads, bfloat16));
  }

  /** Intra-op threads = cores (0 = all), inter-op 1: a sequential model has little op parallelism. */
  public static ConfigProto sessionConfig(int threads) {
    return sessionConfig(threads, false);
  }

  /**
   * As {@link #sessionConfig(int)}; bfloat16 turns on grappler's oneDNN auto mixed precision,
   * which runs convolutions, matrix products and their gradients in bfloat16 (with casts around
   * them), lets the element-wise, pooling and batch-norm ops between them follow their inputs'
   * type, and keeps variables and their updates, cross-entropy and the L2 penalty in float32.
   */
  public static ConfigProto sessionConfig(int threads, boolean bfloat16) {
    int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    ConfigProto.Builder b = ConfigProto.newBuilder().setIntraOpParallelismThreads(n).setInterOpParallelismThreads(1);
    if (bfloat16) {
      b.getGraphOptionsBuilder().getRewriteOptionsBuilder().setAutoMixedPrecisionOnednnBfloat16(RewriterConfig.Toggle.ON);
    }
    return b.build();
  }

  public Network model() {
    return model;
  }

  public Graph graph() {
    return graph;
  }

  public Session session() {
    return session;
  }

  public GraphContext context() {
    return ctx;
  }

  /** Fresh weights drawn from the layers' initializers. */
  public void initialize(long seed) {
    ctx.initialize(session, seed);
  }

  /** Probabilities for n faces given as n*2304 floats in [0,1]. */
  public float[] predict(float[] pixels, int n) {
    try (TFloat32 x = TFloat32.tensorOf(Shape.of(n, FaceDataset.SIDE, FaceDataset.SIDE, 1),
            DataBuffers.of(pixels, true, false));
        Result r = session.runner().feed(input, x).fetch(probs).run()) {
      float[] out = new float[n * Emotion.COUNT];
      ((TFloat32) r.get(0)).copyTo(DataBuffers.of(out, false, false));
      return out;
    }
  }

  /** Probabilities for faces of a dataset, in batches. */
  public float[] predict(FaceDataset data, int[] idx, int batch) {
    float[] out = new float[idx.length * Emotion.COUNT];
    float[] x = new float[batch * FaceDataset.PIXELS];
    for (int start = 0; start < idx.length; start += batch) {
      int n = Math.min(batch, idx.length - start);
      for (int k = 0; k < n; k++) {
        data.toUnitFloats(idx[start + k], x, k * FaceDataset.PIXELS);
      }
      float[] p = predict(n == batch ? x : Arrays.copyOf(x, n * FaceDataset.PIXELS), n);
      System.arraycopy(p, 0, out, start * Emotion.COUNT, p.length);
    }
    return out;
  }

  /** Saves every variable (weights, moving statistics, optimizer slots) under a prefix. */
  public void saveCheckpoint(Path prefix) {
    session.save(prefix.toString());
  }

  public void restoreCheckpoint(Path prefix) {
    session.restore(prefix.toString());
  }

  /** Writes a SavedModel with signature serving_default: input -> probs. */
  public void exportSavedModel(Path dir) {
    try {
      if (Files.exists(dir)) {
        AtomicOutput.deleteQuietly(dir);
      }
      Files.createDirectories(dir.getParent());
      Signature sig = Signature.builder().key(SIGNATURE).input(INPUT, input).output(PROBS, probs).build();
      SavedModelBundle.exporter(dir.toString()).withSession(session).withSignature(sig).export();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write SavedModel " + dir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (session != null) {
      session.close();
    }
    graph.close();
  }
}
