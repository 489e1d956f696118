// How the frontend calls each module, compiled with the rest (`npm run check`): if a document changes a path, a
// parameter or a field these use, the compiler says where.
import { auraClient, copilotClient, helpdeskClient, responseClient, supportClient } from "./index.js";
import type { AuraSchemas, CopilotSchemas } from "./index.js";

type Session = { origin: string; idToken: () => string | undefined };

export async function draftAndPlanningTickets(session: Session): Promise<AuraSchemas["TicketSummary"][]> {
  const { data, error } = await auraClient(session).GET("/tickets", {
    params: { query: { status: ["draft", "planning"], priority: ["high", "critical"], limit: 20 } },
  });
  if (error) throw new Error(`${error.error.code}: ${error.error.message}`);
  return data.tickets;
}

export async function signIn(origin: string, email: string, password: string): Promise<CopilotSchemas["LoginResponse"]> {
  // The answer sets the access and refresh cookies; later calls from the browser ride on them.
  const { data, error } = await copilotClient({ origin }).POST("/auth/login", { body: { email, password } });
  if (error) throw new Error(typeof error.detail === "string" ? error.detail : "sign-in refused");
  return data;
}

export async function openIssueCount(session: Session): Promise<number> {
  const { data, error } = await supportClient(session).GET("/api/issues", { params: { query: { status: "open" } } });
  if (error) throw new Error(error.error.message);
  return data.pagination.total;
}

export async function urgentTicketTitles(session: Session): Promise<string[]> {
  const { data, error } = await helpdeskClient(session).GET("/tickets", { params: { query: { priority: "urgent" } } });
  if (error) throw new Error("tickets unavailable");
  return data.map((ticket) => ticket.title);
}

export async function openCriticalIncidentIds(session: Session): Promise<string[]> {
  const { data, error } = await responseClient(session).GET("/api/incidents", {
    params: { query: { status: "open", limit: 50 } },
  });
  if (error) throw new Error("incidents unavailable");
  return data.filter((incident) => incident.severity === "critical").map((incident) => incident.id);
}
