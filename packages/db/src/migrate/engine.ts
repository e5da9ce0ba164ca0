// Prisma's schema engine, compiled to WebAssembly, driven through @prisma/adapter-pg.
// This is what lets Keyway author and apply migrations with no native engine download.
// We instantiate the .wasm ourselves so no --experimental-wasm-modules flag is needed.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SchemaEngine as WasmSchemaEngine } from "@prisma/schema-engine-wasm";

import type * as Bg from "@prisma/schema-engine-wasm/schema_engine_bg";

type Bindings = typeof Bg;
type WasmExports = Record<string, unknown>;
/** The slice of the WebAssembly global we use (Node has it; @types/node 20 does not declare it). */
const wasm = (globalThis as unknown as {
  WebAssembly: { instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: WasmExports } }> };
}).WebAssembly;

let bindings: Promise<Bindings> | undefined;

async function loadBindings(): Promise<Bindings> {
  const require = createRequire(import.meta.url);
  const bgPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const dir = path.dirname(bgPath);
  const bg = (await import(/* @vite-ignore */ pathToFileURL(bgPath).href)) as Bindings & { __wbg_set_wasm(exports: WasmExports): void };
  const bytes = await readFile(path.join(dir, "schema_engine_bg.wasm"));
  const { instance } = await wasm.instantiate(bytes, { "./schema_engine_bg.js": bg });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return bg;
}

/**
 * The engine's introspection reads catalog columns of PostgreSQL's one-byte `"char"` type (oid 18),
 * which @prisma/adapter-pg does not map. They are plain text to the engine, so we say so.
 */
class CharAsTextClient extends pg.Client {
  override query(...args: unknown[]): never {
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (result instanceof Promise) {
      return result.then((r: pg.QueryResult) => {
        for (const field of r?.fields ?? []) if (field.dataTypeID === 18) field.dataTypeID = 25;
        return r;
      }) as never;
    }
    return result as never;
  }
}

/**
 * adapter-pg runs a migration script by splitting it at every ";", which cuts function bodies and
 * comments apart. PostgreSQL runs a whole script sent as one simple query, so we send it that way.
 */
class WholeScriptPg extends PrismaPg {
  override async connect() {
    return wholeScript(await super.connect());
  }
  override async connectToShadowDb() {
    return wholeScript(await super.connectToShadowDb());
  }
}

function wholeScript<A extends { executeScript(script: string): Promise<void>; underlyingDriver(): unknown }>(adapter: A): A {
  const driver = adapter.underlyingDriver() as pg.Pool;
  const onError = (adapter as unknown as { onError(error: unknown): never }).onError.bind(adapter);
  adapter.executeScript = async (script: string) => {
    try {
      await driver.query(script);
    } catch (error) {
      onError(error);
    }
  };
  return adapter;
}

export type SchemaEngine = WasmSchemaEngine;

/** An engine bound to one database. `schema` is the datamodel (schema.prisma text). */
export async function openSchemaEngine(databaseUrl: string, schema: string): Promise<SchemaEngine> {
  bindings ??= loadBindings();
  const { SchemaEngine } = await bindings;
  const adapter = bindMigrationAwareSqlAdapterFactory(
    new WholeScriptPg({ connectionString: databaseUrl, max: 4, idleTimeoutMillis: 100, allowExitOnIdle: true, Client: CharAsTextClient }),
  );
  const log = () => {};
  return SchemaEngine.new({ datamodels: [["schema.prisma", schema]] }, log, adapter);
}
