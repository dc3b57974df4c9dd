package org.fertk.study;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fertk.FerException;
import org.fertk.util.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudyTest {
  @TempDir
  Path dir;

  private Path plan(String runs) throws Exception {
    Path p = dir.resolve("plan.json");
    Files.writeString(p, ("{'name': 't', 'synthetic': {'n': 140, 'seed': 3}, "
        + "'defaults': {'epochs': 1, 'batch_size': 32}, 'runs': [" + runs + "]}").replace('\'', '"'));
    return p;
  }

  private static String run(String id, String graph, String extra) {
    return "{'id': '" + id + "', 'graph': '" + Path.of(graph).toAbsolutePath() + "'" + extra + "}";
  }

  private static FerException planError(Path plan) {
    return assertThrows(FerException.class, () -> StudyPlan.load(plan, Path.of("data.csv")));
  }

  @Test
  void badPlansFailBeforeAnyTraining() throws Exception {
    assertEquals("graphs/vgg-bn-thin5.json: an architecture spec (it has `class_name`), not a study plan; "
        + "train it as an architecture spec", planError(Path.of("graphs/vgg-bn-thin5.json")).getMessage());
    assertTrue(planError(plan(run("a", "graphs/no-such-spec.json", ""))).getMessage()
        .contains("run 'a': spec " + Path.of("graphs/no-such-spec.json").toAbsolutePath() + " not found"));
    assertTrue(planError(plan(run("a", "graphs/paper-cnn-lstm.json", ", 'epoch': 3"))).getMessage()
        .endsWith("run 1: unknown option 'epoch'"));
    assertTrue(planError(plan(run("a", "graphs/paper-cnn-lstm.json", ", 'epochs': 0"))).getMessage()
        .endsWith("run 'a': epochs must be at least 1, got 0")); // plans name the key
    assertTrue(planError(plan(run("a", "graphs/paper-cnn-lstm.json", ", 'early_stopping': {'monitor': 'val_auc'}")))
        .getMessage().contains("cannot monitor 'val_auc'"));
    assertTrue(planError(plan(run("a", "graphs/paper-cnn-lstm.json", "") + ", " + run("a", "graphs/paper-cnn-lstm.json", "")))
        .getMessage().endsWith("run 2: duplicate id 'a'"));
    assertTrue(planError(plan(run("a", "graphs/paper-cnn-lstm.json", ", 'label': 'LSTM'") + ", "
        + run("b", "graphs/paper-cnn-lstm.json", ", 'label': 'LSTM'")))
        .getMessage().endsWith("run 'b': label 'LSTM' is also the label of run 'a'"));
    assertTrue(planError(plan(run("a", "graphs/paper-cnn-lstm.json", ", 'lr': 'fast'"))).getMessage()
        .endsWith("`lr` must be a number, got \"fast\""));
    assertTrue(planError(plan(run("a", "graphs/paper-cnn-lstm.json", ", 'cosine_restarts': ['x']"))).getMessage()
        .endsWith("`cosine_restarts` must be a list of whole epochs, got [\"x\"]"));
    assertTrue(planError(plan(run("a", "graphs/paper-cnn-lstm.json",
        ", 'epochs': 5, 'lr_schedule': 'cosine', 'cosine_restarts': [7]"))).getMessage().contains("cosine_restarts must be increasing"));
    assertTrue(planError(plan(run("a", "graphs/paper-cnn-lstm.json", ", 'precision': 'float16'"))).getMessage()
        .endsWith("run 'a': precision must be float32 or bfloat16, got 'float16'"));
  }

  @Test
  void aBadPlanLeavesNoOutputFolder() throws Exception {
    Path out = dir.resolve("never");
    Path bad = plan(run("a", "graphs/paper-cnn-lstm.json", ", 'epoch': 3"));
    assertThrows(FerException.class, () -> new Study(new Study.Options(bad, null, out, true, 0, null, 1000, 1),
        new PrintWriter(new StringWriter())).run());
    assertFalse(Files.exists(out), "nothing written, not even the folder's lock");
  }

  @Test
  void startFromMustNameAnEarlierRunThatThisRunContinuesExactly() throws Exception {
    String lstm = "graphs/paper-cnn-lstm.json";
    String a = run("a", lstm, ", 'lr_schedule': 'cosine'");
    assertTrue(planError(plan(run("b", lstm, ", 'start_from': 'a'") + ", " + a)).getMessage()
        .endsWith("run 'b': start_from 'a' must name a run listed before it"));
    assertTrue(planError(plan(a + ", " + run("b", lstm, ", 'lr_schedule': 'cosine', 'seed': 9, 'start_from': 'a'")))
        .getMessage().contains("run 'b': cannot start from 'a': seed: 42 -> 9"));
    assertTrue(planError(plan(a + ", " + run("b", lstm, ", 'lr_schedule': 'cosine', 'epochs': 3, 'cosine_restarts': [2], "
        + "'start_from': 'a'"))).getMessage().contains("restarts: [] -> [2]"), "a restart must start where 'a' ended");
    assertTrue(planError(plan(a + ", " + run("b", lstm, ", 'lr_schedule': 'cosine', 'epochs': 2, 'start_from': 'a'")))
        .getMessage().contains("epochs: 1 -> 2 stretches the cosine schedule of the earlier epochs "
            + "(start a new cycle there: cosine_restarts [1, ...])"));
    assertTrue(planError(plan(run("a", lstm, ", 'epochs': 2") + ", " + run("b", lstm, ", 'start_from': 'a'")))
        .getMessage().endsWith("start_from 'a' trains more epochs (2) than this run (1)"));
    assertTrue(planError(plan(a + ", " + run("b", lstm, ", 'start_from': 1"))).getMessage()
        .endsWith("run 'b': `start_from` must be the id of an earlier run, got 1"));
    assertTrue(planError(plan(a + ", " + run("b", "graphs/fair-cnn.json", ", 'start_from': 'a'"))).getMessage()
        .contains("start_from 'a' trains another network"));
  }

  @Test
  void aRunWithStartFromContinuesTheEarlierRunsCheckpoint() throws Exception {
    String lstm = "graphs/paper-cnn-lstm.json";
    Path p = plan(run("a", lstm, ", 'lr_schedule': 'cosine'") + ", " + run("b", lstm,
        ", 'lr_schedule': 'cosine', 'epochs': 2, 'cosine_restarts': [1], 'restart_lr_factor': 0.5, 'swa_start': 1, "
        + "'start_from': 'a'"));
    Path out = dir.resolve("study");
    StringWriter log = new StringWriter();
    new Study(new Study.Options(p, null, out, false, 0, null, 1000, 1), new PrintWriter(log)).run();
    assertTrue(log.toString().contains("starting from run 'a' after its epoch 1 (its last checkpoint)"), log.toString());
    assertFalse(log.toString().contains("Epoch 1/2"), "b does not train a's epoch again");
    List<String> histA = Files.readAllLines(out.resolve("runs/a/history.csv"));
    List<String> histB = Files.readAllLines(out.resolve("runs/b/history.csv"));
    assertEquals(3, histB.size(), "header + two epochs");
    assertEquals(histA.get(1), histB.get(1), "b's first epoch is a's");
    assertTrue(Files.isRegularFile(out.resolve("runs/b/model.onnx")));
    assertTrue(Files.readString(out.resolve("runs/b/manifest.json")).contains("\"swa_snapshots\" : 1"));
  }

  @Test
  void aTrialOfEveryShippedPlanIsValidAndShort() throws Exception {
    List<Path> plans;
    try (var files = Files.list(Path.of("graphs"))) {
      plans = files.filter(f -> f.getFileName().toString().startsWith("plan-")).sorted().toList();
    }
    assertTrue(plans.size() >= 6, plans.toString());
    for (Path f : plans) {
      StudyPlan full = StudyPlan.load(f, Path.of("fer2013.csv"));
      StudyPlan trial = full.trial(2);
      assertEquals(full.runs().size(), trial.runs().size());
      for (StudyPlan.Run r : trial.runs()) {
        assertTrue(r.config().epochs() <= 2, r.id());
        assertEquals(null, r.startFrom(), r.id());
        assertTrue(r.config().swaStart() == null || r.config().swaStart() < 2, r.id());
      }
    }
    var sgdr = StudyPlan.load(Path.of("graphs/plan-beyond.json"), Path.of("x.csv")).only(List.of("vgg-thin5-sgdr"))
        .trial(80).runs().get(0).config();
    assertEquals(List.of(75), sgdr.restarts(), "a restart within the trial stays");
    assertEquals(80, sgdr.epochs());
    var student = StudyPlan.load(Path.of("graphs/plan-student.json"), Path.of("x.csv")).runs().get(0).config();
    assertEquals("flip", student.distillation().teacherViews());
    for (String t : student.distillation().teachers()) {
      assertTrue(Files.isRegularFile(Path.of(t)), "the student's teachers ship with the repository: " + t);
    }
  }

  /** plan-pipeline copies the teachers' recipes and plan-student's run; a change to one must reach the other. */
  @Test
  void thePipelinePlanTrainsTheShippedTeachersRecipesThenTheStudent() {
    Path data = Path.of("fer2013.csv");
    StudyPlan pipeline = StudyPlan.load(Path.of("graphs/plan-pipeline.json"), data);
    assertEquals(List.of("vgg-thin5-long-bf16", "t3-r02", "student-thin5"),
        pipeline.runs().stream().map(StudyPlan.Run::id).toList());
    StudyPlan beyond = StudyPlan.load(Path.of("graphs/plan-beyond.json"), data);
    StudyPlan paper = StudyPlan.load(Path.of("graphs/plan-paper.json"), data);
    StudyPlan student = StudyPlan.load(Path.of("graphs/plan-student.json"), data);
    assertEquals(beyond.only(List.of("vgg-thin5-long-bf16")).runs().get(0).config().toJson(),
        pipeline.runs().get(0).config().toJson());
    assertEquals(paper.only(List.of("t3-r02")).runs().get(0).config().toJson(), pipeline.runs().get(1).config().toJson());
    StudyPlan.Run s = pipeline.runs().get(2);
    assertEquals(List.of("vgg-thin5-long-bf16", "t3-r02"), s.teacherRuns());
    var shipped = student.runs().get(0).config().toJson();
    var rebuilt = s.config().toJson();
    shipped.remove("teachers");
    rebuilt.remove("teachers");
    assertEquals(shipped, rebuilt);
  }

  @Test
  void shippedPlansAreValid() {
    StudyPlan paper = StudyPlan.load(Path.of("graphs/plan-paper.json"), Path.of("fer2013.csv"));
    assertEquals(20, paper.runs().size());
    assertEquals(17, paper.runs().stream().filter(r -> r.id().startsWith("t3-")).count());
    assertEquals(2, paper.runs().stream().filter(r -> r.testKey().startsWith("random")).count());
    assertEquals(10, paper.runs().get(0).config().earlyStopping().patience());
    assertTrue(paper.runs().get(0).config().earlyStopping().restoreBestWeights());
    StudyPlan beyond = StudyPlan.load(Path.of("graphs/plan-beyond.json"), Path.of("fer2013.csv"));
    var sgdr = beyond.only(List.of("vgg-thin5-sgdr")).runs().get(0).config();
    assertEquals(List.of(75), sgdr.restarts());
    assertEquals(0.3, sgdr.restartFactor());
    // a run's own random_erasing, 0 included, overrides the plan default of 0.25
    assertEquals(0.25, sgdr.augmentation().erasing());
    assertEquals(0.0, beyond.only(List.of("vgg-thin5-noerase-swa")).runs().get(0).config().augmentation().erasing());
    assertEquals(0.5, beyond.only(List.of("vgg-thin5-strong-swa")).runs().get(0).config().augmentation().erasing());
    assertEquals("vgg-thin5", beyond.only(List.of("vgg-thin5-swa")).runs().get(0).startFrom());
    assertEquals(null, beyond.only(List.of("vgg-thin5-strong-swa")).runs().get(0).startFrom());
    assertEquals("float32", sgdr.precision(), "the default");
    assertTrue(beyond.only(List.of("vgg-thin5-long-bf16")).runs().get(0).config().mixedPrecision());
    StudyPlan quick = StudyPlan.load(Path.of("graphs/plan-quick.json"), Path.of("synthetic.csv"));
    assertEquals(2, quick.runs().size());
    FerException e = assertThrows(FerException.class, () -> quick.only(List.of("nope")));
    assertTrue(e.getMessage().startsWith("only: the plan has no run 'nope'"), e.getMessage());
  }

  @Test
  void studyRunsEverythingAndSkipsFinishedRunsWhenRepeated() throws Exception {
    Path p = plan(run("lstm", "graphs/paper-cnn-lstm.json", "") + ", "
        + run("lstm2", "graphs/paper-cnn-lstm.json", ", 'seed': 7, 'note': 'another seed'"));
    Path out = dir.resolve("study");
    StringWriter log = new StringWriter();
    Study.Result r = new Study(new Study.Options(p, null, out, false, 0, null, 1000, 1), new PrintWriter(log)).run();
    assertTrue(Files.isRegularFile(out.resolve("data/synthetic.csv.gz")));
    for (String id : List.of("lstm", "lstm2")) {
      Path run = out.resolve("runs").resolve(id);
      for (String f : List.of("manifest.json", "model.onnx", "predictions-test.csv", "predictions-test.json",
          "report/report.html", "report/roc.png")) {
        assertTrue(Files.exists(run.resolve(f)), id + "/" + f);
      }
    }
    // the side file has the format `fer score` writes (one writer for both)
    var side = Json.read(out.resolve("runs/lstm/predictions-test.json"));
    List<String> keys = new ArrayList<>();
    side.fieldNames().forEachRemaining(keys::add);
    assertEquals(List.of("models", "engine", "data", "split", "tta", "faces", "batch_size", "seconds",
        "images_per_second", "latency_p50_ms", "latency_p95_ms"), keys);
    assertTrue(side.path("models").isArray() && side.path("split").asText().equals("PublicTest"), side.toString());
    assertEquals(List.of(out.resolve("report/report.html")), r.reports());
    String md = Files.readString(out.resolve("report/report.md"));
    assertTrue(md.contains("McNemar") && md.contains("another seed"), md);
    assertEquals(1, r.comparisons().get(0).significance().rowCount());
    StringWriter again = new StringWriter();
    new Study(new Study.Options(p, null, out, false, 0, null, 1000, 1), new PrintWriter(again)).run();
    assertEquals(2, again.toString().split("finished earlier: skipped", -1).length - 1, again.toString());
    assertFalse(again.toString().contains("Epoch 1/1"));
    // issue 35, item 9: an edited plan is not passed off as the runs already there
    Path edited = plan(run("lstm", "graphs/paper-cnn-lstm.json", ", 'lr': 0.01") + ", "
        + run("lstm2", "graphs/paper-cnn-lstm.json", ", 'seed': 7, 'note': 'another seed'"));
    byte[] history = Files.readAllBytes(out.resolve("runs/lstm/history.csv"));
    FerException changed = assertThrows(FerException.class, () -> new Study(new Study.Options(edited, null, out, true,
        0, null, 1000, 1), new PrintWriter(new StringWriter())).run());
    assertTrue(changed.getMessage().contains("run 'lstm' (lr: 0.001 -> 0.01)"), changed.getMessage());
    assertTrue(changed.getMessage().contains("again with rerun_changed"), changed.getMessage());
    assertArrayEquals(history, Files.readAllBytes(out.resolve("runs/lstm/history.csv")), "nothing touched");
    StringWriter rerun = new StringWriter();
    new Study(new Study.Options(edited, null, out, false, 0, null, 1000, 1, null, true), new PrintWriter(rerun)).run();
    assertTrue(rerun.toString().contains("plan changed, training again: run 'lstm'"), rerun.toString());
    assertEquals(1, rerun.toString().split("finished earlier: skipped", -1).length - 1, rerun.toString());
    assertEquals(0.01, Json.read(out.resolve("runs/lstm/run-config.json")).path("lr").asDouble());
  }

  @Test
  void aStudentDistilsFromATeacherTrainedEarlierInThePlan() throws Exception {
    String lstm = "graphs/paper-cnn-lstm.json";
    assertTrue(planError(plan(run("s", lstm, ", 'teachers': ['t']") + ", " + run("t", lstm, ""))).getMessage()
        .contains("run 's': teacher 't' is neither the id of an earlier run nor a model"));
    Path p = plan(run("t", lstm, "") + ", " + run("s", "graphs/paper-cnn-4conv-32to256-d256-512-do05.json",
        ", 'teachers': ['t'], 'distill_weight': 0.5, 'mixup': 0.2"));
    Path out = dir.resolve("study");
    new Study(new Study.Options(p, null, out, true, 0, null, 1000, 1), new PrintWriter(new StringWriter())).run();
    var manifest = Json.read(out.resolve("runs/s/manifest.json"));
    assertEquals(out.resolve("runs/t").toString(), manifest.path("distillation").path("teachers").get(0).path("path").asText());
    assertEquals(0.2, manifest.path("hyperparameters").path("mixup").asDouble());
    assertTrue(Files.isRegularFile(out.resolve("runs/s/model.onnx")));
  }
}
