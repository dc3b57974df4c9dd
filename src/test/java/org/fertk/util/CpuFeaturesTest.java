package org.fertk.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CpuFeaturesTest {
  @Test
  void readsTheFirstProcessorsModelAndBfloat16Support() {
    CpuFeatures zen = CpuFeatures.parse(List.of("processor\t: 0", "model name\t: AMD EPYC",
        "flags\t\t: fpu avx512f avx512_bf16 avx512_vnni", "", "processor\t: 1", "model name\t: other",
        "flags\t\t: fpu"));
    assertEquals(Optional.of("AMD EPYC"), zen.model());
    assertEquals(Optional.of(true), zen.nativeBfloat16());
    assertTrue(zen.hasFlag("avx512f"));
    assertTrue(zen.describe().startsWith("AMD EPYC, "), zen.describe());
    assertTrue(zen.describe().contains(" cores, bfloat16 in hardware, oneDNN kernels"), zen.describe());

    CpuFeatures amx = CpuFeatures.parse(List.of("model name : Xeon", "flags : avx512f amx_bf16 amx_tile avx512f"));
    assertEquals(Optional.of(true), amx.nativeBfloat16());
    CpuFeatures old = CpuFeatures.parse(List.of("model name : Core", "flags : sse avx2 fma"));
    assertEquals(Optional.of(false), old.nativeBfloat16());
    assertTrue(old.describe().contains("no bfloat16 in hardware, oneDNN kernels"), old.describe());
  }

  @Test
  void anUnreadableFileMeansUnknownNotAbsent() {
    CpuFeatures none = CpuFeatures.read(Path.of("no/such/cpuinfo"));
    assertEquals(Optional.empty(), none.model());
    assertEquals(Optional.empty(), none.nativeBfloat16());
    assertFalse(none.hasFlag("avx512f"));
    assertTrue(none.describe().startsWith("unknown processor, "), none.describe());
  }

  @Test
  void namesTheOneDnnSettingTensorFlowWillRead() {
    assertEquals("oneDNN kernels on", CpuFeatures.oneDnn("1"));
    assertEquals("oneDNN kernels on", CpuFeatures.oneDnn("True"));
    assertEquals("oneDNN kernels off", CpuFeatures.oneDnn("0"));
    assertEquals("oneDNN kernels off", CpuFeatures.oneDnn("false"));
    assertEquals("oneDNN kernels: TensorFlow's default for this processor", CpuFeatures.oneDnn(null));
    assertTrue(CpuFeatures.oneDnn("yes").contains("TF_ENABLE_ONEDNN_OPTS='yes' is not 0/1/true/false"));
  }
}
