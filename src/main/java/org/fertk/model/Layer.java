package org.fertk.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * A Keras-equivalent layer. Like Keras: the constructor validates the config; {@link #build}
 * checks the input shape, computes the output shape and declares the weights; {@link #call} adds
 * the forward ops for training or inference. A layer knows nothing about files or the CLI.
 */
public abstract class Layer {
  protected final String name;
  private final List<Weight> weights = new ArrayList<>();
  private Dims inputDims;
  private Dims outputDims;

  protected Layer(String name) {
    this.name = name;
  }

  public String name() {
    return name;
  }

  /** The Keras class name, e.g. "Conv2D". */
  public abstract String className();

  /** Validates the input shape and declares weights; returns the output shape. */
  public final Dims build(Dims input) {
    return build(List.of(input));
  }

  /** As {@link #build(Dims)} for a layer of a functional graph, given the shapes of all its inputs. */
  public final Dims build(List<Dims> inputs) {
    weights.clear();
    inputDims = inputs.get(0);
    outputDims = computeOutput(inputs);
    return outputDims;
  }

  protected abstract Dims computeOutput(Dims input);

  /** Most layers take one input; merge and attention layers override this to take several. */
  protected Dims computeOutput(List<Dims> inputs) {
    if (inputs.size() != 1) {
      throw new SpecException(className() + " '" + name + "' takes one input, got " + inputs.size());
    }
    return computeOutput(inputs.get(0));
  }

  /** The forward computation on all of the layer's inputs (one, except for merge layers). */
  public Operand<TFloat32> call(GraphContext ctx, List<Operand<TFloat32>> inputs, boolean training) {
    return call(ctx, inputs.get(0), training);
  }

  /** Adds the forward computation. {@code training} selects dropout / batch statistics. */
  public abstract Operand<TFloat32> call(GraphContext ctx, Operand<TFloat32> x, boolean training);

  /** The Keras {@code config} object of this layer (name included). */
  public abstract ObjectNode config();

  /** True when the layer ends in a softmax and can give its logits instead. */
  public boolean endsInSoftmax() {
    return false;
  }

  /** The pre-softmax values (only when {@link #endsInSoftmax()}); used for a stable loss. */
  public Operand<TFloat32> callLogits(GraphContext ctx, Operand<TFloat32> x, boolean training) {
    throw new UnsupportedOperationException(className() + " has no logits");
  }

  protected Weight addWeight(String weightName, int[] shape, Initializer init, boolean trainable,
      double l2) {
    Weight w = new Weight(name, weightName, shape, init, trainable, l2);
    weights.add(w);
    return w;
  }

  public List<Weight> weights() {
    return Collections.unmodifiableList(weights);
  }

  public Dims inputDims() {
    return inputDims;
  }

  public Dims outputDims() {
    return outputDims;
  }

  public long paramCount() {
    return weights.stream().mapToLong(Weight::size).sum();
  }

  /** Multiply-adds x 2 of one image's forward pass (convolutions, dense and recurrent layers). */
  public long flops() {
    return 0;
  }

  public long trainableCount() {
    return weights.stream().filter(Weight::trainable).mapToLong(Weight::size).sum();
  }

  protected SpecException incompatible(Dims input, String why) {
    return new SpecException("Incompatible input shape " + input + " for " + className() + " '"
        + name + "': " + why);
  }

  protected ObjectNode baseConfig() {
    ObjectNode o = LayerConfig.object();
    o.put("name", name);
    return o;
  }
}
