#!/usr/bin/env node
// Pre-generates REAL Yjs updates for the y-websocket adapter of tandem-load.
//
// For each editor slot e (0..editors-1) a Y.Doc with its own clientID types K inserts at the
// start of a Y.Text (O(1) per insert in Yjs; at the end, generation is quadratic); every insert
// is the 13-character marker "[#NNNNNNNNNN]" whose number is
// e * 16777216 + s (s = 0..K-1, the editor's sequence number), so a watcher can tell which
// update it received (and when it was sent) by scanning the bytes the server relays.
// Each update is what Yjs emits for that one transaction (doc.on('update')), i.e. exactly what
// a y-websocket client sends inside a sync "update" message.
//
// Output (little endian): "YUPD" u32 editors, u32 K, then for each editor, for each s:
//   u16 length, bytes.
// Usage: NODE_PATH=/usr/share/nodejs node gen-yjs-updates.js OUT EDITORS K
'use strict'
const fs = require('fs')
const Y = require('yjs')

const [out, editorsArg, kArg] = process.argv.slice(2)
if (!out) { console.error('usage: gen-yjs-updates.js OUT EDITORS K'); process.exit(2) }
const editors = parseInt(editorsArg || '20', 10)
const K = parseInt(kArg || '30000', 10)
const STRIDE = 16777216

const chunks = []
const header = Buffer.alloc(12)
header.write('YUPD', 0, 'ascii')
header.writeUInt32LE(editors, 4)
header.writeUInt32LE(K, 8)
chunks.push(header)
let total = 0
for (let e = 0; e < editors; e++) {
  const doc = new Y.Doc()
  doc.clientID = 100000 + e
  const text = doc.getText('draft')
  let last = null
  doc.on('update', (update) => { last = update })
  for (let s = 0; s < K; s++) {
    const marker = '[#' + String(e * STRIDE + s).padStart(10, '0') + ']'
    text.insert(0, marker)
    const len = Buffer.alloc(2)
    len.writeUInt16LE(last.length, 0)
    chunks.push(len, Buffer.from(last))
    total += last.length
  }
}
fs.writeFileSync(out, Buffer.concat(chunks))
console.log(`wrote ${editors * K} updates (${editors} editors x ${K}), avg ${(total / (editors * K)).toFixed(1)} bytes, to ${out}`)
