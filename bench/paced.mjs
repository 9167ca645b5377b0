// Open-loop load at a fixed rate (wrk cannot pace): one Upstash REST GET every 1/rate s over keep-alive
// connections, each latency measured from its scheduled start (so a stall is not hidden by waiting).
// Usage: node bench/paced.mjs URL TOKEN RATE SECONDS CONNECTIONS
import http from "node:http";

const [url, token, rate, seconds, connections] = process.argv.slice(2);
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(connections) });
const body = '["GET","bench:key"]';
const total = Number(rate) * Number(seconds);
const latencies = [];
let errors = 0;
const start = performance.now();

function send(scheduled) {
  return new Promise((resolve) => {
    const request = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: "POST", agent,
      headers: { "Content-Type": "application/json", "Upstash-Encoding": "base64", Authorization: `Bearer ${token}`,
                 "Content-Length": Buffer.byteLength(body) } }, (response) => {
      response.resume();
      response.on("end", () => {
        if (response.statusCode !== 200) errors++;
        latencies.push(performance.now() - scheduled);
        resolve();
      });
    });
    request.on("error", () => { errors++; resolve(); });
    request.end(body);
  });
}

const pending = [];
for (let i = 0; i < total; i++) {
  const scheduled = start + (i * 1000) / Number(rate);
  const wait = scheduled - performance.now();
  if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  pending.push(send(scheduled));
}
await Promise.all(pending);
latencies.sort((a, b) => a - b);
const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(2);
const elapsed = (performance.now() - start) / 1000;
console.log(`rate ${rate}/s for ${seconds} s: ${latencies.length} answered, ${errors} errors, achieved ${(latencies.length / elapsed).toFixed(0)}/s, ` +
  `p50 ${at(50)} ms, p90 ${at(90)} ms, p99 ${at(99)} ms, max ${latencies[latencies.length - 1].toFixed(2)} ms` +
  (latencies.length / elapsed < 0.95 * Number(rate) ? " — THE GENERATOR FELL BEHIND: these latencies are its queue, not the server's" : ""));
agent.destroy();
