package org.fertk.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.fertk.data.DatasetLoader;
import org.fertk.Emotion;
import org.fertk.data.FaceDataset;
import org.fertk.data.ReadOptions;
import org.fertk.score.OrtEngine;
import org.fertk.data.Scores;
import org.fertk.score.Scorer;
import org.fertk.score.TestTimeAugmentation;
import org.fertk.util.Progress;
import org.junit.jupiter.api.Test;

/** The README's "Use from Java" example, run as written (keep the two in step). */
class ReadmeExampleTest {
  @Test
  void classifyImagesWithTheShippedModel() {
    // --- README example starts
    FaceDataset faces = DatasetLoader.load(
        List.of(Path.of("data/faces/synthetic-happy.png"), Path.of("data/faces/synthetic-sad.png")),
        ReadOptions.STRICT.withRequireLabels(false), false).dataset();
    try (OrtEngine model = OrtEngine.open(Path.of("models/best"), 0)) {  // a folder or an .onnx file
      Scores scores = new Scorer(List.of(model), 64, TestTimeAugmentation.NONE).score(faces, Progress.NONE).scores();
      for (int i = 0; i < faces.size(); i++) {
        Emotion e = Emotion.of(scores.argmax(i));
        System.out.printf("%s: %s %.1f%%%n", faces.name(i), e.key(), 100 * scores.probability(i, e.ordinal()));
      }
      // --- README example ends
      assertEquals(2, scores.size());
      assertTrue(Emotion.of(scores.argmax(0)) == Emotion.HAPPY, "the happy sample reads as happy");
    }
  }
}
