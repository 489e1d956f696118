// Types of every module's API from its committed OpenAPI document (docs/api/<module>.openapi.json) into
// src/generated/<module>.ts, with openapi-typescript. `--check` writes nothing and fails when a committed file is
// not what the document generates (the test suite runs it, so the types cannot drift from the documents).
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const here = dirname(fileURLToPath(import.meta.url));
const documents = join(here, "..", "..", "docs", "api");
const check = process.argv.includes("--check");
const stale = [];

for (const file of readdirSync(documents).filter((name) => name.endsWith(".openapi.json")).sort()) {
  const module = file.replace(".openapi.json", "");
  const schema = JSON.parse(readFileSync(join(documents, file), "utf8"));
  const header = `// Generated from docs/api/${file} by clients/ts/generate.mjs (openapi-typescript). Do not edit.\n\n`;
  const text = header + astToString(await openapiTS(schema, { alphabetize: true, defaultNonNullable: false }));
  const target = join(here, "src", "generated", `${module}.ts`);
  if (check) {
    let committed = "";
    try {
      committed = readFileSync(target, "utf8");
    } catch {
      // missing: stale
    }
    if (committed !== text) stale.push(`src/generated/${module}.ts`);
  } else {
    writeFileSync(target, text);
    console.log(`wrote src/generated/${module}.ts`);
  }
}
if (stale.length) {
  console.error(`not current (run \`npm run generate\` in clients/ts): ${stale.join(", ")}`);
  process.exit(1);
}
