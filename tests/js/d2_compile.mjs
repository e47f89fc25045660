// Compile each D2 file named on the command line with D2's own compiler (the WebAssembly build
// of D2 in the npm package @terrastruct/d2, from package.json) and print one JSON object:
// file -> {shapes: [{id, label, type}], connections: [{src, dst, label}]} or {error: message}.
import { readFileSync } from "node:fs";
import { D2 } from "@terrastruct/d2";

const d2 = new D2();
const results = {};
for (const file of process.argv.slice(2)) {
  try {
    const { diagram } = await d2.compile(readFileSync(file, "utf8"));
    results[file] = {
      shapes: diagram.shapes.map((s) => ({ id: s.id, label: s.label, type: s.type })),
      connections: diagram.connections.map((c) => ({ src: c.src, dst: c.dst, label: c.label })),
    };
  } catch (error) {
    results[file] = { error: String(error?.message ?? error) };
  }
}
process.stdout.write(JSON.stringify(results));
process.exit(0); // the compiler's worker would keep node alive
