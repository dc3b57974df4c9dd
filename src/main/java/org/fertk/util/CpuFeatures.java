package org.fertk.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What the processor offers, from Linux's /proc/cpuinfo (empty elsewhere): training speed depends
 * on it (bfloat16 runs natively only with AVX512_BF16 or AMX), so manifests record it.
 */
public final class CpuFeatures {
  private static final Path CPUINFO = Path.of("/proc/cpuinfo");
  private static final CpuFeatures THIS_MACHINE = read(CPUINFO);

  private final String model;
  private final Set<String> flags;

  CpuFeatures(String model, Set<String> flags) {
    this.model = model;
    this.flags = flags;
  }

  public static CpuFeatures thisMachine() {
    return THIS_MACHINE;
  }

  /** The first processor's model name and flags; unknown (empty) when the file cannot be read. */
  static CpuFeatures read(Path cpuinfo) {
    List<String> lines;
    try {
      lines = Files.readAllLines(cpuinfo);
    } catch (IOException | RuntimeException e) {
      return new CpuFeatures(null, null);
    }
    return parse(lines);
  }

  static CpuFeatures parse(List<String> lines) {
    String model = null;
    Set<String> flags = null;
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String key = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      if (model == null && key.equals("model name")) {
        model = value;
      } else if (flags == null && key.equals("flags")) {
        flags = Set.copyOf(Arrays.asList(value.isEmpty() ? new String[0] : value.split("\\s+")));
      }
    }
    return new CpuFeatures(model, flags);
  }

  /** The model name, e.g. "AMD EPYC", if known. */
  public Optional<String> model() {
    return Optional.ofNullable(model);
  }

  /**
   * Whether bfloat16 dot products run in hardware (AVX512_BF16 or AMX); empty when unknown.
   * Without them TensorFlow emulates bfloat16 (on AVX-512) or leaves the graph in float32.
   */
  public Optional<Boolean> nativeBfloat16() {
    return flags == null ? Optional.empty()
        : Optional.of(flags.contains("avx512_bf16") || flags.contains("amx_bf16"));
  }

  /** Whether the processor lists this /proc/cpuinfo flag (false when unknown). */
  public boolean hasFlag(String flag) {
    return flags != null && flags.contains(flag);
  }

  /**
   * One line for manifests and benchmark output: model, cores, bfloat16 support, and whether
   * TensorFlow runs its oneDNN kernels (1.7-2x the training speed of its default kernels on the
   * AVX2 machines here, where TensorFlow leaves them off unless TF_ENABLE_ONEDNN_OPTS asks).
   */
  public String describe() {
    return model().orElse("unknown processor") + ", " + Runtime.getRuntime().availableProcessors() + " cores"
        + nativeBfloat16().map(b -> b ? ", bfloat16 in hardware" : ", no bfloat16 in hardware").orElse("")
        + ", " + oneDnn(System.getenv(ONEDNN_VARIABLE));
  }

  /** The environment variable TensorFlow reads once, when its native library starts. */
  private static final String ONEDNN_VARIABLE = "TF_ENABLE_ONEDNN_OPTS";

  /** What TensorFlow makes of the variable's value (it accepts 1/0 and true/false). */
  static String oneDnn(String value) {
    if (value == null || value.isBlank()) {
      return "oneDNN kernels: TensorFlow's default for this processor";
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    return v.equals("1") || v.equals("true") ? "oneDNN kernels on"
        : v.equals("0") || v.equals("false") ? "oneDNN kernels off"
        : "oneDNN kernels: TensorFlow's default (" + ONEDNN_VARIABLE + "='" + value + "' is not 0/1/true/false)";
  }
}
