/**
 * The run folder's format, apart from the code that trains: where {@code fer train} and
 * {@code Training.fit} keep a run ({@link org.fertk.run.RunFolder}: spec.json, run-config.json,
 * history.csv, checkpoints/last and best, saved_model/, manifest.json, model.onnx, predictions and
 * reports), the per-epoch record of history.csv ({@link org.fertk.run.EpochLog}) and its reader
 * ({@link org.fertk.run.History}). Analysis, Keras import, the study and training read and write
 * run folders through it; it depends on nothing of theirs (util only), so reading a run folder
 * never pulls in the trainer.
 */
package org.fertk.run;
