/**
 * A minimal GraphQL client for the fake's own tests: posts a document the way W&B's SDK does and reads the
 * JSON answer, and runs a test body against a fresh fake serving all the demo data.
 *
 * @module
 */

import { DEMO_API_KEY, demoWandbOptions } from "./sample_data.ts";
import {
  type FakeWandb,
  type FakeWandbOptions,
  startFakeWandb,
} from "./server.ts";

/** An answer: HTTP status and parsed JSON body. */
export interface GraphQLAnswer {
  /** The HTTP status. */
  status: number;
  /** The parsed body. */
  // deno-lint-ignore no-explicit-any
  body: any;
}

/**
 * Posts a GraphQL request with the demo key (Basic `api:<key>`), as the SDK does.
 *
 * @param fake The running fake.
 * @param query The GraphQL document.
 * @param variables The variables.
 * @returns The status and parsed body.
 */
export async function postGraphQL(
  fake: FakeWandb,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLAnswer> {
  const response = await fetch(`${fake.url}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Basic ${btoa(`api:${DEMO_API_KEY}`)}`,
    },
    body: JSON.stringify({ query, variables, operationName: "" }),
  });
  return { status: response.status, body: JSON.parse(await response.text()) };
}

/**
 * Posts a request that must succeed (HTTP 200, no `errors`) and returns its `data`.
 *
 * @param fake The running fake.
 * @param query The GraphQL document.
 * @param variables The variables.
 * @returns The `data` member.
 * @throws {Error} When the answer is not a success.
 */
export async function queryData(
  fake: FakeWandb,
  query: string,
  variables: Record<string, unknown> = {},
  // deno-lint-ignore no-explicit-any
): Promise<any> {
  const { status, body } = await postGraphQL(fake, query, variables);
  if (status !== 200 || body.errors !== undefined) {
    throw new Error(
      `expected a success, got HTTP ${status}: ${JSON.stringify(body)}`,
    );
  }
  return body.data;
}

/**
 * Runs `body` against a fresh fake serving {@link demoWandbOptions} (overridable), closing it afterwards.
 *
 * @param body The test body.
 * @param options Options replacing the demo's.
 * @returns When the body is done and the fake closed.
 */
export async function withDemoFake(
  body: (fake: FakeWandb) => Promise<void>,
  options: Partial<FakeWandbOptions> = {},
): Promise<void> {
  const fake = startFakeWandb({ ...demoWandbOptions(), ...options });
  try {
    await body(fake);
  } finally {
    await fake.close();
  }
}
