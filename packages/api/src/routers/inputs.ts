// Input pieces several routers share.
import { z } from "zod";

export const keyId = z.string().regex(/^[0-9A-Za-z]{16}$/, "Not a key id.");
export const range = z.enum(["hour", "day", "month", "year"]);
