// Run against a live stack by the API tests (tests/api/test_typescript_client.py): the examples, compiled to
// JavaScript, call each module as the frontend would and print what they got as one JSON line.
import { draftAndPlanningTickets, openCriticalIncidentIds, openIssueCount, urgentTicketTitles } from "./examples.js";

declare const process: { env: Record<string, string | undefined> }; // Node's, without @types/node

const origin = process.env["OPSDESK_ORIGIN"] ?? "http://127.0.0.1:3000";
const token = process.env["OPSDESK_ID_TOKEN"];
const session = { origin, idToken: () => token };

const tickets = await draftAndPlanningTickets(session);
console.log(JSON.stringify({
  auraTicketStatuses: [...new Set(tickets.map((ticket) => ticket.status))].sort(),
  openIssues: await openIssueCount(session),
  urgentHelpdeskTickets: (await urgentTicketTitles(session)).length,
  openCriticalIncidents: (await openCriticalIncidentIds(session)).length,
}));
