package org.fertk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.fertk.data.FaceDataset;
import org.fertk.data.FaceImages;
import org.fertk.face.FaceCrops;
import org.fertk.face.Photos;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** FerModel on photos: faces found, cropped as FER2013 crops them, classified each. */
class FacesInPhotosTest {
  private static FerModel model;

  @BeforeAll
  static void load() {
    model = FerModel.load(Path.of("models/best"));
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static byte[] fer2013Crop(BufferedImage img, FaceBox box) {
    return FaceCrops.crop(FaceImages.grayOf(img), img.getWidth(), img.getHeight(), box);
  }

  @Test
  void eachFaceIsClassifiedFromItsFer2013StyleCrop() {
    BufferedImage hopper = Photos.read(Photos.HOPPER);
    List<DetectedFace> faces = model.predictFaces(hopper);
    assertEquals(1, faces.size());
    Prediction fromCrop = model.predict(FaceImages.toImage(fer2013Crop(hopper, faces.get(0).box())));
    assertEquals(fromCrop, faces.get(0).prediction());
    assertEquals(List.of(), model.predictFaces(new BufferedImage(200, 200, BufferedImage.TYPE_INT_RGB)));
  }

  /**
   * A 48x48 face as FER2013 holds it, enlarged 3-6x and pasted into a larger picture, is found
   * again and framed as FER2013 frames faces. On the smiling astronaut the answer stays the same
   * (largest probability difference 0.012-0.024 where the face is found again, at 3-5x; at 6x the
   * cascade misses it). Grace Hopper's neutral face is the
   * honest counter-example, kept as a check of detection only: the enlarge-and-shrink round trip
   * alone moves her "neutral" from 91% to 68-74%, and the cascade's box, 2-6% off the pasted square,
   * moves it further (neutral 43% at 3x, happy 71% at 4x): the model's answer on a neutral face changes with a few
   * percent of framing.
   */
  @Test
  void aFacePastedIntoALargerPictureIsFoundAgainAndReadsAsTheFaceItself() {
    for (Path photoFile : new Path[] {Photos.ASTRONAUT, Photos.HOPPER}) {
      BufferedImage photo = Photos.read(photoFile);
      byte[] face = fer2013Crop(photo, model.detect(photo).get(0));
      Prediction itself = model.predict(FaceImages.toImage(face));
      int found = 0;
      for (int scale : new int[] {3, 4, 5, 6}) {
        int side = FaceDataset.SIDE * scale;
        int canvas = side * 5 / 2;
        BufferedImage img = new BufferedImage(canvas, canvas, BufferedImage.TYPE_BYTE_GRAY);
        byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        Arrays.fill(px, (byte) 128); // a plain mid-grey wall
        byte[] big = FaceImages.scale(face, FaceDataset.SIDE, FaceDataset.SIDE, side, side);
        int x0 = canvas / 3;
        int y0 = canvas / 4;
        for (int r = 0; r < side; r++) {
          System.arraycopy(big, r * side, px, (y0 + r) * canvas + x0, side);
        }
        FaceBox truth = new FaceBox(x0, y0, side, side, 0);
        DetectedFace best = model.predictFaces(img).stream()
            .max(Comparator.comparingDouble(f -> f.box().iou(truth))).orElse(null);
        String where = photoFile + " x" + scale + ": ";
        System.out.println(where + (best == null ? "none" : best.box() + " iou " + best.box().iou(truth)));
        if (best == null || best.box().iou(truth) < 0.8) {
          continue; // missed: the cascade misses a third of FER2013's faces pasted this way (fer bench faces)
        }
        found++;
        FaceBox framed = FaceCrops.framing(best.box());
        assertTrue(Math.abs(framed.width() - side) < 0.1 * side, where + "framed " + framed + " vs " + truth);
        if (photoFile.equals(Photos.ASTRONAUT)) {
          Prediction pasted = best.prediction();
          assertEquals(itself.emotion(), pasted.emotion(), where + itself + " vs " + pasted);
          for (Emotion e : Emotion.values()) {
            assertEquals(itself.probability(e), pasted.probability(e), 0.05, where + itself + " vs " + pasted);
          }
        }
      }
      assertTrue(found >= 2, photoFile + ": found again at " + found + " of 4 scales");
    }
  }
}
