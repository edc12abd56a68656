/**
 * The part of W&B's GraphQL schema that the fake server answers: projects, their runs, and the viewer.
 *
 * Anything not declared here (`Run.summary`, `Project.sweeps`, ...) fails validation, as it would make the
 * client depend on a field the fake never checked.
 *
 * Nullability follows W&B's own generated clients (see `wandb-api.md`, "Nullability, page sizes, key
 * projection"): `Run.state`, `Run.config(keys:)`, `Run.summaryMetrics(keys:)`, `Run.tags`, `Run.displayName`,
 * `Run.description` and `Run.commit` may be null, and so may `RunEdge.node`. A client must cope with each.
 *
 * @module
 */

import { buildSchema, type GraphQLSchema } from "graphql";

/** The SDL of the fake W&B API; `JSONString` values travel as JSON text, `JSON` values as JSON. */
export const wandbSchemaSdl = `
"""JSON text inside a GraphQL string, e.g. the \`filters\` argument or \`Run.config\`."""
scalar JSONString

"""A JSON value, e.g. \`Run.historyKeys\`."""
scalar JSON

"""An ISO-8601 timestamp; W&B often omits the offset (UTC is meant)."""
scalar DateTime

type Query {
  project(name: String!, entityName: String!): Project
  viewer: User
}

type Project {
  id: ID!
  name: String!
  entityName: String!
  runCount(filters: JSONString): Int!
  runs(filters: JSONString, after: String, first: Int, order: String): RunConnection
  run(name: String!): Run
}

type RunConnection {
  edges: [RunEdge!]!
  pageInfo: PageInfo!
}

type RunEdge {
  node: Run
  cursor: String!
}

type PageInfo {
  endCursor: String
  hasNextPage: Boolean!
}

type Run {
  id: ID!
  name: String!
  displayName: String
  state: String
  tags: [String]
  """The config as JSON text; \`keys\` keeps only those top-level keys (a dotted key is refused)."""
  config(keys: [String!]): JSONString
  """The summary as JSON text; \`keys\` keeps only those top-level keys (a dotted key is refused)."""
  summaryMetrics(keys: [String!]): JSONString
  systemMetrics: JSONString!
  historyKeys: JSON
  commit: String
  description: String
  notes: String
  group: String
  jobType: String
  sweepName: String
  createdAt: DateTime!
  heartbeatAt: DateTime
  user: User
  projectId: Int!
}

type User {
  id: ID!
  name: String
  username: String
  entity: String
}
`;

/** The executable schema built from {@link wandbSchemaSdl}; resolvers come from the server's root value. */
export const wandbSchema: GraphQLSchema = buildSchema(wandbSchemaSdl);
