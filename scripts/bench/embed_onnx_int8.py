#!/usr/bin/python3
"""Int8 dynamic quantisation of an ONNX encoder for the ONNX Runtime peer of scripts/bench/embed.sh.

  embed_onnx_int8.py IN.onnx OUT.onnx

Rewrites every MatMul whose second input is a constant 2-D float weight W [K x N] (each
nn.Linear of the exported model) the way onnxruntime.quantization.quantize_dynamic does with
QInt8 weights and per-column scales:

    DynamicQuantizeLinear(X)             -> Xq (uint8), x_scale, x_zero_point   (per tensor)
    MatMulInteger(Xq, Wq, x_zp, 0)       -> int32                               (Wq int8, symmetric)
    Cast(float) * (x_scale * w_scale[N]) -> Y

ONNX Runtime's graph optimiser fuses this pattern into its DynamicQuantizeMatMul kernel (int8
GEMM with its own VNNI / AMX / AVX2 code), so this is what a user of ORT's own quantisation tool
runs. Written with Debian's python3-onnx (ORT's Python package is not in Debian); it writes
nothing else and prints one JSON line: how many MatMuls were quantised and how many were left.
"""
import json
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def quantize_weight(w):
    """Symmetric per-column int8: scale = max|W[:, j]| / 127, q = round(W / scale) in [-127, 127]."""
    amax = np.abs(w).max(axis=0)
    scale = np.where(amax > 0, amax / 127.0, 1.0).astype(np.float32)
    q = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
    return q, scale


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    model = onnx.load(sys.argv[1])
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    nodes, done, left = [], 0, 0
    for node in graph.node:
        w = inits.get(node.input[1]) if node.op_type == "MatMul" and len(node.input) == 2 else None
        if w is None or len(w.dims) != 2 or w.data_type != TensorProto.FLOAT:
            left += node.op_type == "MatMul"
            nodes.append(node)
            continue
        q, scale = quantize_weight(numpy_helper.to_array(w).astype(np.float32))
        p = f"{node.name or node.output[0]}_q8"
        graph.initializer.extend([
            numpy_helper.from_array(q, f"{p}_w"),
            numpy_helper.from_array(scale, f"{p}_w_scale"),
            numpy_helper.from_array(np.array(0, dtype=np.int8), f"{p}_w_zp"),
        ])
        x = node.input[0]
        nodes += [
            helper.make_node("DynamicQuantizeLinear", [x], [f"{p}_x", f"{p}_x_scale", f"{p}_x_zp"], name=f"{p}_dql"),
            helper.make_node("MatMulInteger", [f"{p}_x", f"{p}_w", f"{p}_x_zp", f"{p}_w_zp"], [f"{p}_i32"],
                             name=f"{p}_mmi"),
            helper.make_node("Cast", [f"{p}_i32"], [f"{p}_f32"], to=TensorProto.FLOAT, name=f"{p}_cast"),
            helper.make_node("Mul", [f"{p}_x_scale", f"{p}_w_scale"], [f"{p}_scale"], name=f"{p}_scale_mul"),
            helper.make_node("Mul", [f"{p}_f32", f"{p}_scale"], [node.output[0]], name=f"{p}_out_mul"),
        ]
        done += 1
    del graph.node[:]
    graph.node.extend(nodes)
    # The float weights that only the replaced MatMuls read are dropped.
    used = {i for n in graph.node for i in n.input}
    keep = [t for t in graph.initializer if t.name in used]
    del graph.initializer[:]
    graph.initializer.extend(keep)
    onnx.checker.check_model(model)
    onnx.save(model, sys.argv[2])
    print(json.dumps({"quantized_matmuls": done, "float_matmuls_left": left}))


if __name__ == "__main__":
    main()
