// The dependency rule is enforced by the lint: a wrong-way import fails it, a right-way one passes.
import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const eslint = new ESLint({ cwd: path.resolve(import.meta.dirname, "..") });
const lint = async (file: string, code: string) =>
  (await eslint.lintText(code, { filePath: file }))[0]!.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);

describe("the import boundary rule", () => {
  it.each([
    ["packages/core/src/wrong.ts", 'import { createServices } from "@keyway/server";', "packages/core may import only @keyway/protocol"],
    ["packages/db/src/wrong.ts", 'import { RedisLimiter } from "@keyway/redis";', "packages/db may import only"],
    ["packages/server/src/wrong.ts", 'import { appRouter } from "@keyway/api";', "packages/server may import only"],
    ["packages/sdk/src/wrong.ts", 'import { loadConfig } from "@keyway/core";', "packages/sdk may import only @keyway/protocol"],
    ["packages/core/src/wrong.ts", 'import { Redis } from "ioredis";', "framework-free"],
    ["apps/gateway/src/wrong.ts", 'import { sessionService } from "../../../packages/auth/src/sessions.ts";', "by its name"],
  ])("fails %s: %s", async (file, code, message) => {
    const messages = await lint(file, `${code}\nexport const x = 1;\n`);
    expect(messages.join("\n")).toContain(message);
  });

  it("passes an import down the order", async () => {
    expect(await lint("packages/server/src/right.ts", 'import { loadConfig } from "@keyway/core";\nexport const x = loadConfig;\n')).toEqual([]);
    expect(await lint("apps/portal/src/right.ts", 'import { appRouter } from "@keyway/api";\nexport const x = appRouter;\n')).toEqual([]);
  });
});
