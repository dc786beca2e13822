// The peer of benchmarks/ws_load.cpp in benchmarks/run: npm's `ws` client doing the same round
// trips on Node's one thread. N clients to a ws:// echo server, each sending a text message of S
// bytes when it opens and again on each echo (checked); after a warm-up, a measured window
// counts the round trips and the process's CPU time (process.cpuUsage), printed as one JSON line
// with stampede_ws_load's fields (allocations: null, not counted here).
//
//   NODE_PATH=build-deps/node/node_modules node benchmarks/ws_client.js --url ws://127.0.0.1:PORT/
//       [--sessions 50] [--size 32] [--duration 10] [--warmup 2]      (seconds)
//
// A client that fails (an error, a close before the end, an echo that differs, no echo within
// 5 s) is counted and stops. Exits 0 when every client ran to the end and closed cleanly, 1
// otherwise, 2 for bad usage, 3 when `ws` is missing. The whole run is bounded by warm-up +
// duration + 30 s.
'use strict';

let WebSocket;
let wsVersion;
try {
  WebSocket = require('ws');
  wsVersion = require('ws/package.json').version;
} catch (e) {
  process.stderr.write("missing: node's ws package (npm's `ws`; scripts/setup installs it under build-deps/node)\n");
  process.exit(3);
}

const options = { url: '', sessions: 50, size: 32, duration: 10, warmup: 2 };
for (let i = 2; i < process.argv.length; i += 2) {
  const flag = process.argv[i];
  const value = process.argv[i + 1];
  const name = flag.replace(/^--/, '');
  if (!(name in options) || value === undefined) {
    process.stderr.write(`ws_client.js: unknown option or missing value: ${flag}\n`);
    process.exit(2);
  }
  options[name] = name === 'url' ? value : Number(value);
}
if (!options.url || !(options.sessions >= 1) || !(options.size >= 1) || !(options.duration > 0) || !(options.warmup >= 0)) {
  process.stderr.write('usage: node ws_client.js --url ws://HOST:PORT/ [--sessions 50] [--size 32] [--duration 10] [--warmup 2]\n');
  process.exit(2);
}

const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
let payload = '';
for (let i = 0; i < options.size; ++i) payload += alphabet[i % alphabet.length];
const expected = Buffer.from(payload);

let messages = 0;        // round trips completed, warm-up included
let failures = 0;        // clients that failed
let uncleanCloses = 0;
let stopping = false;    // the window ended: clients close
let running = options.sessions;
const firstFailures = [];
let start = null;
let end = null;

function mark() {
  return { at: process.hrtime.bigint(), messages, cpu: process.cpuUsage() };
}

function fail(socket, what) {
  failures += 1;
  if (firstFailures.length < 5) firstFailures.push(what);
  socket.failed = true;
  socket.terminate();
}

function finished() {
  running -= 1;
  if (running === 0) report();
}

function report() {
  const complete = end !== null;
  if (!complete) {
    firstFailures.push('the run ended before the window did');
    end = mark();
  }
  if (start === null) start = end;
  for (const f of firstFailures) process.stderr.write(`ws_client.js: ${f}\n`);
  const seconds = Number(end.at - start.at) / 1e9;
  const counted = end.messages - start.messages;
  const user = (end.cpu.user - start.cpu.user) / 1e6;
  const system = (end.cpu.system - start.cpu.system) / 1e6;
  const line = {
    tool: 'node-ws',
    url: options.url,
    sessions: options.sessions,
    payload_bytes: options.size,
    window_s: Number(seconds.toFixed(3)),
    messages: counted,
    messages_per_s: Number((seconds > 0 ? counted / seconds : 0).toFixed(1)),
    cpu_user_s: Number(user.toFixed(3)),
    cpu_sys_s: Number(system.toFixed(3)),
    cpu_s: Number((user + system).toFixed(3)),
    cpu_us_per_message: Number((counted > 0 ? ((user + system) * 1e6) / counted : 0).toFixed(3)),
    allocations: null,
    allocations_per_message: null,
    failures,
    unclean_closes: uncleanCloses,
    node: process.version,
    ws: wsVersion,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  process.exit(complete && failures === 0 && uncleanCloses === 0 && counted > 0 ? 0 : 1);
}

function open(index) {
  // Node's ws offers permessage-deflate by default; stampede negotiates no extension.
  const socket = new WebSocket(options.url, { perMessageDeflate: false });
  let echoTimer = null;
  const sendNext = () => {
    socket.send(payload);
    echoTimer.refresh();
  };
  socket.on('open', () => {
    echoTimer = setTimeout(() => fail(socket, `client ${index}: no echo within 5 s`), 5000);
    sendNext();
  });
  socket.on('message', (data, isBinary) => {
    if (isBinary || !expected.equals(data)) {
      fail(socket, `client ${index}: the echo differs (${data.length} bytes received)`);
      return;
    }
    messages += 1;
    if (stopping) {
      clearTimeout(echoTimer);
      socket.close(1000);
      return;
    }
    sendNext();
  });
  socket.on('error', (e) => {
    if (!socket.failed) fail(socket, `client ${index}: ${e.message}`);
  });
  socket.on('close', (code) => {
    clearTimeout(echoTimer);
    if (!socket.failed) {
      if (!stopping) fail(socket, `client ${index}: closed by the server (${code})`);
      else if (code !== 1000) {
        uncleanCloses += 1;
        if (firstFailures.length < 5) firstFailures.push(`client ${index}: close code ${code}`);
      }
    }
    finished();
  });
}

setTimeout(() => {
  start = mark();
  setTimeout(() => {
    end = mark();
    stopping = true;
  }, options.duration * 1000);
}, options.warmup * 1000);
setTimeout(report, (options.warmup + options.duration + 30) * 1000).unref();
for (let i = 0; i < options.sessions; ++i) open(i);
