// A Node HTTP server and nothing else: no signal handlers, no shutdown of its own.
import http from 'node:http';

http.createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT));
