package org.fertk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.fertk.face.Photos;
import org.fertk.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fer predict on photos: one line per face, JSON, annotated copies, and bad inputs among good ones. */
class PredictPhotosTest {
  @TempDir
  Path dir;

  @Test
  void findsTheFacesAndPrintsOneLinePerFace() throws Exception {
    Path group = dir.resolve("group.png");
    ImageIO.write(Photos.group(new BufferedImage[] {Photos.read(Photos.ASTRONAUT), Photos.read(Photos.HOPPER)},
        new double[] {1, 0.8}), "png", group.toFile());
    CliTest.Run r = CliTest.run("predict", Photos.HOPPER.toString(), group.toString());
    assertEquals(0, r.code(), r.err());
    String[] lines = r.out().split("\n");
    assertEquals(3, lines.length, r.out());
    assertTrue(lines[0].matches(Photos.HOPPER + ": face 1 at \\d+,\\d+ \\d+x\\d+: \\w+ \\d+\\.\\d%, .*"), lines[0]);
    assertTrue(lines[1].startsWith(group + ": face 1 at "), lines[1]);
    assertTrue(lines[2].startsWith(group + ": face 2 at "), lines[2]);

    CliTest.Run j = CliTest.run("predict", "--json", "--top", "2", Photos.ASTRONAUT.toString());
    JsonNode faces = Json.MAPPER.readTree(j.out());
    assertEquals(1, faces.size());
    JsonNode f = faces.get(0);
    assertEquals(Photos.ASTRONAUT.toString(), f.path("image").asText());
    assertEquals(1, f.path("face").asInt());
    assertTrue(f.path("box").path("width").asInt() > 48, f.toString());
    assertTrue(f.path("score").asDouble() >= 7, f.toString());
    assertEquals(2, f.path("top").size());
    assertEquals("happy", f.path("top").get(0).path("emotion").asText(), "she smiles");

    // the detector's settings are options: fewer neighbours also keep the space shuttle's "face"
    CliTest.Run loose = CliTest.run("predict", "--min-neighbors", "3", Photos.ASTRONAUT.toString());
    assertEquals(2, loose.out().lines().count(), loose.out());
    assertEquals(2, CliTest.run("predict", "--scale-step", "3", Photos.ASTRONAUT.toString()).code());
  }

  @Test
  void annotatesCopiesAndNeverTheInput() throws Exception {
    Path out = dir.resolve("annotated");
    CliTest.Run r = CliTest.run("predict", "--annotate", out.toString(), Photos.ASTRONAUT.toString(),
        "data/faces/synthetic-happy.png");
    assertEquals(0, r.code(), r.err());
    BufferedImage drawn = ImageIO.read(out.resolve("astronaut.jpg").toFile());
    BufferedImage original = Photos.read(Photos.ASTRONAUT);
    assertEquals(original.getWidth(), drawn.getWidth());
    int changed = 0;
    for (int y = 0; y < drawn.getHeight(); y++) {
      for (int x = 0; x < drawn.getWidth(); x++) {
        changed += Math.abs((drawn.getRGB(x, y) >> 8 & 0xff) - (original.getRGB(x, y) >> 8 & 0xff)) > 60 ? 1 : 0;
      }
    }
    assertTrue(changed > 200, "a box and a label are drawn: " + changed + " pixels changed");
    assertTrue(Files.isRegularFile(out.resolve("synthetic-happy.png")));
    Path copy = Files.copy(Photos.ASTRONAUT, dir.resolve("astronaut.jpg"));
    byte[] before = Files.readAllBytes(copy);
    CliTest.Run over = CliTest.run("predict", "--annotate", dir.toString(), copy.toString());
    assertEquals(1, over.code());
    assertTrue(over.err().contains("is the input"), over.err());
    assertTrue(Arrays.equals(before, Files.readAllBytes(copy)), "the input is untouched");
  }

  @Test
  void aPictureWithoutFacesSaysSoAndBadImagesDoNotStopTheOthers() throws Exception {
    Path blank = dir.resolve("wall.png");
    ImageIO.write(new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB), "png", blank.toFile());
    Path broken = Files.write(dir.resolve("broken.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 1, 2, 3});
    Path truncated = dir.resolve("truncated.jpg");
    byte[] whole = Files.readAllBytes(Photos.HOPPER);
    Files.write(truncated, Arrays.copyOf(whole, whole.length / 3));
    CliTest.Run r = CliTest.run("predict", blank.toString(), broken.toString(), Photos.ASTRONAUT.toString(),
        dir.resolve("missing.png").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains(blank + ": no face found"), r.out());
    assertTrue(r.out().contains(Photos.ASTRONAUT + ": face 1 at"), r.out());
    assertTrue(r.err().contains(broken + ": cannot decode image"), r.err());
    assertTrue(r.err().contains("missing.png: file not found"), r.err());
    assertTrue(r.err().contains("skipped 2 images that could not be read"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
    CliTest.Run t = CliTest.run("predict", truncated.toString());
    assertTrue(t.code() == 0 || t.err().contains(truncated.toString()), "a truncated JPEG decodes partly or is named: " + t.err());
    CliTest.Run none = CliTest.run("predict", broken.toString(), dir.resolve("missing.png").toString());
    assertEquals(1, none.code(), "nothing could be read");
  }

  @Test
  void scoringAFolderOfPhotosWritesOneRowPerFaceAndListsPicturesWithoutOne() throws Exception {
    Path photos = Files.createDirectories(dir.resolve("photos/happy"));
    Files.copy(Photos.ASTRONAUT, photos.resolve("astronaut.jpg"));
    ImageIO.write(Photos.group(new BufferedImage[] {Photos.read(Photos.HOPPER), Photos.read(Photos.ASTRONAUT)},
        new double[] {0.8, 1}), "png", dir.resolve("photos/group.png").toFile());
    ImageIO.write(new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB), "png", dir.resolve("photos/wall.png").toFile());
    Path broken = Files.write(dir.resolve("photos/broken.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 1});
    Path out = dir.resolve("faces.csv");
    CliTest.Run r = CliTest.run("score", "--model", "models/best", "--data", dir.resolve("photos").toString(),
        "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("scored 3 faces in 3 images (1 without a face found)"), r.out());
    assertTrue(r.err().contains(broken + ": cannot decode image"), r.err());
    assertTrue(r.err().contains("skipped 1 image that could not be read; the others were scored"), r.err());
    assertTrue(r.out().contains("no face found: " + dir.resolve("photos/wall.png")), r.out());
    List<String> lines = Files.readAllLines(out);
    assertTrue(lines.get(0).endsWith(",source,face,x,y,width,height"), lines.get(0));
    assertEquals(4, lines.size(), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.matches("\\d+,3,\\d,.*astronaut\\.jpg,1,\\d+,\\d+,\\d+,\\d+")),
        "the class folder gives the label: " + lines);
    assertTrue(lines.stream().filter(l -> l.contains("group.png,")).count() == 2, "two faces in the group: " + lines);
    JsonNode side = Json.read(dir.resolve("faces.json"));
    assertEquals(dir.resolve("photos/wall.png").toString(), side.path("images_without_face").get(0).asText());
  }
}
