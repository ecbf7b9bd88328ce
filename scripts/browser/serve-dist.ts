// A tiny static server for the built site (dist/) on 127.0.0.1 and an ephemeral port, with
// Framework's clean URLs (/foo -> foo.html, /dir/ -> dir/index.html). Used by the browser tests and `npm run screenshots`.
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(fileURLToPath(import.meta.url), "../../..");
export const DIST = join(REPO_ROOT, "dist");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".svg": "image/svg+xml",
  ".wasm": "application/wasm",
  ".parquet": "application/octet-stream",
  ".duckdb": "application/octet-stream",
  ".arrow": "application/vnd.apache.arrow.file",
  ".csv": "text/csv; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

export interface DistServer {
  origin: string;
  close(): Promise<void>;
}

function fileFor(root: string, pathname: string): string | undefined {
  const path = normalize(join(root, decodeURIComponent(pathname)));
  if (path !== root && !path.startsWith(root + sep)) return undefined; // no escaping dist/
  const candidates = pathname.endsWith("/") ? [join(path, "index.html")] : [path, `${path}.html`, join(path, "index.html")];
  return candidates.find((p) => existsSync(p) && statSync(p).isFile());
}

export async function serveDist(root = DIST): Promise<DistServer> {
  const server: Server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? "/", "http://127.0.0.1");
    const file = fileFor(root, pathname);
    if (!file) {
      const notFound = join(root, "404.html");
      res.writeHead(404, { "content-type": TYPES[".html"] });
      res.end(existsSync(notFound) ? readFileSync(notFound) : "not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
    res.end(readFileSync(file));
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** Every page of the built site, as URL paths ("/", "/tracks", ...), 404.html excluded. */
export function distPages(root = DIST): string[] {
  const pages: string[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith("_")) visit(path);
      } else if (entry.name.endsWith(".html") && path !== join(root, "404.html")) {
        const rel = relative(root, path).split(sep).join("/");
        pages.push("/" + rel.replace(/(^|\/)index\.html$/, "$1").replace(/\.html$/, ""));
      }
    }
  };
  visit(root);
  return pages.sort();
}
