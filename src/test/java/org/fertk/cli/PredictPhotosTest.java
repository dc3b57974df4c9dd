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
    // issue 35, item 11: a cut-short JPEG is named, not classified from its grey half
    CliTest.Run t = CliTest.run("predict", truncated.toString());
    assertEquals(1, t.code(), t.out());
    assertTrue(t.err().contains(truncated + ": the picture is damaged or cut short ("),
        t.err());
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

  /** An EXIF APP1 segment holding only the orientation tag (big-endian TIFF, one IFD entry). */
  static byte[] withOrientation(byte[] jpeg, int orientation) {
    byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0,
        0, 0, 0, 0};
    byte[] exif = new byte[6 + tiff.length];
    System.arraycopy("Exif".getBytes(), 0, exif, 0, 4);
    System.arraycopy(tiff, 0, exif, 6, tiff.length);
    int app0 = 4 + (((jpeg[4] & 0xff) << 8) | (jpeg[5] & 0xff)); // after SOI and the JFIF segment
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(jpeg, 0, app0);
    out.write(0xff);
    out.write(0xe1);
    out.write((exif.length + 2) >> 8);
    out.write((exif.length + 2) & 0xff);
    out.write(exif, 0, exif.length);
    out.write(jpeg, app0, jpeg.length - app0);
    return out.toByteArray();
  }

  /** Issue 35, item 11: a phone's portrait, stored sideways with an orientation tag, is turned upright. */
  @Test
  void exifOrientationTurnsASidewaysPhotoUpright() throws Exception {
    BufferedImage upright = Photos.read(Photos.HOPPER);
    int w = upright.getWidth();
    int h = upright.getHeight();
    BufferedImage stored = new BufferedImage(h, w, BufferedImage.TYPE_3BYTE_BGR); // turned 90 degrees anticlockwise
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        stored.setRGB(y, w - 1 - x, upright.getRGB(x, y));
      }
    }
    java.io.ByteArrayOutputStream jpeg = new java.io.ByteArrayOutputStream();
    ImageIO.write(stored, "jpg", jpeg);
    Path sideways = Files.write(dir.resolve("sideways.jpg"), jpeg.toByteArray());
    Path tagged = Files.write(dir.resolve("phone.jpg"), withOrientation(jpeg.toByteArray(), 6));
    BufferedImage shown = org.fertk.data.FaceImages.decode(tagged, Long.MAX_VALUE);
    assertEquals(w, shown.getWidth());
    assertEquals(h, shown.getHeight());
    CliTest.Run plain = CliTest.run("predict", sideways.toString());
    assertTrue(plain.out().contains("no face found"), "the stored picture lies on its side: " + plain.out());
    CliTest.Run r = CliTest.run("predict", tagged.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains(tagged + ": face 1 at"), r.out());
  }
}
