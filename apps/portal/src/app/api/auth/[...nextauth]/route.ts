import { authRouteHandler } from "@keyway/auth/next";
import { getServices } from "@keyway/server";

let handler: ReturnType<typeof authRouteHandler> | undefined;
const route = (req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) => (handler ??= authRouteHandler(getServices()))(req, ctx);

export { route as GET, route as POST };
