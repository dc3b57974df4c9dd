package org.fertk.data;

import org.fertk.FerException;
import org.fertk.util.SettingException;

/**
 * How to cut a dataset into train / validation / test.
 *
 * <ul>
 *   <li>{@code usage}: train = Training rows, test = PublicTest rows (PrivateTest is never used
 *       for model selection); validation = a stratified fraction of Training when {@code
 *       valFraction > 0}, else the test split itself (as Keras users pass validation_data).
 *   <li>{@code random}: a stratified random split of the whole file (the study's 80/20), then
 *       optionally a validation fraction carved out of the training part.
 * </ul>
 */
public record SplitSpec(String mode, double testFraction, double valFraction, long seed) {
  public static final SplitSpec DEFAULT = new SplitSpec("usage", 0.2, 0.0, 42);

  public SplitSpec {
    if (!mode.equals("usage") && !mode.equals("random")) {
      throw new SettingException("split must be 'usage' or 'random', got '" + mode + "'", "split");
    }
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new SettingException("test_fraction must be between 0 and 1 (exclusive), got " + testFraction, "test_fraction");
    }
    if (!(valFraction >= 0 && valFraction < 1)) {
      throw new SettingException("val_fraction must be in [0,1), got " + valFraction, "val_fraction");
    }
  }

  /** The three parts; {@code valIsTest} tells when validation is the test split itself. */
  public record DataSplit(FaceDataset train, FaceDataset val, FaceDataset test, boolean valIsTest) {}

  public DataSplit apply(FaceDataset data) {
    int[] train;
    int[] test;
    if (mode.equals("usage")) {
      if (!data.hasUsage()) {
        throw new FerException(data.source() + ": has no Usage column; use " + FerException.setting("split") + " random");
      }
      train = data.indicesOf(Usage.TRAINING);
      test = data.indicesOf(Usage.PUBLIC_TEST);
      if (train.length == 0) {
        throw new FerException(data.source() + ": no Training rows for " + FerException.setting("split") + " usage");
      }
      if (test.length == 0) {
        throw new FerException(data.source() + ": no PublicTest rows for " + FerException.setting("split") + " usage");
      }
    } else {
      Splits.Parts p = Splits.stratified(data, Splits.all(data), testFraction, seed);
      train = p.kept();
      test = p.heldOut();
    }
    FaceDataset testSet = data.select(test);
    if (valFraction > 0) {
      Splits.Parts tv = Splits.stratified(data, train, valFraction, seed + 1);
      return new DataSplit(data.select(tv.kept()), data.select(tv.heldOut()), testSet, false);
    }
    return new DataSplit(data.select(train), testSet, testSet, true);
  }
}
