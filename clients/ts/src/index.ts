// Typed clients of the opsdesk APIs (one per module), for the Next.js frontend. Paths, parameters, bodies and
// answers are the types generated from each module's OpenAPI document (src/generated, `npm run generate`), so
// a call the API does not serve, or a field it does not answer, fails the TypeScript compiler.
//
// Every module takes the signed-in user's Cognito ID token as a bearer token (`idToken`); the copilot and the
// helpdesk also take their session cookies, which the browser sends with `credentials: "include"`.
import createClient, { type Client, type Middleware } from "openapi-fetch";

import type { components as AuraComponents, paths as AuraPaths } from "./generated/aura.js";
import type { components as CopilotComponents, paths as CopilotPaths } from "./generated/copilot.js";
import type { components as HelpdeskComponents, paths as HelpdeskPaths } from "./generated/helpdesk.js";
import type { components as ResponseComponents, paths as ResponsePaths } from "./generated/response.js";
import type { components as SupportComponents, paths as SupportPaths } from "./generated/support.js";

export type AuraSchemas = AuraComponents["schemas"];
export type CopilotSchemas = CopilotComponents["schemas"];
export type HelpdeskSchemas = HelpdeskComponents["schemas"];
export type ResponseSchemas = ResponseComponents["schemas"];
export type SupportSchemas = SupportComponents["schemas"];
export type { AuraPaths, CopilotPaths, HelpdeskPaths, ResponsePaths, SupportPaths };

/** Each module's base path on the API's origin (the `servers` of its document). */
export const BASE_PATHS = {
  support: "/support",
  helpdesk: "/helpdesk",
  copilot: "/copilot/api/v1",
  response: "/response",
  aura: "/aura/api",
} as const;

export interface ClientOptions {
  /** The API's origin: the custom domain on AWS, `http://127.0.0.1:3000` with `make dev`. */
  origin: string;
  /** The signed-in user's Cognito ID token (e.g. from Amplify's `fetchAuthSession().tokens?.idToken`). */
  idToken?: () => string | undefined | Promise<string | undefined>;
  /** A fetch of your own (Next.js server components pass theirs to control caching). */
  fetch?: typeof globalThis.fetch;
}

function bearer(idToken: ClientOptions["idToken"]): Middleware {
  return {
    async onRequest({ request }) {
      const token = await idToken?.();
      if (token) request.headers.set("Authorization", `Bearer ${token}`);
      return request;
    },
  };
}

function moduleClient<Paths extends {}>(
  basePath: string,
  options: ClientOptions,
  { cookies = false, commaSeparatedArrays = false }: { cookies?: boolean; commaSeparatedArrays?: boolean } = {},
): Client<Paths> {
  const client = createClient<Paths>({
    baseUrl: options.origin.replace(/\/+$/, "") + basePath,
    credentials: cookies ? "include" : "same-origin",
    ...(options.fetch ? { fetch: options.fetch } : {}),
    // Aura's filters are one comma-separated value (`status=draft,planning`), as its document says.
    ...(commaSeparatedArrays ? { querySerializer: { array: { style: "form", explode: false } } } : {}),
  });
  client.use(bearer(options.idToken));
  return client;
}

export const supportClient = (options: ClientOptions): Client<SupportPaths> =>
  moduleClient<SupportPaths>(BASE_PATHS.support, options);

export const helpdeskClient = (options: ClientOptions): Client<HelpdeskPaths> =>
  moduleClient<HelpdeskPaths>(BASE_PATHS.helpdesk, options, { cookies: true });

export const copilotClient = (options: ClientOptions): Client<CopilotPaths> =>
  moduleClient<CopilotPaths>(BASE_PATHS.copilot, options, { cookies: true });

export const responseClient = (options: ClientOptions): Client<ResponsePaths> =>
  moduleClient<ResponsePaths>(BASE_PATHS.response, options);

export const auraClient = (options: ClientOptions): Client<AuraPaths> =>
  moduleClient<AuraPaths>(BASE_PATHS.aura, options, { commaSeparatedArrays: true });
