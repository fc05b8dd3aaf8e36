// A small HTTP server: GET /health answers 200, GET / greets and counts requests.
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 4100);
let hits = 0;
const server = createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    return;
  }
  hits += 1;
  res.writeHead(200, { 'content-type': 'text/plain' }).end(`${process.env.GREETING ?? 'hello'} #${hits}\n`);
  console.log(`${req.method} ${req.url} -> 200`);
});
server.listen(port, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${port}`));
process.on('SIGTERM', () => {
  console.log('shutting down');
  server.close(() => process.exit(0));
});
