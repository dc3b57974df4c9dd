package org.fertk.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.fertk.data.FaceDataset;
import org.fertk.data.SyntheticFaces;
import org.fertk.export.OnnxExport;
import org.fertk.onnx.tf.Layouts;
import org.fertk.onnx.tf.TfToOnnxConverter;
import org.fertk.score.TfEngine;
import org.fertk.FerException;
import org.fertk.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden fixtures written by Keras 3 itself (src/test/keras/make_fixtures.py): every tiny model,
 * as a .keras archive and as a Keras 2-style .h5 file, imports and gives Keras' probabilities for
 * the same faces within 1e-5; its ONNX export passes the parity check.
 */
class KerasFixturesTest {
  private static final Path DIR = Path.of("src/test/resources/keras");
  private static final FaceDataset SAMPLES = new SyntheticFaces(5).generate(32, 0);

  @TempDir
  static Path tmp;

  static Stream<Arguments> fixtures() {
    return Stream.concat(Stream.of("conv_stack", "separable", "merges", "attention", "recurrent", "preprocessing")
        .flatMap(n -> Stream.of(Arguments.of(n, DIR.resolve(n + ".keras")), Arguments.of(n, DIR.resolve(n + ".h5")))),
        // a model published with Keras 2.0.5 (data/keras/README.md)
        Stream.of(Arguments.of("published_mini_xception", Path.of("data/keras/fer2013_mini_XCEPTION.102-0.66.hdf5"))));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("fixtures")
  void importsAndMatchesKeras(String name, Path file) {
    String ext = file.getFileName().toString().replaceAll(".*\\.", "");
    JsonNode golden = Json.read(DIR.resolve(name + ".json"));
    JsonNode opt = golden.get("options");
    KerasImport.Options options = new KerasImport.Options(opt.has("input_size") ? opt.get("input_size").asInt() : null,
        opt.path("scale").asText("0..1"));
    Path run = tmp.resolve(name + "-" + ext);
    KerasImport.run(file, run, options, 1);

    JsonNode faces = golden.get("faces");
    int n = faces.size();
    FloatBuffer x = FloatBuffer.allocate(n * FaceDataset.PIXELS);
    faces.forEach(f -> f.forEach(v -> x.put((float) v.asDouble())));
    x.flip();
    float[] probs;
    try (TfEngine tf = TfEngine.open(run, 1)) {
      probs = tf.predict(x, n);
    }
    double worst = 0;
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < 7; k++) {
        worst = Math.max(worst, Math.abs(probs[i * 7 + k] - golden.get("probs").get(i).get(k).asDouble()));
      }
    }
    assertTrue(worst <= 1e-5, name + "." + ext + ": largest difference from Keras " + worst);

    OnnxExport.Result r = OnnxExport.export(run, null, new TfToOnnxConverter.Options(17, new Layouts()), SAMPLES, 1e-5, 1);
    assertTrue(r.parity().passed(), r.parity().table().toMarkdown());
  }

  @Test
  void preprocessingIsBuiltIntoTheGraph() {
    Path run = tmp.resolve("pre");
    KerasImport.Result r = KerasImport.run(DIR.resolve("preprocessing.keras"), run, new KerasImport.Options(null, "-1..1"), 1);
    assertEquals(64, r.inputSize());
    assertEquals("import_resizing", r.network().layers().get(0).name());
    assertEquals("import_rescaling", r.network().layers().get(1).name());
    JsonNode manifest = Json.read(run.resolve("manifest.json"));
    assertEquals("-1.0..1.0", manifest.path("imported_from").path("input_range").asText());
    FerException wrong = assertThrows(FerException.class,
        () -> KerasImport.run(DIR.resolve("preprocessing.keras"), tmp.resolve("pre2"), new KerasImport.Options(96, "0..1"), 1));
    assertEquals("input_size 96 contradicts the model's own input, 64x64", wrong.getMessage());
    FerException scale = assertThrows(FerException.class, () -> KerasImport.parseScale("0-255"));
    assertTrue(scale.getMessage().startsWith("scale: expected the model's input range"), scale.getMessage());
  }

  @Test
  void unknownLayersAreListedTogetherWithCounts() throws IOException {
    // the conv_stack archive with two of its layers renamed to classes the toolkit does not have
    Path src = DIR.resolve("conv_stack.keras");
    Path bad = tmp.resolve("unknown.keras");
    try (ZipFile in = new ZipFile(src.toFile()); ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(bad))) {
      for (ZipEntry e : Collections.list(in.entries())) {
        byte[] b = in.getInputStream(e).readAllBytes();
        if (e.getName().equals("config.json")) {
          b = new String(b, StandardCharsets.UTF_8)
              .replace("\"class_name\": \"MaxPooling2D\"", "\"class_name\": \"FancyPooling\"")
              .replace("\"class_name\": \"AveragePooling2D\"", "\"class_name\": \"FancyPooling\"")
              .replace("\"class_name\": \"Dropout\"", "\"class_name\": \"GaussianDropout\"")
              .getBytes(StandardCharsets.UTF_8);
        }
        out.putNextEntry(new ZipEntry(e.getName()));
        out.write(b);
        out.closeEntry();
      }
    }
    FerException e = assertThrows(FerException.class,
        () -> KerasImport.run(bad, tmp.resolve("unknown"), KerasImport.Options.defaults(), 1));
    assertTrue(e.getMessage().startsWith(bad + ": unknown layer classes: 'FancyPooling' x2 (layer 'max_pool', layer 'avg_pool'), "
        + "'GaussianDropout' x1 (layer 'dropout')"), e.getMessage());
    assertTrue(Files.notExists(tmp.resolve("unknown")), "nothing written");
  }

  @Test
  void notAModelFile() throws IOException {
    Path txt = tmp.resolve("model.h5");
    Files.writeString(txt, "not hdf5");
    FerException e = assertThrows(FerException.class, () -> KerasImport.run(txt, tmp.resolve("x"), KerasImport.Options.defaults(), 1));
    assertTrue(e.getMessage().startsWith(txt + ": not an HDF5 file"), e.getMessage());
    Path zip = tmp.resolve("model.keras");
    Files.writeString(zip, "not a zip");
    FerException z = assertThrows(FerException.class, () -> KerasImport.run(zip, tmp.resolve("y"), KerasImport.Options.defaults(), 1));
    assertTrue(z.getMessage().startsWith(zip + ": not a Keras 3 archive"), z.getMessage());
  }
}
