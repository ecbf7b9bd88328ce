// Observable Framework config for the Store Motion Workbench. Everything the site needs is
// built from node_modules and the dataset (SMW_DATA, or the run SMW_RUN): no CDN, no web fonts, no telemetry.

// Framework sends build/preview telemetry to an observablehq.com host unless this is set; the
// config is read before the first event, so setting it here covers every `observable` command.
process.env.OBSERVABLE_TELEMETRY_DISABLE ??= "true";

// A small "motion trail" glyph, inline so the browser asks no server for /favicon.ico.
const favicon =
  "data:image/svg+xml," +
  encodeURIComponent(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1f2937"/>` +
      `<path d="M3 12 C5 9 7 11 9 7 S12 5 13 4" fill="none" stroke="#f59e0b" stroke-width="1.8" stroke-linecap="round"/>` +
      `<circle cx="13" cy="4" r="1.8" fill="#fde68a"/></svg>`,
  );

export default {
  title: "Store Motion Workbench",
  root: "src",
  // loaders/site/publish.ts builds into a temporary folder first.
  output: process.env.SMW_SITE_OUT ?? "dist",
  style: "style.css",
  // The default pulls Source Serif from Google Fonts at run time.
  globalStylesheets: [],
  head: `<link rel="icon" href="${favicon}">`,
  // Run TypeScript loaders through tsx's loader hook, not a `tsx` binary on PATH.
  interpreters: { ".ts": ["node", "--import", "tsx"] },
  pages: [
    { name: "Overview", path: "/" },
    { name: "Calendar", path: "/calendar" },
    { name: "Footfall", path: "/footfall" },
    { name: "Trajectories", path: "/trajectories" },
    { name: "Dwell", path: "/dwell" },
    { name: "Floor", path: "/floor" },
    { name: "Queues", path: "/queues" },
    { name: "Motion", path: "/motion" },
    { name: "Compare", path: "/compare" },
    { name: "Sales", path: "/sales" },
    { name: "Count audit", path: "/audit" },
  ],
  // links to "trajectories.html", not "trajectories": any static host serves them, no rewrite rules
  // (what the deprecated `cleanUrls: false` said; index links stay "./")
  preserveExtension: true,
  toc: false,
  search: false,
  footer:
    `Store Motion Workbench · privacy-safe people analytics, computed on this machine. ` +
    `Demo clip: TUD-Stadtmitte (Andriluka, Roth &amp; Schiele, TU Darmstadt), from the ` +
    `<a href="https://motchallenge.net/data/2D_MOT_2015/">MOT Challenge 2015</a> benchmark, ` +
    `licensed <a href="https://creativecommons.org/licenses/by-nc-sa/3.0/">CC BY-NC-SA 3.0</a>.`,
};
