package org.fertk.train;

import com.fasterxml.jackson.core.type.TypeReference;
import java.util.Map;
import org.fertk.util.Json;

/** Callback state objects to and from the JSON-friendly maps that checkpoints keep. */
final class StateMaps {
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private StateMaps() {}

  static Map<String, Object> toMap(Object state) {
    return Json.SNAKE.convertValue(state, MAP);
  }

  static <T> T fromMap(Map<String, Object> map, Class<T> type) {
    return Json.SNAKE.convertValue(map, type);
  }
}
