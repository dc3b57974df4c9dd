package org.fertk.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.fertk.model.Network;
import org.fertk.FerException;
import org.fertk.util.Json;
import org.fertk.util.MemoryBudget;

/**
 * A Keras model file, read without Python or a native HDF5 library: a Keras 3 {@code .keras}
 * archive (config.json and model.weights.h5, where a layer's variables sit under
 * {@code layers/<class name in snake case, numbered>/vars/<i>}) or a Keras 2-era HDF5 file
 * ({@code model_config} attribute, {@code model_weights/<layer>} groups listing their
 * {@code weight_names}).
 */
final class KerasModelFile implements AutoCloseable {
  /** One stored weight array: its name in the file, shape and values (row-major, as TF). */
  record Array(String name, int[] shape, float[] values) {}

  private final Path path;
  private final HdfFile hdf;
  private final JsonNode config;
  private final boolean keras3;
  private final String kerasVersion;
  private final String backend;

  private KerasModelFile(Path path, HdfFile hdf, JsonNode config, boolean keras3, String version, String backend) {
    this.path = path;
    this.hdf = hdf;
    this.config = config;
    this.keras3 = keras3;
    this.kerasVersion = version;
    this.backend = backend;
  }

  static KerasModelFile open(Path path) {
    if (!Files.isRegularFile(path)) {
      throw new FerException(path + ": file not found");
    }
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    try {
      if (name.endsWith(".keras")) {
        return openKeras3(path);
      }
      if (name.endsWith(".h5") || name.endsWith(".hdf5")) {
        return openHdf5(path);
      }
    } catch (FerException e) {
      throw e;
    } catch (RuntimeException | IOException e) {
      throw new FerException(path + ": not a readable Keras model file (" + e.getMessage() + ")");
    }
    throw new FerException(path + ": expected a Keras model file (.keras, .h5 or .hdf5)");
  }

  private static KerasModelFile openKeras3(Path path) throws IOException {
    try (ZipFile zip = new ZipFile(path.toFile())) {
      JsonNode config = Json.parse(new String(read(zip, path, "config.json"), StandardCharsets.UTF_8),
          path + "!config.json");
      JsonNode meta = zip.getEntry("metadata.json") == null ? null
          : Json.parse(new String(read(zip, path, "metadata.json"), StandardCharsets.UTF_8), path + "!metadata.json");
      HdfFile hdf = HdfFile.fromBytes(read(zip, path, "model.weights.h5"));
      return new KerasModelFile(path, hdf, config, true, meta == null ? "3" : meta.path("keras_version").asText("3"),
          config.path("backend").asText(meta == null ? "" : meta.path("backend").asText("")));
    } catch (ZipException e) {
      throw new FerException(path + ": not a Keras 3 archive (not a zip file: " + e.getMessage() + ")");
    }
  }

  private static byte[] read(ZipFile zip, Path path, String entry) throws IOException {
    ZipEntry e = zip.getEntry(entry);
    if (e == null) {
      throw new FerException(path + ": not a Keras 3 archive (no " + entry + " inside)");
    }
    // a zip entry may inflate a thousandfold (a 3 MB file to 3 GB): read no more than the heap
    // can hold, whatever size the entry declares
    String what = path + "!" + entry;
    long limit = Math.min(MemoryBudget.MAX_ARRAY, MemoryBudget.available() / 3);
    if (e.getSize() > 0) {
      MemoryBudget.checkArray(what + " (" + e.getSize() + " bytes inflated)", e.getSize());
      MemoryBudget.check(what + " (" + e.getSize() + " bytes inflated)", e.getSize() * 3);
    }
    try (InputStream in = zip.getInputStream(e)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(e.getSize() > 0 ? (int) e.getSize() : 1 << 16);
      byte[] buf = new byte[1 << 16];
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        out.write(buf, 0, n);
        if (out.size() > limit) {
          MemoryBudget.check(what + " (inflating past " + out.size() + " bytes)", out.size() * 3L);
          MemoryBudget.checkArray(what + " (inflating past " + out.size() + " bytes)", out.size() * 2L);
          limit = Math.min(MemoryBudget.MAX_ARRAY, MemoryBudget.available() / 3);
        }
      }
      return out.toByteArray();
    }
  }

  private static KerasModelFile openHdf5(Path path) {
    HdfFile hdf;
    try {
      hdf = new HdfFile(path);
    } catch (RuntimeException e) {
      throw new FerException(path + ": not an HDF5 file (" + e.getMessage() + ")");
    }
    Attribute cfg = hdf.getAttribute("model_config");
    if (cfg == null) {
      hdf.close();
      throw new FerException(path + ": an HDF5 file without a `model_config` attribute: only weights, not a whole "
          + "Keras model (save it with model.save)");
    }
    JsonNode config = Json.parse(text(cfg.getData()), path + " model_config");
    return new KerasModelFile(path, hdf, config, false, attrText(hdf, "keras_version"), attrText(hdf, "backend"));
  }

  private static String attrText(Node n, String key) {
    Attribute a = n.getAttribute(key);
    return a == null ? "" : text(a.getData());
  }

  private static String text(Object data) {
    if (data instanceof String s) {
      return s;
    }
    if (data instanceof String[] arr && arr.length == 1) {
      return arr[0];
    }
    if (data instanceof byte[] b) {
      return new String(b, StandardCharsets.UTF_8);
    }
    return String.valueOf(data);
  }

  Path path() {
    return path;
  }

  /** The model's Keras config ({@code {"class_name": "Functional" | "Model" | "Sequential", ...}}). */
  JsonNode config() {
    return config;
  }

  String kerasVersion() {
    return kerasVersion;
  }

  String backend() {
    return backend;
  }

  String format() {
    return keras3 ? "Keras 3 .keras archive" : "Keras HDF5 (.h5)";
  }

  /**
   * The stored arrays of each layer, in Keras' order. {@code layers} lists (name, class) in the
   * config's order: Keras 3 archives key a layer by its class and position among layers of that
   * class, not by its name.
   */
  Map<String, List<Array>> weights(List<String[]> layers) {
    Map<String, List<Array>> out = new HashMap<>();
    Map<String, Integer> seen = new HashMap<>();
    for (String[] l : layers) {
      String stem = Network.defaultNameStem(l[1]);
      int k = seen.merge(stem, 1, Integer::sum) - 1;
      out.put(l[0], keras3 ? keras3Arrays("layers/" + (k == 0 ? stem : stem + "_" + k), l[1]) : keras2Arrays(l[0]));
    }
    return out;
  }

  private List<Array> keras3Arrays(String group, String cls) {
    List<Array> out = new ArrayList<>();
    List<String> parts = switch (cls) {
      case "MultiHeadAttention" -> List.of("/query_dense", "/key_dense", "/value_dense", "/output_dense");
      case "LSTM", "GRU", "SimpleRNN" -> List.of("/cell");
      case "TimeDistributed", "Bidirectional" -> List.of("/layer");
      default -> List.of("");
    };
    for (String p : parts) {
      Node vars = find(group + p + "/vars");
      if (vars instanceof Group g) {
        for (int i = 0; g.getChild(String.valueOf(i)) != null; i++) {
          out.add(array(group + p + "/vars/" + i));
        }
      }
    }
    return out;
  }

  private List<Array> keras2Arrays(String layer) {
    Node g = find("model_weights/" + layer);
    if (g == null) {
      g = find(layer); // files written by save_weights have the layer groups at the top
    }
    List<Array> out = new ArrayList<>();
    if (g == null) {
      return out;
    }
    Attribute names = g.getAttribute("weight_names");
    if (names == null) {
      return out;
    }
    Object data = names.getData();
    String[] list = data instanceof String[] s ? s : data instanceof String s ? new String[] {s} : new String[0];
    for (String w : list) {
      out.add(array(g.getPath() + w));
    }
    return out;
  }

  private Node find(String p) {
    try {
      return hdf.getByPath(p);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private Array array(String p) {
    Dataset d;
    try {
      d = hdf.getDatasetByPath(p);
    } catch (RuntimeException e) {
      throw new FerException(path + ": weight " + p + " is missing or unreadable (" + e.getMessage() + ")");
    }
    Object flat = d.getDataFlat();
    float[] v;
    if (flat instanceof float[] f) {
      v = f;
    } else if (flat instanceof double[] dd) {
      v = new float[dd.length];
      for (int i = 0; i < dd.length; i++) {
        v[i] = (float) dd[i];
      }
    } else {
      throw new FerException(path + ": weight " + p + " holds " + d.getJavaType().getSimpleName()
          + ", expected float32 or float64");
    }
    return new Array(p, d.getDimensions(), v);
  }

  @Override
  public void close() {
    hdf.close();
  }
}
