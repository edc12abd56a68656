/**
 * Entities and organisations as `Query.entity(name:)` answers them: a team entity (or an org entity) has an
 * `organization`; a member's personal entity has a `user` whose `organizations` list every organisation it
 * belongs to. W&B's SDK reads the first for a team and the second for a personal entity.
 *
 * @module
 */

import type { FakeOrganization, FakeProject } from "./server.ts";

/** What the fake knows of one entity. */
export interface EntityFacts {
  /** The organisation of a team or org entity; `null` for a personal entity or a team of no organisation. */
  organization: FakeOrganization | null;
  /** For a member's personal entity, the organisations it belongs to; `null` for a team entity. */
  userOrganizations: FakeOrganization[] | null;
}

/**
 * What the fake knows of an entity: the organisation it is a team (or org entity) of, or, for a personal
 * entity, the organisations its user belongs to. An entity that only owns projects is a team of no
 * organisation.
 *
 * @param name The entity name.
 * @param options The stored projects and organisations.
 * @returns The facts, or `null` for an entity the fake does not know.
 */
export function entityFacts(
  name: string,
  options: {
    projects: readonly FakeProject[];
    organizations: readonly FakeOrganization[];
  },
): EntityFacts | null {
  const { projects, organizations } = options;
  const organization =
    organizations.find((candidate) =>
      candidate.orgEntity === name || candidate.teamEntities.includes(name)
    ) ?? null;
  const memberships = organizations.filter((candidate) =>
    (candidate.userEntities ?? []).includes(name)
  );
  if (memberships.length > 0) {
    return { organization: null, userOrganizations: memberships };
  }
  if (
    organization !== null ||
    projects.some((project) => project.entity === name)
  ) {
    return { organization, userOrganizations: null };
  }
  return null;
}

/**
 * The organisations a user (by username) belongs to, as `User.organizations` lists them.
 *
 * @param username The user's name (their personal entity).
 * @param organizations The stored organisations.
 * @returns The organisations listing the user, in stored order.
 */
export function organizationsOfUser(
  username: string,
  organizations: readonly FakeOrganization[],
): FakeOrganization[] {
  return organizations.filter((organization) =>
    (organization.userEntities ?? []).includes(username)
  );
}

/**
 * Checks the organisations: names and org entities given and distinct, and no entity both a team (or org
 * entity) and a member's personal entity, or a team of two organisations.
 *
 * @param organizations The stored organisations.
 * @throws {Error} At the first inconsistency (a bug in test data).
 */
export function validateOrganizations(
  organizations: readonly FakeOrganization[],
): void {
  const teams = new Map<string, string>();
  const users = new Set<string>();
  for (const organization of organizations) {
    const fail = (reason: string) =>
      new Error(
        `Invalid fake W&B data: organisation ${
          JSON.stringify(organization.name)
        }: ${reason}`,
      );
    if (!organization.name || !organization.orgEntity) {
      throw fail("expected a name and an orgEntity");
    }
    for (const team of [organization.orgEntity, ...organization.teamEntities]) {
      const other = teams.get(team);
      if (other !== undefined && other !== organization.name) {
        throw fail(`entity "${team}" is already a team of "${other}"`);
      }
      teams.set(team, organization.name);
    }
    for (const user of organization.userEntities ?? []) users.add(user);
  }
  const both = [...users].find((user) => teams.has(user));
  if (both !== undefined) {
    throw new Error(
      `Invalid fake W&B data: entity "${both}" is both a team and a member's personal entity`,
    );
  }
}
