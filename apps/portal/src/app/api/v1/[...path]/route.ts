import { createPublicApi, fetchHandler } from "@keyway/api";
import { getServices } from "@keyway/api/server";

export const dynamic = "force-dynamic";

let handle: ((request: Request) => Promise<Response>) | undefined;

/** The public API (echo, keys/verify, usage): the same framework-free handler any host can mount. */
async function route(request: Request): Promise<Response> {
  handle ??= fetchHandler(createPublicApi(getServices()));
  return handle(request);
}

export { route as GET, route as POST, route as PUT, route as PATCH, route as DELETE };
