// Copy the portal's front-end files from node_modules into adapters/web/static/vendor.
//
// Runs as the npm "postinstall" script of the repository's package.json, so `npm ci`
// leaves the portal ready to serve. Only files named here are copied; the folder is
// emptied first so that a file dropped from this list does not linger. manifest.json
// records the package versions, and `ggk serve` refuses to start without it.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const modules = join(root, "node_modules");
const target = join(root, "adapters", "web", "static", "vendor");

// [package, file inside the package, destination inside vendor/]
const files = [
  ["@utrecht/component-library-css", "dist/index.css", "utrecht/component-library.css"],
  ["@utrecht/component-library-css", "LICENSE.md", "utrecht/LICENSE.md"],
  ["@nl-design-system-unstable/voorbeeld-design-tokens", "dist/theme.css", "voorbeeld/theme.css"],
  ["@nl-design-system-unstable/voorbeeld-design-tokens", "LICENSE.md", "voorbeeld/LICENSE.md"],
  ["@fontsource/noto-sans", "latin-400.css", "noto-sans/latin-400.css"],
  ["@fontsource/noto-sans", "latin-700.css", "noto-sans/latin-700.css"],
  ["@fontsource/noto-sans", "files/noto-sans-latin-400-normal.woff2", "noto-sans/files/noto-sans-latin-400-normal.woff2"],
  ["@fontsource/noto-sans", "files/noto-sans-latin-400-normal.woff", "noto-sans/files/noto-sans-latin-400-normal.woff"],
  ["@fontsource/noto-sans", "files/noto-sans-latin-700-normal.woff2", "noto-sans/files/noto-sans-latin-700-normal.woff2"],
  ["@fontsource/noto-sans", "files/noto-sans-latin-700-normal.woff", "noto-sans/files/noto-sans-latin-700-normal.woff"],
  ["@fontsource/noto-sans", "LICENSE", "noto-sans/LICENSE"],
];

rmSync(target, { recursive: true, force: true });
const versions = {};
for (const [name, source, destination] of files) {
  const from = join(modules, name, source);
  const to = join(target, destination);
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to);
  versions[name] = JSON.parse(readFileSync(join(modules, name, "package.json"), "utf8")).version;
}
const manifest = { packages: versions, files: files.map(([, , destination]) => destination) };
writeFileSync(join(target, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log(`ggk: copied ${files.length} front-end files into ${target}`);
