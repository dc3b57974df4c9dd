package org.fertk.train;

import org.fertk.data.SplitSpec;
import org.fertk.model.Network;

/**
 * What a run trains on: the model built from its spec and the data already split.
 *
 * @param model the network
 * @param split training, validation and test faces
 * @param dataSha256 hash of the data file (or of the faces when there is no file)
 * @param dataSource where the faces came from, for the manifest
 */
public record PreparedData(Network model, SplitSpec.DataSplit split, String dataSha256, String dataSource) {}
