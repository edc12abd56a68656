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
 * Metric history, artifact lineage and registry look-ups follow `wandb-api-history-artifacts.md`:
 * `Run.sampledHistory(specs:)`, `Run.inputArtifacts` / `Run.outputArtifacts` (nullable connections of nullable
 * nodes), `Artifact` (no `name` field: W&B's clients build `<artifactSequence.name>:v<versionIndex>`),
 * `Project.artifactCollectionMembership(name:)`, `Artifact.createdBy` (`Run | User`, nullable) and
 * `Query.entity(name:)` with organisations. `Run.history`, `Run.parquetHistory`, `Run.events`,
 * `Project.artifactCollection` and `Project.artifact` are not served.
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

"""A 64-bit integer (W&B's \`Int64\`), served as a JSON number."""
scalar Int64

type Query {
  project(name: String!, entityName: String!): Project
  viewer: User
  entity(name: String!): Entity
  artifact(id: ID!): Artifact
}

type Project {
  id: ID!
  name: String!
  entityName: String!
  entity: Entity!
  runCount(filters: JSONString): Int!
  runs(filters: JSONString, after: String, first: Int, order: String): RunConnection
  run(name: String!): Run
  """\`name\` is \`<collection>:<alias>\` or \`<collection>:v<N>\`; null when the collection or version is unknown."""
  artifactCollectionMembership(name: String!): ArtifactCollectionMembership
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
  historyLineCount: Int
  """One list of rows per spec, in \`specs\` order; a spec is JSON text \`{"keys": [...], "samples": N, "minStep"?, "maxStep"?}\`."""
  sampledHistory(specs: [JSONString!]!): [JSON]
  inputArtifacts(after: String, first: Int): InputArtifactConnection
  outputArtifacts(after: String, first: Int): ArtifactConnection
  project: Project
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
  organizations: [Organization!]!
}

type Entity {
  id: ID!
  name: String!
  """The organisation of a team entity; null for a personal entity."""
  organization: Organization
  """The user of a personal entity; null for a team entity."""
  user: User
}

type Organization {
  id: ID!
  name: String!
  orgEntity: Entity
}

"""Who created an artifact version."""
union Initiator = Run | User

enum ArtifactState {
  PENDING
  COMMITTED
  DELETED
}

type ArtifactType {
  name: String!
}

"""A collection of artifact versions: a sequence (versions as logged) or a portfolio (links, e.g. a registry)."""
interface ArtifactCollection {
  id: ID!
  name: String!
  project: Project
}

type ArtifactSequence implements ArtifactCollection {
  id: ID!
  name: String!
  project: Project
}

type ArtifactPortfolio implements ArtifactCollection {
  id: ID!
  name: String!
  project: Project
}

type ArtifactAlias {
  alias: String!
  artifactCollection: ArtifactCollection
}

type Artifact {
  id: ID!
  digest: String!
  """The version index in \`artifactSequence\` (the N of vN)."""
  versionIndex: Int
  state: ArtifactState!
  createdAt: DateTime!
  updatedAt: DateTime
  artifactType: ArtifactType!
  artifactSequence: ArtifactSequence!
  """Aliases in every collection holding this version, registry links included."""
  aliases: [ArtifactAlias!]!
  description: String
  metadata: JSONString
  commitHash: String
  historyStep: Int64
  size: Int64!
  fileCount: Int64!
  createdBy: Initiator
  usedBy(after: String, first: Int): RunConnection!
}

type ArtifactCollectionMembership {
  id: ID!
  """The version index in \`artifactCollection\`."""
  versionIndex: Int
  """The aliases in \`artifactCollection\`."""
  aliases: [ArtifactAlias!]!
  artifactCollection: ArtifactCollection
  """The artifact as logged in its source project."""
  artifact: Artifact
}

type ArtifactConnection {
  totalCount: Int!
  pageInfo: PageInfo!
  edges: [ArtifactEdge!]!
}

type ArtifactEdge {
  node: Artifact
  cursor: String!
}

type InputArtifactConnection {
  totalCount: Int!
  pageInfo: PageInfo!
  edges: [InputArtifactEdge!]!
}

type InputArtifactEdge {
  node: Artifact
  cursor: String!
  usedAs: [String!]!
}
`;

/** The executable schema built from {@link wandbSchemaSdl}; resolvers come from the server's root value. */
export const wandbSchema: GraphQLSchema = buildSchema(wandbSchemaSdl);
