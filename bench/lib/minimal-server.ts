// The baseline server for the per-call overhead benchmark: plain node:http, one fixed robot
// account for every GET and a fixed token for the token endpoint, nothing else. Run as a child
// process; prints {"origin": "http://127.0.0.1:PORT"} when it listens. `PUT /bench/delay-ms` with
// a number as its body holds each later answer that many ms, standing in for a network farther
// away than loopback: the benchmark warms its workers up at full speed, then turns the delay on.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const ROBOT = JSON.stringify({
  id: "c3a7e1f9-2b6d-4e80-9f14-7a5c0d3e8812",
  name: "Roby",
  displayName: "Roby the robot",
  creationTime: "2024-01-01T00:00:00Z",
  lastLoginTime: null,
  groupIds: ["9d2f6a41-0c3b-4e57-8a1d-6b7c2e0f1a01"],
});
const TOKEN = JSON.stringify({ access_token: "bench-access-token", token_type: "Bearer", expires_in: 3600 });

let delayMs = 0;

const server = createServer((req, res) => {
  if (req.method === "PUT" && req.url === "/bench/delay-ms") {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (text += chunk));
    req.on("end", () => {
      delayMs = Number(text) || 0;
      res.writeHead(204).end();
    });
    return;
  }
  // Drain the body (the token request has one) before answering.
  req.resume();
  req.on("end", () => {
    const body = req.method === "POST" && req.url?.endsWith("/connect/token") ? TOKEN : ROBOT;
    const answer = () => {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
      res.end(body);
    };
    if (delayMs > 0) setTimeout(answer, delayMs);
    else answer();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ origin: `http://127.0.0.1:${port}` })}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
