"""Writes the functional architectures in graphs/ with Keras itself, so that the specs are exactly
what Keras 3 serialises (model.to_json()). Run by src/test/keras/make-fixtures.sh; the toolkit
never needs Python. Usage: python make_graphs.py OUT_DIR"""
import json
import sys

import keras
from keras import layers as L


def conv_bn(x, filters, kernel, name, strides=1, relu=True):
    x = L.Conv2D(filters, kernel, strides=strides, padding="same", use_bias=False, name=name + "_conv")(x)
    x = L.BatchNormalization(name=name + "_bn")(x)
    return L.Activation("relu", name=name + "_relu")(x) if relu else x


def resnet(widths=(32, 64, 128, 256), blocks=2):
    """ResNet-18's basic blocks (two per stage) at a quarter of its width, for 48x48 faces:
    a 3x3 stem without pooling, then stages at 48, 24, 12 and 6 pixels."""
    inp = keras.Input((48, 48, 1), name="input_layer")
    x = conv_bn(inp, widths[0], 3, "stem")
    for s, f in enumerate(widths):
        for b in range(blocks):
            stride = 2 if s > 0 and b == 0 else 1
            n = f"s{s + 1}b{b + 1}"
            y = conv_bn(x, f, 3, n + "a", strides=stride)
            y = conv_bn(y, f, 3, n + "b", relu=False)
            shortcut = x if stride == 1 and x.shape[-1] == f else conv_bn(x, f, 1, n + "_proj", strides=stride, relu=False)
            x = L.Activation("relu", name=n + "_out")(L.Add(name=n + "_add")([y, shortcut]))
    x = L.GlobalAveragePooling2D(name="gap")(x)
    x = L.Dropout(0.3, name="dropout")(x)
    return keras.Model(inp, L.Dense(7, activation="softmax", name="predictions")(x), name="resnet-basic")


def mini_xception():
    """Arriaga et al. (2017)'s mini-Xception: two plain 3x3 convolutions, four residual modules of
    separable convolutions (16 to 128 filters) with strided 1x1 shortcuts, a 3x3 convolution to 7
    maps, global average pooling, softmax."""
    inp = keras.Input((48, 48, 1), name="input_layer")
    x = inp
    for i in (1, 2):
        x = L.Conv2D(8, 3, use_bias=False, name=f"conv{i}")(x)
        x = L.BatchNormalization(name=f"conv{i}_bn")(x)
        x = L.Activation("relu", name=f"conv{i}_relu")(x)
    for m, f in enumerate((16, 32, 64, 128), start=1):
        r = L.Conv2D(f, 1, strides=2, padding="same", use_bias=False, name=f"m{m}_shortcut")(x)
        r = L.BatchNormalization(name=f"m{m}_shortcut_bn")(r)
        x = L.SeparableConv2D(f, 3, padding="same", use_bias=False, name=f"m{m}_sep1")(x)
        x = L.BatchNormalization(name=f"m{m}_sep1_bn")(x)
        x = L.Activation("relu", name=f"m{m}_relu")(x)
        x = L.SeparableConv2D(f, 3, padding="same", use_bias=False, name=f"m{m}_sep2")(x)
        x = L.BatchNormalization(name=f"m{m}_sep2_bn")(x)
        x = L.MaxPooling2D(3, strides=2, padding="same", name=f"m{m}_pool")(x)
        x = L.Add(name=f"m{m}_add")([x, r])
    x = L.Conv2D(7, 3, padding="same", name="conv_out")(x)
    x = L.GlobalAveragePooling2D(name="gap")(x)
    return keras.Model(inp, L.Activation("softmax", name="predictions")(x), name="mini-xception")


def conv_attention(dim=128, heads=4):
    """A small hybrid transformer: a VGG-style trunk to 6x6 cells of 128 features, then one
    pre-norm transformer block (self-attention over the 36 cells, a GELU MLP, both residual),
    average over cells, softmax."""
    inp = keras.Input((48, 48, 1), name="input_layer")
    x = inp
    for i, f in enumerate((32, 64, dim), start=1):
        x = conv_bn(x, f, 3, f"c{i}a")
        x = conv_bn(x, f, 3, f"c{i}b")
        x = L.MaxPooling2D(2, name=f"c{i}_pool")(x)
    cells = L.Reshape((36, dim), name="cells")(x)
    y = L.LayerNormalization(name="attn_norm")(cells)
    y = L.MultiHeadAttention(heads, dim // heads, name="attention")(y, y)
    x = L.Add(name="attn_residual")([cells, y])
    y = L.LayerNormalization(name="mlp_norm")(x)
    y = L.Dense(2 * dim, activation="gelu", name="mlp_expand")(y)
    y = L.Dense(dim, name="mlp_project")(y)
    x = L.Add(name="mlp_residual")([x, y])
    x = L.LayerNormalization(name="final_norm")(x)
    x = L.GlobalAveragePooling1D(name="pool_cells")(x)
    x = L.Dropout(0.3, name="dropout")(x)
    return keras.Model(inp, L.Dense(7, activation="softmax", name="predictions")(x), name="conv-attention")


DESCRIPTIONS = {
    "resnet-basic": resnet.__doc__,
    "mini-xception": mini_xception.__doc__,
    "conv-attention": conv_attention.__doc__,
}

if __name__ == "__main__":
    out = sys.argv[1]
    for build in (resnet, mini_xception, conv_attention):
        model = build()
        spec = json.loads(model.to_json())
        spec = {"class_name": spec["class_name"],
                "description": " ".join(DESCRIPTIONS[model.name].split()),
                **{k: v for k, v in spec.items() if k != "class_name"}}
        with open(f"{out}/{model.name}.json", "w") as f:
            json.dump(spec, f, indent=1)
            f.write("\n")
        print(model.name, model.count_params())
