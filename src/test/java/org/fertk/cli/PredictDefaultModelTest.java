package org.fertk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.fertk.data.SampleFaces;
import org.fertk.util.Json;
import org.junit.jupiter.api.Test;

/** On a fresh clone, predict works without --model: the shipped model under models/ is its default. */
class PredictDefaultModelTest {
  @Test
  void predictWithoutModelUsesTheShippedDefault() throws Exception {
    List<Path> images = SampleFaces.files();
    assertTrue(images.size() >= 7, "data/faces has a sample face per class");
    String[] args = Stream.concat(Stream.of("predict", "--json"), images.stream().map(Path::toString))
        .toArray(String[]::new);
    CliTest.Run r = CliTest.run(args);
    assertEquals(0, r.code(), r.err());
    JsonNode out = Json.MAPPER.readTree(r.out());
    assertEquals(images.size(), out.size());
    for (JsonNode o : out) {
      assertEquals(3, o.path("top").size(), o.toString());
      double p0 = o.path("top").get(0).path("probability").asDouble();
      double p1 = o.path("top").get(1).path("probability").asDouble();
      assertTrue(p0 >= p1 && p0 > 0, o.toString());
    }
  }
}
