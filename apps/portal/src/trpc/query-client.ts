// One QueryClient configuration for the browser and for server rendering: the server's prefetched
// data crosses to the browser with superjson (Dates stay Dates), and a query prefetched on the
// server is fresh for 5 s, so the browser does not ask again on first paint.
import { defaultShouldDehydrateQuery, QueryClient } from "@tanstack/react-query";
import superjson from "superjson";

export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 5_000, retry: 1 },
      dehydrate: {
        serializeData: superjson.serialize,
        // only what succeeded: a failed prefetch is retried (and its error shown) by the browser
        shouldDehydrateQuery: (query) => defaultShouldDehydrateQuery(query),
      },
      hydrate: { deserializeData: superjson.deserialize },
    },
  });
}
