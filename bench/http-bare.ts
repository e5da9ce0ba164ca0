// The ceiling for any HTTP endpoint on this machine: node:http answering a fixed JSON body.
import http from "node:http";

const body = JSON.stringify({ ok: true, keyId: "0123456789abcdef", tier: "bench", method: "GET" });
http
  .createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  })
  .listen(Number(process.env.PORT), "127.0.0.1", () => console.log("ready"));
