package org.fertk.train;

import java.util.List;
import java.util.Locale;
import org.fertk.score.TestTimeAugmentation;
import org.fertk.FerException;
import org.fertk.util.SettingException;

/**
 * Knowledge distillation (Hinton et al. 2015): the student's loss per face is
 * {@code (1 - weight) * CE(targets, softmax(z)) + weight * T^2 * KL(q_T || softmax(z / T))}, where z
 * are the student's logits, targets the (smoothed, mixed) labels, and q_T the teachers' averaged
 * probabilities softened at temperature T ({@code softmax(log(p) / T)}: the teachers' logits up to
 * a constant). The teachers score the same augmented, mixed batch the student sees. T^2 keeps the
 * soft term's gradients on the scale of the hard term's whatever T.
 *
 * @param teachers ONNX files, folders with model.onnx, or run folders / SavedModels; empty = off
 * @param weight the soft term's share, in [0, 1]
 * @param temperature T, at least 1
 * @param teacherViews views of each face the teachers average, as {@code fer score --tta}: none,
 *     flip (the face and its mirror: a better teacher for twice its cost) or crops
 */
public record Distillation(List<String> teachers, double weight, double temperature, String teacherViews) {
  /** The default share of the soft term. */
  public static final double DEFAULT_WEIGHT = 0.7;
  /** The default temperature. */
  public static final double DEFAULT_TEMPERATURE = 4;
  /** Off. */
  public static final Distillation NONE = new Distillation(List.of(), DEFAULT_WEIGHT, DEFAULT_TEMPERATURE);
  /** The default teacher views: the face as the student sees it. */
  public static final String DEFAULT_VIEWS = "none";

  /**
   * Teachers that score each face as the student sees it.
   *
   * @param teachers see the record's description
   * @param weight see the record's description
   * @param temperature see the record's description
   */
  public Distillation(List<String> teachers, double weight, double temperature) {
    this(teachers, weight, temperature, DEFAULT_VIEWS);
  }

  /**
   * Checks the settings.
   *
   * @param teachers see the record's description
   * @param weight see the record's description
   * @param temperature see the record's description
   * @param teacherViews see the record's description
   * @throws SettingException naming the bad setting
   */
  public Distillation {
    teachers = teachers == null ? List.of() : List.copyOf(teachers);
    if (!(weight >= 0 && weight <= 1)) {
      throw new SettingException("distill_weight must be in [0, 1], got " + weight, "distill_weight");
    }
    if (!(temperature >= 1) || Double.isInfinite(temperature)) {
      throw new SettingException("distill_temperature must be at least 1, got " + temperature, "distill_temperature");
    }
    teacherViews = teacherViews == null ? DEFAULT_VIEWS : teacherViews.toLowerCase(Locale.ROOT);
    try {
      TestTimeAugmentation.parse(teacherViews); // the names fer score --tta takes
    } catch (FerException e) {
      throw new SettingException("teacher_tta must be none, flip or crops, got '" + teacherViews + "'", "teacher_tta");
    }
  }

  /** @return true when there are teachers */
  public boolean active() {
    return !teachers.isEmpty();
  }
}
