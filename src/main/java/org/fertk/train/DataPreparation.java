package org.fertk.train;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.fertk.data.DatasetLoader;
import org.fertk.data.FaceDataset;
import org.fertk.data.LoadedData;
import org.fertk.data.ReadOptions;
import org.fertk.data.SyntheticFaces;
import org.fertk.model.Network;
import org.fertk.FerException;
import org.fertk.util.Hashing;

/** Loads the spec and the data of a run and splits the data, validating both before training. */
public final class DataPreparation {
  private DataPreparation() {}

  public static PreparedData prepare(TrainConfig config, ReadOptions read, PrintWriter err) {
    Network model = Network.load(Path.of(config.graph()), config.l2());
    TrainingGraph.checkStochasticDepth(model, config.stochasticDepth()); // before any data is read
    model.checkFitsInMemory(config.graph());
    FaceDataset data;
    String hash;
    String source;
    if (config.data() == null) {
      data = new SyntheticFaces(config.seed()).generate(config.syntheticCount(), 0.2);
      hash = data.contentHash();
      source = data.source();
    } else {
      Path p = Path.of(config.data());
      LoadedData ld = DatasetLoader.load(p, read.withRequireLabels(true));
      ld.report(err);
      data = ld.dataset();
      if (!data.allLabelled()) {
        throw new FerException(p + ": every face needs a label for training");
      }
      hash = Files.isRegularFile(p) ? Hashing.sha256(p) : data.contentHash();
      source = p.toString();
    }
    var split = config.split().apply(data);
    if (split.train().size() < 1 || split.val().size() < 1) {
      throw new FerException("the split leaves no training or validation data");
    }
    return new PreparedData(model, split, hash, source);
  }
}
