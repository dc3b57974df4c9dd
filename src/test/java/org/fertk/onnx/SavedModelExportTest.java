package org.fertk.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiFunction;
import org.fertk.export.SavedModelExport;
import org.fertk.onnx.tf.ConversionException;
import org.fertk.onnx.tf.TfToOnnxConverter;
import org.fertk.FerException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/** SavedModels the toolkit did not write: other tensor names and shapes, and ops it cannot convert. */
class SavedModelExportTest {
  @TempDir
  Path tmp;

  /** A SavedModel with input "features" [N, 10] and output "scores" [N, 5] built by {@code body}. */
  private Path foreign(String name, BiFunction<Ops, Operand<TFloat32>, Operand<TFloat32>> body) {
    Path dir = tmp.resolve(name);
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x = tf.withName("features").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 10)));
      float[][] w = new float[10][5];
      for (int i = 0; i < 10; i++) {
        for (int j = 0; j < 5; j++) {
          w[i][j] = (float) Math.sin(i * 5 + j);
        }
      }
      Variable<TFloat32> kernel = tf.withSubScope("dense").withName("kernel").variable(tf.constant(w));
      Operand<TFloat32> y = tf.withName("scores").identity(body.apply(tf, tf.linalg.matMul(x, kernel)));
      s.initialize();
      SavedModelBundle.exporter(dir.toString()).withSession(s)
          .withSignature(Signature.builder().key("serving_default").input("features", x).output("scores", y).build())
          .export();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  @Test
  void aSavedModelWithOtherNamesAndShapesExportsWithParity() throws Exception {
    Path dir = foreign("dense", (tf, h) -> tf.nn.softmax(tf.math.tanh(tf.math.add(h, tf.constant(0.5f)))));
    Path out = tmp.resolve("dense.onnx");
    SavedModelExport.Result r = SavedModelExport.export(dir, out, TfToOnnxConverter.Options.defaults(), 1e-5, "serving_default");
    assertEquals("features", r.input());
    assertEquals("scores", r.output());
    assertArrayEquals(new long[] {16, 10}, r.inputShape());
    assertTrue(r.maxAbsDiff() < 1e-6, "difference " + r.maxAbsDiff());
    OnnxChecker.check(Files.readAllBytes(out));
  }

  @Test
  void unsupportedOpsAreListedTogetherAndNothingIsWritten() {
    Path dir = foreign("odd", (tf, h) -> tf.math.cumsum(tf.math.abs(tf.math.sign(h)), tf.constant(1)));
    Path out = tmp.resolve("odd.onnx");
    ConversionException e = assertThrows(ConversionException.class,
        () -> SavedModelExport.export(dir, out, TfToOnnxConverter.Options.defaults(), 1e-5, "serving_default"));
    assertTrue(e.getMessage().startsWith("unsupported TF ops: Abs x1, Cumsum x1, Sign x1"), e.getMessage());
    assertTrue(Files.notExists(out));
  }

  @Test
  void aMissingSignatureNamesTheOnesThereAre() {
    Path dir = foreign("sig", (tf, h) -> tf.nn.softmax(h));
    FerException e = assertThrows(FerException.class,
        () -> SavedModelExport.export(dir, tmp.resolve("x.onnx"), TfToOnnxConverter.Options.defaults(), 1e-5, "predict"));
    assertEquals(dir + ": no signature 'predict' (it has: serving_default)", e.getMessage());
  }
}
