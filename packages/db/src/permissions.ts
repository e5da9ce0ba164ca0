// The permission catalogue, kept by platform admins: permissions (e.g. "orders.read") and roles
// (named sets of them). Keys are granted from it only (keys.ts). A change that alters what keys
// hold (a role's permissions, a removal) drops every process's cached records.
import { PERMISSION_NAME, type InvalidationTarget } from "@keyway/core";
import type { Db } from "./client.ts";
import { writeAudit, type Actor } from "./audit.ts";
import type { Prisma } from "./generated/prisma/client.ts";
import { DomainError } from "./errors.ts";

export interface RoleInput {
  name: string;
  description: string;
  permissions: string[];
}

function assertName(name: string, what: "permission" | "role"): void {
  if (!PERMISSION_NAME.test(name)) {
    throw new DomainError("INVALID_INPUT", `A ${what} name is 1 to 100 letters, digits and . _ : * -, starting with a letter or digit.`, "name");
  }
}

/**
 * Refuses a permission or role that is not in the catalogue, naming it (what a key is granted,
 * what a role holds). One query after the other: a transaction's queries share one connection.
 */
export async function assertInCatalogue(tx: Prisma.TransactionClient, names: { permissions: string[]; roles?: string[] }): Promise<void> {
  const permissions = await tx.permission.findMany({ where: { name: { in: names.permissions } }, select: { name: true } });
  const unknownPermission = names.permissions.find((n) => !permissions.some((p) => p.name === n));
  if (unknownPermission !== undefined) throw new DomainError("UNKNOWN_PERMISSION", `There is no permission named ${JSON.stringify(unknownPermission)} in the catalogue.`, "permissions");
  if (!names.roles?.length) return;
  const roles = await tx.keyRole.findMany({ where: { name: { in: names.roles } }, select: { name: true } });
  const unknownRole = names.roles.find((n) => !roles.some((r) => r.name === n));
  if (unknownRole !== undefined) throw new DomainError("UNKNOWN_ROLE", `There is no role named ${JSON.stringify(unknownRole)}.`, "roles");
}

export function catalogueService(db: Db, options: { publish: (target: InvalidationTarget) => Promise<void> }) {
  const publish = () => options.publish("all").catch(() => {});

  return {
    permissions: {
      /** The catalogue, by name, with how many keys hold each on its own and which roles include it. */
      async list() {
        const rows = await db.permission.findMany({
          orderBy: { name: "asc" },
          select: { name: true, description: true, createdAt: true, roles: { select: { roleName: true }, orderBy: { roleName: "asc" } }, _count: { select: { keys: true } } },
        });
        return rows.map((r) => ({ name: r.name, description: r.description, createdAt: r.createdAt, roles: r.roles.map((x) => x.roleName), keys: r._count.keys }));
      },

      async create(actor: Actor, input: { name: string; description: string }) {
        assertName(input.name, "permission");
        return db.$transaction(async (tx) => {
          if (await tx.permission.findUnique({ where: { name: input.name }, select: { name: true } })) {
            throw new DomainError("PERMISSION_EXISTS", `The catalogue has a permission named ${JSON.stringify(input.name)} already.`, "name");
          }
          const created = await tx.permission.create({ data: input, select: { name: true, description: true } });
          await writeAudit(tx, actor, { action: "permission.create", after: created });
          return created;
        });
      },

      async update(actor: Actor, name: string, description: string) {
        return db.$transaction(async (tx) => {
          const before = await tx.permission.findUnique({ where: { name }, select: { name: true, description: true } });
          if (!before) throw new DomainError("NOT_FOUND", "No such permission.");
          const after = await tx.permission.update({ where: { name }, data: { description }, select: { name: true, description: true } });
          await writeAudit(tx, actor, { action: "permission.update", before, after });
          return after;
        });
      },

      /** Removes it from the catalogue, from every role and from every key that held it. */
      async remove(actor: Actor, name: string) {
        await db.$transaction(async (tx) => {
          const before = await tx.permission.findUnique({ where: { name }, select: { name: true, description: true, _count: { select: { keys: true, roles: true } } } });
          if (!before) throw new DomainError("NOT_FOUND", "No such permission.");
          await tx.permission.delete({ where: { name } });
          await writeAudit(tx, actor, { action: "permission.delete", before: { name, description: before.description, keys: before._count.keys, roles: before._count.roles } });
        });
        await publish();
      },
    },

    roles: {
      async list() {
        const rows = await db.keyRole.findMany({
          orderBy: { name: "asc" },
          select: { name: true, description: true, permissions: { select: { permissionName: true }, orderBy: { permissionName: "asc" } }, _count: { select: { keys: true } } },
        });
        return rows.map((r) => ({ name: r.name, description: r.description, permissions: r.permissions.map((p) => p.permissionName), keys: r._count.keys }));
      },

      async create(actor: Actor, input: RoleInput) {
        assertName(input.name, "role");
        return db.$transaction(async (tx) => {
          if (await tx.keyRole.findUnique({ where: { name: input.name }, select: { name: true } })) {
            throw new DomainError("PERMISSION_EXISTS", `There is a role named ${JSON.stringify(input.name)} already.`, "name");
          }
          await assertInCatalogue(tx, { permissions: input.permissions });
          await tx.keyRole.create({
            data: { name: input.name, description: input.description, permissions: { create: input.permissions.map((permissionName) => ({ permissionName })) } },
          });
          await writeAudit(tx, actor, { action: "role.create", after: { ...input } });
          return input;
        });
      },

      /** Replaces a role's description and permissions; every key with the role holds the new set from its next request. */
      async update(actor: Actor, name: string, input: Omit<RoleInput, "name">) {
        await db.$transaction(async (tx) => {
          const before = await tx.keyRole.findUnique({ where: { name }, select: { description: true, permissions: { select: { permissionName: true } } } });
          if (!before) throw new DomainError("NOT_FOUND", "No such role.");
          await assertInCatalogue(tx, { permissions: input.permissions });
          await tx.keyRolePermission.deleteMany({ where: { roleName: name } });
          await tx.keyRole.update({
            where: { name },
            data: { description: input.description, permissions: { create: input.permissions.map((permissionName) => ({ permissionName })) } },
          });
          await writeAudit(tx, actor, {
            action: "role.update",
            before: { name, description: before.description, permissions: before.permissions.map((p) => p.permissionName) },
            after: { name, ...input },
          });
        });
        await publish();
        return { name, ...input };
      },

      async remove(actor: Actor, name: string) {
        await db.$transaction(async (tx) => {
          const before = await tx.keyRole.findUnique({ where: { name }, select: { description: true, _count: { select: { keys: true } } } });
          if (!before) throw new DomainError("NOT_FOUND", "No such role.");
          await tx.keyRole.delete({ where: { name } });
          await writeAudit(tx, actor, { action: "role.delete", before: { name, description: before.description, keys: before._count.keys } });
        });
        await publish();
      },
    },
  };
}
export type CatalogueService = ReturnType<typeof catalogueService>;
