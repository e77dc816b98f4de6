// Build step: copy our widget and socket.io-client's own browser build into dist/.
// No bundler: the widget loads socket.io.min.js from the folder it was served from.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const dist = join(here, "dist");
mkdirSync(dist, { recursive: true });

const sioPackage = require.resolve("socket.io-client/package.json");
const sioVersion = JSON.parse(readFileSync(sioPackage, "utf8")).version;
const sioDist = join(dirname(sioPackage), "dist");
copyFileSync(join(sioDist, "socket.io.min.js"), join(dist, "socket.io.min.js"));
copyFileSync(join(sioDist, "socket.io.min.js.map"), join(dist, "socket.io.min.js.map"));

const ownVersion = JSON.parse(readFileSync(join(here, "package.json"), "utf8")).version;
const widget = readFileSync(join(here, "src", "widget.js"), "utf8")
  .replace(/__WIDGET_VERSION__/g, ownVersion);
writeFileSync(join(dist, "widget.js"), widget);
console.log(`built dist/widget.js ${ownVersion} with socket.io-client ${sioVersion}`);
