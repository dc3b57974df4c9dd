package org.fertk.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Keras weight initializers, computed in Java from a seeded generator so a run is reproducible.
 * Fans follow Keras: a kernel of shape (..., in, out) has fan_in = receptive field * in and
 * fan_out = receptive field * out.
 */
public record Initializer(String kind, double a, double b) {
  public static final Initializer GLOROT_UNIFORM = new Initializer("GlorotUniform", 0, 0);
  public static final Initializer ZEROS = new Initializer("Zeros", 0, 0);
  public static final Initializer ONES = new Initializer("Ones", 0, 0);
  public static final Initializer ORTHOGONAL = new Initializer("Orthogonal", 1, 0);

  /** Parses {"class_name": "GlorotUniform", "config": {...}} or a string such as "he_normal". */
  public static Initializer parse(LayerConfig c, String key, Initializer dflt) {
    JsonNode v = c.raw(key);
    if (v == null || v.isNull()) {
      return dflt;
    }
    String name;
    JsonNode cfg = null;
    if (v.isTextual()) {
      name = v.textValue();
    } else if (v.isObject() && v.has("class_name")) {
      name = v.get("class_name").asText();
      cfg = v.get("config");
    } else {
      throw c.invalid(key, "an initializer name or {\"class_name\": ..., \"config\": ...}", v);
    }
    String n = name.replace("_", "").toLowerCase(Locale.ROOT);
    switch (n) {
      case "glorotuniform":
        return new Initializer("GlorotUniform", 0, 0);
      case "glorotnormal":
        return new Initializer("GlorotNormal", 0, 0);
      case "heuniform":
        return new Initializer("HeUniform", 0, 0);
      case "henormal":
        return new Initializer("HeNormal", 0, 0);
      case "zeros":
        return ZEROS;
      case "ones":
        return ONES;
      case "orthogonal":
        return new Initializer("Orthogonal", num(cfg, "gain", 1.0), 0);
      case "constant":
        return new Initializer("Constant", num(cfg, "value", 0.0), 0);
      case "randomnormal":
        return new Initializer("RandomNormal", num(cfg, "mean", 0.0), num(cfg, "stddev", 0.05));
      case "randomuniform":
        return new Initializer("RandomUniform", num(cfg, "minval", -0.05), num(cfg, "maxval", 0.05));
      case "truncatednormal":
        return new Initializer("TruncatedNormal", num(cfg, "mean", 0.0), num(cfg, "stddev", 0.05));
      case "variancescaling": {
        // Keras 2 wrote Glorot and He initializers as VarianceScaling with these settings
        double scale = num(cfg, "scale", 1.0);
        String mode = cfg == null ? "fan_in" : cfg.path("mode").asText("fan_in");
        String dist = cfg == null ? "truncated_normal" : cfg.path("distribution").asText("truncated_normal");
        boolean uniform = dist.equals("uniform");
        if (scale == 1.0 && mode.equals("fan_avg")) {
          return new Initializer(uniform ? "GlorotUniform" : "GlorotNormal", 0, 0);
        }
        if (scale == 2.0 && mode.equals("fan_in")) {
          return new Initializer(uniform ? "HeUniform" : "HeNormal", 0, 0);
        }
        throw c.invalid(key, "VarianceScaling as Glorot (scale 1, fan_avg) or He (scale 2, fan_in)", v);
      }
      default:
        throw c.invalid(key, "one of GlorotUniform, GlorotNormal, HeUniform, HeNormal, Zeros, Ones, "
            + "Orthogonal, Constant, RandomNormal, RandomUniform, TruncatedNormal", "'" + name + "'");
    }
  }

  private static double num(JsonNode cfg, String k, double d) {
    return cfg != null && cfg.has(k) && cfg.get(k).isNumber() ? cfg.get(k).doubleValue() : d;
  }

  public ObjectNode toJson() {
    ObjectNode o = LayerConfig.object();
    o.put("class_name", kind);
    ObjectNode cfg = o.putObject("config");
    switch (kind) {
      case "Orthogonal":
        cfg.put("gain", a);
        break;
      case "Constant":
        cfg.put("value", a);
        break;
      case "RandomNormal":
      case "TruncatedNormal":
        cfg.put("mean", a).put("stddev", b);
        break;
      case "RandomUniform":
        cfg.put("minval", a).put("maxval", b);
        break;
      default:
        break;
    }
    return o;
  }

  /** Initial values for a weight of the given shape (row-major, as TF stores it). */
  public float[] values(int[] shape, SplittableRandom rng) {
    int n = 1;
    for (int s : shape) {
      n *= s;
    }
    float[] v = new float[n];
    double fanIn;
    double fanOut;
    if (shape.length == 0) {
      fanIn = fanOut = 1;
    } else if (shape.length == 1) {
      fanIn = fanOut = shape[0];
    } else {
      double receptive = 1;
      for (int i = 0; i < shape.length - 2; i++) {
        receptive *= shape[i];
      }
      fanIn = receptive * shape[shape.length - 2];
      fanOut = receptive * shape[shape.length - 1];
    }
    switch (kind) {
      case "GlorotUniform":
        fillUniform(v, Math.sqrt(6.0 / (fanIn + fanOut)), rng);
        break;
      case "HeUniform":
        fillUniform(v, Math.sqrt(6.0 / fanIn), rng);
        break;
      case "GlorotNormal":
        fillTruncated(v, 0, Math.sqrt(2.0 / (fanIn + fanOut)) / 0.87962566103423978, rng);
        break;
      case "HeNormal":
        fillTruncated(v, 0, Math.sqrt(2.0 / fanIn) / 0.87962566103423978, rng);
        break;
      case "Ones":
        Arrays.fill(v, 1f);
        break;
      case "Constant":
        Arrays.fill(v, (float) a);
        break;
      case "RandomNormal":
        for (int i = 0; i < n; i++) {
          v[i] = (float) (a + b * gaussian(rng));
        }
        break;
      case "RandomUniform":
        for (int i = 0; i < n; i++) {
          v[i] = (float) (a + (b - a) * rng.nextDouble());
        }
        break;
      case "TruncatedNormal":
        fillTruncated(v, a, b, rng);
        break;
      case "Orthogonal":
        orthogonal(v, shape, rng);
        break;
      case "UnitForgetBias": // LSTM bias: zeros, except ones for the forget gate block [u, 2u)
        Arrays.fill(v, (int) a, 2 * (int) a, 1f);
        break;
      default: // Zeros
        break;
    }
    return v;
  }

  private static void fillUniform(float[] v, double limit, SplittableRandom rng) {
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) ((rng.nextDouble() * 2 - 1) * limit);
    }
  }

  /** Normal truncated at two standard deviations, as Keras and TF do. */
  private static void fillTruncated(float[] v, double mean, double sd, SplittableRandom rng) {
    for (int i = 0; i < v.length; i++) {
      double g;
      do {
        g = gaussian(rng);
      } while (Math.abs(g) > 2);
      v[i] = (float) (mean + sd * g);
    }
  }

  /**
   * Keras Orthogonal: flatten to (rows = prod(shape[:-1]), cols = shape[-1]), orthonormalise a
   * Gaussian matrix (QR with the sign fix), transpose when rows < cols, scale by the gain.
   */
  private void orthogonal(float[] v, int[] shape, SplittableRandom rng) {
    int cols = shape[shape.length - 1];
    int rows = v.length / cols;
    int big = Math.max(rows, cols);
    int small = Math.min(rows, cols);
    // q: big x small with orthonormal columns (modified Gram-Schmidt on Gaussian columns)
    double[][] q = new double[small][big];
    for (int j = 0; j < small; j++) {
      for (int i = 0; i < big; i++) {
        q[j][i] = gaussian(rng);
      }
      for (int k = 0; k < j; k++) {
        double dot = 0;
        for (int i = 0; i < big; i++) {
          dot += q[j][i] * q[k][i];
        }
        for (int i = 0; i < big; i++) {
          q[j][i] -= dot * q[k][i];
        }
      }
      double norm = 0;
      for (int i = 0; i < big; i++) {
        norm += q[j][i] * q[j][i];
      }
      norm = Math.sqrt(norm);
      for (int i = 0; i < big; i++) {
        q[j][i] /= norm;
      }
    }
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        double val = rows >= cols ? q[c][r] : q[r][c];
        v[r * cols + c] = (float) (a * val);
      }
    }
  }

  private static double gaussian(SplittableRandom r) {
    double u1 = r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2 * Math.log(Math.max(u1, 1e-300))) * Math.cos(2 * Math.PI * u2);
  }
}
