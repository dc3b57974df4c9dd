package org.fertk.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.fertk.util.Json;
import org.junit.jupiter.api.Test;

class TrainOptionsTest {
  private static TrainConfig config(String json) {
    return TrainOptions.toConfig(Json.parse(json.replace('\'', '"'), "test"), "graphs/fair-cnn.json", "x.csv");
  }

  /** A resumed run starts from its stored settings: they must come back unchanged through the flags. */
  @Test
  void storedSettingsRoundTripThroughTheOptions() {
    String[] cases = {
      "{}",
      "{'optimizer': 'sgd', 'momentum': 0.9, 'nesterov': true, 'lr': 0.05, 'l2': 1e-4, 'batch_size': 32}",
      "{'lr_schedule': 'cosine', 'epochs': 30, 'warmup_epochs': 2, 'cosine_restarts': [10, 20], "
          + "'restart_lr_factor': 0.5, 'swa_start': 25, 'swa_lr': 0.001, 'augment': 'strong', 'random_erasing': 0.3}",
      "{'early_stopping': 'patience=3,baseline=0.4,monitor=val_accuracy,start_from_epoch=2', "
          + "'reduce_lr_on_plateau': 'factor=0.5,min_lr=1e-6,cooldown=1', 'class_weight': 'balanced', "
          + "'label_smoothing': 0.1, 'split': 'random', 'test_fraction': 0.25, 'val_fraction': 0.1, 'seed': 7, "
          + "'precision': 'bfloat16', 'synthetic': 500}",
    };
    for (String c : cases) {
      TrainConfig before = config(c);
      TrainConfig after = TrainOptions.toConfig(TrainOptions.fromConfig(before), before.graph(), before.data());
      assertEquals(before, after, c);
    }
  }
}
