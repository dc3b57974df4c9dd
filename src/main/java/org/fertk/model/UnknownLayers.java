package org.fertk.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the layer classes a spec or an imported model uses that the toolkit does not know, so
 * that all of them are reported in one message with their counts, not one per attempt.
 */
final class UnknownLayers {
  private final Map<String, List<String>> where = new LinkedHashMap<>();

  void check(String className, String location) {
    if (!className.equals("InputLayer") && LayerRegistry.get(className) == null) {
      where.computeIfAbsent(className, k -> new ArrayList<>()).add(location);
    }
  }

  void throwIfAny() {
    if (where.isEmpty()) {
      return;
    }
    String supported = " (supported: " + LayerRegistry.supported() + ")";
    if (where.size() == 1 && where.values().iterator().next().size() == 1) {
      Map.Entry<String, List<String>> e = where.entrySet().iterator().next();
      throw new SpecException(e.getValue().get(0) + ": unknown layer class '" + e.getKey() + "'" + supported);
    }
    List<String> parts = new ArrayList<>();
    where.forEach((cls, at) -> parts.add("'" + cls + "' x" + at.size() + " (" + String.join(", ", at) + ")"));
    throw new SpecException("unknown layer classes: " + String.join(", ", parts) + supported);
  }
}
