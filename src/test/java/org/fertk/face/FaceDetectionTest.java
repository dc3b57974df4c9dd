package org.fertk.face;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.fertk.FaceBox;
import org.fertk.data.FaceDataset;
import org.fertk.data.FaceImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** OpenCV's frontal cascade on the committed photos, and the FER2013 framing of its boxes. */
class FaceDetectionTest {
  private static FaceDetector detector;

  @BeforeAll
  static void open() {
    detector = FaceDetector.open(FaceDetector.Options.DEFAULTS);
  }

  @AfterAll
  static void close() {
    detector.close();
  }

  @Test
  void findsTheOneFaceOfEachPortrait() {
    List<FaceBox> hopper = detector.detect(Photos.read(Photos.HOPPER));
    assertEquals(1, hopper.size(), hopper.toString());
    assertTrue(hopper.get(0).iou(Photos.HOPPER_FACE) > 0.7, hopper.toString());
    List<FaceBox> astronaut = detector.detect(Photos.read(Photos.ASTRONAUT));
    assertEquals(1, astronaut.size(), "the face, not the space shuttle: " + astronaut);
    assertTrue(astronaut.get(0).iou(Photos.ASTRONAUT_FACE) > 0.7, astronaut.toString());
  }

  @Test
  void findsEveryFaceOfAGroupLargestFirst() {
    BufferedImage hopper = Photos.read(Photos.HOPPER);
    BufferedImage astronaut = Photos.read(Photos.ASTRONAUT);
    BufferedImage group = Photos.group(new BufferedImage[] {astronaut, hopper, astronaut}, new double[] {1, 0.6, 1.5});
    List<FaceBox> faces = detector.detect(group);
    assertEquals(3, faces.size(), faces.toString());
    assertTrue(faces.get(0).width() >= faces.get(1).width() && faces.get(1).width() >= faces.get(2).width());
    // in picture order: astronaut (62 px), Hopper at 0.6 (about 82 px), astronaut at 1.5 (about 93 px)
    List<FaceBox> byX = faces.stream().sorted(Comparator.comparingInt(FaceBox::x)).toList();
    assertTrue(byX.get(0).iou(Photos.ASTRONAUT_FACE) > 0.6, byX.toString());
    FaceBox small = scaled(Photos.HOPPER_FACE, 0.6, astronaut.getWidth());
    assertTrue(byX.get(1).iou(small) > 0.5, byX + " vs " + small);
    FaceBox large = scaled(Photos.ASTRONAUT_FACE, 1.5, astronaut.getWidth() + (int) (hopper.getWidth() * 0.6));
    assertTrue(byX.get(2).iou(large) > 0.5, byX + " vs " + large);
  }

  private static FaceBox scaled(FaceBox b, double s, int dx) {
    return new FaceBox(dx + (int) (b.x() * s), (int) (b.y() * s), (int) (b.width() * s), (int) (b.height() * s), 0);
  }

  @Test
  void aPictureWithoutFacesGivesNone() {
    BufferedImage blank = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
    assertEquals(List.of(), detector.detect(blank));
  }

  @Test
  void boxesAreFramedAsFer2013FramesItsFaces() {
    FaceBox f = FaceCrops.framing(new FaceBox(100, 50, 100, 100, 9));
    assertEquals(new FaceBox(98, 48, 104, 104, 9), f, "4% larger about the same centre");
    // a crop reaching outside the picture repeats the edge pixels instead of failing
    float[] gray = new float[10 * 10];
    Arrays.fill(gray, 200);
    byte[] px = FaceCrops.crop(gray, 10, 10, new FaceBox(-5, -5, 20, 20, 0));
    byte[] expected = new byte[FaceDataset.PIXELS];
    Arrays.fill(expected, (byte) 200);
    assertArrayEquals(expected, px);
    assertArrayEquals(FaceImages.crop48(gray, 10, 10, 0, 0, 10), FaceImages.crop48(gray, 10, 10, 0, 0, 10));
  }

  @Test
  void iouIsIntersectionOverUnion() {
    FaceBox a = new FaceBox(0, 0, 10, 10, 0);
    assertEquals(1, a.iou(a), 0);
    assertEquals(25.0 / 175, a.iou(new FaceBox(5, 5, 10, 10, 0)), 1e-12);
    assertEquals(0, a.iou(new FaceBox(20, 20, 5, 5, 0)), 0);
  }

  @Test
  void badOptionsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new FaceDetector.Options(8, 1.1, 3));
    assertThrows(IllegalArgumentException.class, () -> new FaceDetector.Options(48, 1.0, 3));
    assertThrows(IllegalArgumentException.class, () -> new FaceDetector.Options(48, 1.1, -1));
  }
}
