package org.fertk.util;

import org.fertk.FerException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Pattern;

/** One configured Jackson mapper and helpers that turn parse failures into user errors. */
public final class Json {
  public static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * The mapper for the toolkit's own records (run-config.json, checkpoint state, manifests):
   * snake_case keys, one spelling per setting across plans, files and flags.
   */
  public static final ObjectMapper SNAKE = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  private Json() {}

  /** Writes with snake_case keys. */
  public static String writeSnake(Object value) {
    try {
      return SNAKE.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The tree with every camelCase key of an older file spelled snake_case ({@code swaStart} to
   * {@code swa_start}), recursively; the values under the keys named in {@code opaque} (maps
   * keyed by users' own names) are left as they are.
   */
  public static JsonNode snakeKeys(JsonNode node, String... opaque) {
    if (node.isArray()) {
      ArrayNode a = MAPPER.createArrayNode();
      node.forEach(x -> a.add(snakeKeys(x, opaque)));
      return a;
    }
    if (!node.isObject()) {
      return node;
    }
    ObjectNode o = MAPPER.createObjectNode();
    Set<String> keep = Set.of(opaque);
    node.fields().forEachRemaining(e -> {
      String k = snake(e.getKey());
      o.set(k, keep.contains(k) ? e.getValue() : snakeKeys(e.getValue(), opaque));
    });
    return o;
  }

  /** "swaStart" to "swa_start"; snake_case names pass unchanged. */
  static String snake(String key) {
    StringBuilder sb = new StringBuilder(key.length() + 4);
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (Character.isUpperCase(c)) {
        if (i > 0) {
          sb.append('_');
        }
        sb.append(Character.toLowerCase(c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  public static JsonNode read(Path file) {
    try {
      return MAPPER.readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new FerException(file + ": file not found");
    } catch (JsonProcessingException e) {
      throw new FerException(file + ": invalid JSON " + where(e) + ": " + plain(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new FerException(file + ": cannot read: " + e.getMessage());
    }
  }

  public static JsonNode parse(String text, String what) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new FerException(what + ": invalid JSON " + where(e) + ": " + plain(e.getOriginalMessage()));
    }
  }

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static void writeFile(Path file, Object value) {
    AtomicOutput.writeString(file, write(value) + "\n");
  }

  // Jackson names a second place (where an unclosed array or object began) as
  // "[Source: REDACTED (...); line: 1, column: 12]"; users need only the line and column.
  private static final Pattern JACKSON_SOURCE =
      Pattern.compile("\\[Source: [^;]*; line: (\\d+), column: (\\d+)\\]");

  static String plain(String jacksonMessage) {
    return jacksonMessage == null ? "" : JACKSON_SOURCE.matcher(jacksonMessage).replaceAll("line $1, column $2");
  }

  private static String where(JsonProcessingException e) {
    JsonLocation loc = e.getLocation();
    return loc == null ? "" : "at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
  }
}
