"""Keras' own predictions for a FER2013 split, in the toolkit's predictions layout without the
true labels (no part of FER2013 is written), to check an imported model against the original with
`fer agree` (README, "Keras models"). Never used by the tests.

Usage: KERAS_BACKEND=jax python keras_predictions.py MODEL.h5 FER2013.csv.gz SPLIT SIZE RANGE OUT.csv
  SIZE: the model's input side (faces are resized with Keras' bilinear Resizing, as the import does)
  RANGE: the model's input range for black..white, e.g. -1..1
"""
import csv
import gzip
import sys

import numpy as np
import keras

CLASSES = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]

model_path, data, split, size, value_range, out = sys.argv[1:7]
low, high = (float(v) for v in value_range.split(".."))
model = keras.models.load_model(model_path, compile=False)
faces, labels, lines = [], [], []
with gzip.open(data, "rt") as f:
    for line_no, row in enumerate(csv.DictReader(f), start=2):
        if row["Usage"] == split:
            faces.append(np.array(row["pixels"].split(), dtype="float32").reshape(48, 48, 1) / 255.0)
            labels.append(int(row["emotion"]))
            lines.append(line_no)
x = np.stack(faces)
if int(size) != 48:
    x = np.asarray(keras.layers.Resizing(int(size), int(size))(x))
probs = np.asarray(model.predict(low + x * (high - low), batch_size=256, verbose=0))
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["index", "pred_label"] + ["p_" + c for c in CLASSES] + ["source"])
    for i, p in enumerate(probs):
        w.writerow([i, int(p.argmax())] + [f"{v:.8g}" for v in p] + [lines[i]])
print("keras", keras.__version__, "accuracy", float((probs.argmax(1) == np.array(labels)).mean()))
