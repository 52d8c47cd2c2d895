// A `ppisim serve` on a free port for the browser tests, and Debian's Chromium's flags.
import { spawn } from "node:child_process";

// As root and on a closed network, Chromium needs these to start quietly (see the machine notes).
export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

// Starts the server from `cwd`; resolves to { process, url } once it prints its address.
export function startServer(binary, cwd) {
  return new Promise((resolve, reject) => {
    const process = spawn(binary, ["serve", "--port", "0"], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let seen = "";
    process.stdout.on("data", (chunk) => {
      seen += chunk;
      const found = seen.match(/http:\/\/[^ ]+\//);
      if (found) resolve({ process, url: found[0] });
    });
    process.on("exit", (code) => reject(new Error(`ppisim serve exited (${code})`)));
    setTimeout(() => reject(new Error("ppisim serve did not start in 30 s")), 30_000);
  });
}
