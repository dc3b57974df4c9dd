"""Golden fixtures for `fer import keras`, made by Keras itself.

For each tiny model below it writes, into OUT_DIR:
  NAME.keras      Keras 3 archive (config.json + model.weights.h5)
  NAME.h5         the same model in the Keras 2-era HDF5 layout (model_config + model_weights)
  NAME.json       the import options, the faces fed to Keras (N x 48 x 48 in [0, 1], the toolkit's
                  standard input) and Keras' probabilities for them.
Weights are random but not the initial ones (batch-norm statistics and biases are perturbed), so
that every weight matters. A model whose own input is not 48x48 in [0, 1] records how the faces
were brought to its input (`input_size`, `scale`), exactly as `fer import keras` is told.

Usage (see make-fixtures.sh): KERAS_BACKEND=jax python make_fixtures.py OUT_DIR
The toolkit's tests read the files; they never run Python.
"""
import json
import sys

import numpy as np
import keras
from keras import layers as L

RNG = np.random.default_rng(2013)
N_FACES = 3


def faces():
    """Smooth random 'faces' in [0, 1]: low-frequency patterns plus noise, like a face's range."""
    y, x = np.mgrid[0:48, 0:48] / 47.0
    out = []
    for _ in range(N_FACES):
        a, b, c = RNG.uniform(0.5, 3.0, 3)
        img = 0.5 + 0.25 * np.sin(a * 6 * x + c) * np.cos(b * 6 * y) + RNG.normal(0, 0.05, (48, 48))
        out.append(np.clip(img, 0, 1))
    return np.stack(out)[..., None].astype("float32")


def perturb(model):
    """Random weights of the initialisers' scale, and batch-norm statistics away from 0 and 1."""
    for w in model.weights:
        v = np.asarray(w.numpy())
        name = w.path if hasattr(w, "path") else w.name
        if "moving_variance" in name or "gamma" in name:
            v = RNG.uniform(0.5, 1.5, v.shape)
        elif "moving_mean" in name or "beta" in name or "bias" in name:
            v = RNG.normal(0, 0.2, v.shape)
        else:
            v = v + RNG.normal(0, 0.05, v.shape)
        w.assign(v.astype("float32"))


def inp(size=48):
    return keras.Input((size, size, 1), name="input_layer")


def conv_stack():
    return keras.Sequential([
        inp(),
        L.Conv2D(4, 3, strides=2, activation="relu", name="conv"),
        L.BatchNormalization(name="bn"),
        L.MaxPooling2D(2, name="max_pool"),
        L.AveragePooling2D(2, padding="same", name="avg_pool"),
        L.Conv2D(6, (3, 2), padding="same", activation="tanh", name="conv_tanh"),
        L.Flatten(name="flatten"),
        L.Dense(8, activation="elu", name="hidden"),
        L.Dropout(0.5, name="dropout"),
        L.Dense(7, activation="softmax", name="predictions"),
    ], name="conv_stack")


def separable():
    x = inp()
    y = L.Rescaling(2.0, offset=-1.0, name="rescale")(x)
    y = L.ZeroPadding2D(((1, 2), (0, 1)), name="pad")(y)
    y = L.Conv2D(4, 3, strides=2, activation="selu", name="conv")(y)
    y = L.DepthwiseConv2D(3, depth_multiplier=2, activation="gelu", name="depthwise")(y)
    y = L.SpatialDropout2D(0.3, name="spatial_dropout")(y)
    y = L.SeparableConv2D(6, 3, strides=2, padding="same", activation="swish", name="separable")(y)
    y = L.Cropping2D(((1, 0), (0, 2)), name="crop")(y)
    y = L.Activation("leaky_relu", name="leaky")(y)
    y = L.Conv2D(5, 1, activation="hard_sigmoid", name="conv_hs")(y)
    y = L.Conv2D(5, 1, activation="softplus", name="conv_sp")(y)
    y = L.GlobalMaxPooling2D(name="gmp")(y)
    out = L.Dense(7, activation="softmax", name="predictions")(y)
    return keras.Model(x, out, name="separable")


def merges():
    x = inp()
    a = L.Conv2D(4, 3, strides=4, padding="same", use_bias=False, name="a")(x)
    a = L.BatchNormalization(name="a_bn")(a)
    b = L.Conv2D(4, 3, padding="same", activation="relu", name="b")(a)
    s = L.Add(name="add")([a, b])
    d = L.Subtract(name="subtract")([s, b])
    m = L.Maximum(name="maximum")([d, b])
    m = L.Minimum(name="minimum")([m, s])
    v = L.Average(name="average")([m, a, b])
    sq = L.GlobalAveragePooling2D(name="squeeze")(v)
    ex = L.Dense(4, activation="sigmoid", name="excite")(sq)
    ex = L.Reshape((1, 1, 4), name="excite_shape")(ex)
    se = L.Multiply(name="scale")([v, ex])
    c = L.Concatenate(name="concat")([se, a])
    c = L.Conv2D(3, 3, strides=3, name="c")(c)
    out = L.Dense(7, activation="softmax", name="predictions")(L.Flatten(name="flatten")(c))
    return keras.Model(x, out, name="merges")


def attention():
    x = inp()
    y = L.Conv2D(8, 3, strides=8, activation="relu", name="conv")(x)
    cells = L.Reshape((36, 8), name="cells")(y)
    n = L.LayerNormalization(name="norm")(cells)
    at = L.MultiHeadAttention(2, 4, name="attention")(n, n)
    r = L.Add(name="residual")([cells, at])
    r = L.Dense(6, activation="gelu", name="mlp")(r)
    p = L.Permute((2, 1), name="permute")(r)
    p = L.Dense(5, name="across_cells")(p)
    g = L.Concatenate(name="pooled")([L.GlobalAveragePooling1D(name="gap")(p), L.GlobalMaxPooling1D(name="gmp")(p)])
    mp = L.MultiHeadAttention(1, 3, value_dim=2, name="map_attention")(y, y)
    g2 = L.GlobalAveragePooling2D(name="gap_map")(mp)
    out = L.Dense(7, activation="softmax", name="predictions")(L.Concatenate(name="concat")([g, g2]))
    return keras.Model(x, out, name="attention")


def recurrent():
    return keras.Sequential([
        inp(),
        L.Reshape((48, 48), name="rows"),
        L.TimeDistributed(L.Dense(6, activation="relu"), name="per_row"),
        L.LSTM(5, name="lstm"),
        L.Dense(7, activation="softmax", name="predictions"),
    ], name="recurrent")


def preprocessing():
    """A model trained on 64x64 faces scaled to [-1, 1], as many published FER models are."""
    x = inp(64)
    y = L.Conv2D(4, 3, strides=4, activation="relu", name="conv")(x)
    y = L.Resizing(8, 8, name="shrink")(y)
    y = L.GlobalAveragePooling2D(name="gap")(y)
    return keras.Model(x, L.Dense(7, activation="softmax", name="predictions")(y), name="preprocessing")


MODELS = {
    "conv_stack": (conv_stack, {}),
    "separable": (separable, {}),
    "merges": (merges, {}),
    "attention": (attention, {}),
    "recurrent": (recurrent, {}),
    "preprocessing": (preprocessing, {"input_size": 64, "scale": "-1..1"}),
}


def to_model_input(x, options):
    """The toolkit's 48x48 [0, 1] faces as the model expects them (what the import builds in)."""
    size = options.get("input_size", 48)
    if size != 48:
        x = np.asarray(L.Resizing(size, size)(x))
    if options.get("scale") == "-1..1":
        x = x * 2.0 - 1.0
    return x


if __name__ == "__main__":
    out = sys.argv[1]
    x = faces()
    for name, (build, options) in MODELS.items():
        model = build()
        perturb(model)
        probs = np.asarray(model.predict(to_model_input(x, options), verbose=0))
        model.save(f"{out}/{name}.keras")
        model.save(f"{out}/{name}.h5")
        with open(f"{out}/{name}.json", "w") as f:
            json.dump({"keras_version": keras.__version__, "backend": keras.backend.backend(),
                       "options": options, "faces": np.round(x.reshape(N_FACES, -1), 6).tolist(),
                       "probs": probs.tolist()}, f)
        print(name, model.count_params(), probs.argmax(1))
    # the published Keras 2.0.5 model in data/keras (its file stays there; only Keras' outputs here)
    published = "data/keras/fer2013_mini_XCEPTION.102-0.66.hdf5"
    options = {"input_size": 64, "scale": "-1..1"}
    model = keras.models.load_model(published, compile=False)
    probs = np.asarray(model.predict(to_model_input(x, options), verbose=0))
    with open(f"{out}/published_mini_xception.json", "w") as f:
        json.dump({"keras_version": keras.__version__, "backend": keras.backend.backend(), "model": published,
                   "options": options, "faces": np.round(x.reshape(N_FACES, -1), 6).tolist(),
                   "probs": probs.tolist()}, f)
