// A WebSocket echo server for stampede's interop test, on npm's `ws` (scripts/setup installs it
// under build-deps/node; the test passes NODE_PATH).
//
// Listens on 127.0.0.1 on a free port and prints the port as its first line. Echoes text and
// binary messages, chooses the subprotocol "echo" when it is offered, answers pings (ws does),
// and closes with 4000 "bye" when it receives the text "close-me". Exits 3 with a message on
// stderr when `ws` is missing, and by itself after --lifetime seconds (60).
'use strict';

let WebSocketServer;
try {
  ({ WebSocketServer } = require('ws'));
} catch (e) {
  process.stderr.write("missing: node's ws package (npm's `ws`; scripts/setup installs it under build-deps/node)\n");
  process.exit(3);
}

const at = process.argv.indexOf('--lifetime');
const lifetime = at >= 0 ? Number(process.argv[at + 1]) : 60;

const server = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  maxPayload: 0,  // no limit: the test sends large messages
  handleProtocols: (offered) => (offered.has('echo') ? 'echo' : false),
});
server.on('listening', () => process.stdout.write(`${server.address().port}\n`));
server.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => {
    if (!isBinary && data.toString() === 'close-me') {
      socket.close(4000, 'bye');
      return;
    }
    socket.send(data, { binary: isBinary });
  });
});
setTimeout(() => process.exit(0), lifetime * 1000).unref();
