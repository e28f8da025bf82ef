#!/usr/bin/env node
// The Node peer for the Tandem benchmarks: the stack the original design names (express for
// HTTP, `ws` for WebSockets), written the way such a server usually is. One room per ticket.
//
// Protocol (JSON text frames), at ws://HOST:PORT/ws:
//   client → {"type":"subscribe","room":R}               server → {"type":"snapshot","room":R,"v":N}
//   client → {"type":"op","room":R,"client":C,"seq":S,"op":ANY}
//            server → every other subscriber of R: {"type":"op","room":R,"v":N,"client":C,"seq":S,"op":ANY,"at":MS}
//            server → the sender:                  {"type":"ack","room":R,"client":C,"seq":S,"v":N}
//   client → {"type":"ping"}                             server → {"type":"pong"}
// Nothing is persisted; the ack means "relayed", not "durable".
// Usage: NODE_PATH=/usr/share/nodejs node ws-broadcast.js --port P [--host 127.0.0.1]
'use strict'
const http = require('http')
const express = require('express')
const { WebSocketServer } = require('ws')

const args = process.argv.slice(2)
const arg = (name, fallback) => {
  const i = args.indexOf(name)
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback
}
const port = parseInt(arg('--port', process.env.PORT || '8090'), 10)
const host = arg('--host', '127.0.0.1')

const app = express()
app.get('/healthz', (req, res) => res.json({ status: 'ok', rooms: rooms.size }))
const server = http.createServer(app)
const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false, clientTracking: false, maxPayload: 256 * 1024 })

/** @type {Map<string, {subs: Set<any>, v: number}>} */
const rooms = new Map()
const room = (name) => {
  let r = rooms.get(name)
  if (!r) { r = { subs: new Set(), v: 0 }; rooms.set(name, r) }
  return r
}

wss.on('connection', (ws) => {
  /** @type {Set<string>} */
  const joined = new Set()
  ws.on('message', (data, isBinary) => {
    let m
    try { m = JSON.parse(data) } catch { ws.send('{"type":"error","code":"invalid_json"}'); return }
    if (m === null || typeof m !== 'object' || typeof m.type !== 'string') return
    switch (m.type) {
      case 'subscribe': {
        if (typeof m.room !== 'string') return
        const r = room(m.room)
        r.subs.add(ws)
        joined.add(m.room)
        ws.send(JSON.stringify({ type: 'snapshot', room: m.room, v: r.v }))
        break
      }
      case 'op': {
        if (typeof m.room !== 'string') return
        const r = room(m.room)
        r.v += 1
        const out = JSON.stringify({ type: 'op', room: m.room, v: r.v, client: m.client, seq: m.seq, op: m.op, at: Date.now() })
        for (const sub of r.subs) {
          if (sub !== ws && sub.readyState === 1) sub.send(out)
        }
        ws.send(JSON.stringify({ type: 'ack', room: m.room, client: m.client, seq: m.seq, v: r.v }))
        break
      }
      case 'ping':
        ws.send('{"type":"pong"}')
        break
    }
  })
  ws.on('error', () => {})
  ws.on('close', () => {
    for (const name of joined) {
      const r = rooms.get(name)
      if (r) { r.subs.delete(ws); if (r.subs.size === 0) rooms.delete(name) }
    }
  })
})

server.listen(port, host, () => console.log(`ws-broadcast listening on ${host}:${port}`))
const stop = () => { server.close(); process.exit(0) }
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
