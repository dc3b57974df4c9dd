#!/usr/bin/env bash
# Regenerates the Keras golden fixtures (src/test/resources/keras) and the functional specs in
# graphs/ with real Keras 3 on the JAX CPU backend, in a throwaway virtual environment. Only for
# maintainers: the tests read the committed files and never run Python.
set -euo pipefail
cd "$(dirname "$0")/../../.."
venv="${KERAS_VENV:-/tmp/fer-keras-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet keras h5py numpy scipy jax pillow
fi
export KERAS_BACKEND=jax
"$venv/bin/python" src/test/keras/make_fixtures.py src/test/resources/keras
"$venv/bin/python" src/test/keras/make_graphs.py graphs
