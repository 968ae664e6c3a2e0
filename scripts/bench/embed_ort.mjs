// ONNX Runtime peer for scripts/bench/embed.sh (npm onnxruntime-node, CPU execution provider).
//
// Usage: node embed_ort.mjs NODE_PREFIX MODEL.onnx IDS.json OUT.f32 [threads]
//   NODE_PREFIX  the directory given to `npm install --prefix` (holds node_modules/onnxruntime-node)
//   IDS.json     {"pad_id", "batch", "order", "ids"} as written by embed_torch.py bench: token ids
//                per sentence (already tokenised, so the timing is of the encoder alone) and the
//                sentence-transformers order (longest text first)
//   OUT.f32      raw little-endian float32 rows in input order, for the correctness check
// Runs the batches the way the PyTorch peer does (same order, batches of `batch`, right-padded,
// attention mask), one session with intraOpNumThreads=threads (default 2), interOpNumThreads=1,
// sequential execution, all graph optimisations. One batch is run first as a warm-up and not
// timed. Prints one JSON line.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [prefix, modelPath, idsPath, outPath, threadsArg] = process.argv.slice(2);
if (!outPath) {
  console.error('usage: node embed_ort.mjs NODE_PREFIX MODEL.onnx IDS.json OUT.f32 [threads]');
  process.exit(2);
}
const threads = Number(threadsArg || 2);
const require = createRequire(path.join(path.resolve(prefix), 'node_modules', 'x.js'));
const ort = require('onnxruntime-node');
const ortVersion = require('onnxruntime-node/package.json').version;

const { pad_id: padId, batch, order, ids } = JSON.parse(readFileSync(idsPath, 'utf8'));

function makeFeeds(group) {
  const len = Math.max(...group.map((i) => ids[i].length));
  const inputIds = new BigInt64Array(group.length * len).fill(BigInt(padId));
  const mask = new BigInt64Array(group.length * len);
  group.forEach((s, r) => {
    const seq = ids[s];
    for (let j = 0; j < seq.length; j++) {
      inputIds[r * len + j] = BigInt(seq[j]);
      mask[r * len + j] = 1n;
    }
  });
  const dims = [group.length, len];
  return {
    input_ids: new ort.Tensor('int64', inputIds, dims),
    attention_mask: new ort.Tensor('int64', mask, dims),
  };
}

const groups = [];
for (let i = 0; i < order.length; i += batch) groups.push(order.slice(i, i + batch));

const t0 = process.hrtime.bigint();
const session = await ort.InferenceSession.create(modelPath, {
  executionProviders: ['cpu'],
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
});
const loadS = Number(process.hrtime.bigint() - t0) / 1e9;

await session.run(makeFeeds(groups[Math.floor(groups.length / 2)])); // warm-up, not timed

const cpu0 = process.cpuUsage();
const start = process.hrtime.bigint();
const outs = [];
for (const g of groups) {
  const res = await session.run(makeFeeds(g));
  outs.push(res.embedding);
}
const wall = Number(process.hrtime.bigint() - start) / 1e9;
const cpu = process.cpuUsage(cpu0);

const dim = outs[0].dims[1];
const rows = new Float32Array(order.length * dim);
let k = 0;
for (const t of outs) {
  for (let r = 0; r < t.dims[0]; r++, k++) rows.set(t.data.subarray(r * dim, (r + 1) * dim), order[k] * dim);
}
writeFileSync(outPath, Buffer.from(rows.buffer));
console.log(JSON.stringify({
  ort_version: ortVersion,
  sentences: order.length,
  encode_s: wall,
  cpu_s: (cpu.user + cpu.system) / 1e6,
  load_s: loadS,
  sentences_per_s: order.length / wall,
  dim,
}));
