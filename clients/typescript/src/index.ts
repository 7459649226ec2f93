// The zhidu API client: request and response types generated from openapi/openapi.json
// (src/schema.d.ts, by `make client`), requests sent by openapi-fetch.

import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "./schema";

export type { components, paths };
export type Problem = components["schemas"]["Problem"];

/** A client for `baseUrl` (e.g. `http://127.0.0.1:8080`) sending `token` as a bearer token. */
export function zhiduClient(baseUrl: string, token?: string): Client<paths> {
  const client = createClient<paths>({ baseUrl });
  if (token !== undefined) {
    client.use({
      onRequest({ request }) {
        request.headers.set("Authorization", `Bearer ${token}`);
        return request;
      },
    });
  }
  return client;
}

/** Exchanges a username and password for a token (`POST /api/v1/auth/token`). */
export async function login(baseUrl: string, username: string, password: string): Promise<string> {
  const { data, error } = await zhiduClient(baseUrl).POST("/api/v1/auth/token", {
    body: { grant_type: "password", username, password },
  });
  if (error !== undefined) {
    throw new Error(`login refused: ${error.detail}`);
  }
  return data.access_token;
}
