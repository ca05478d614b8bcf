/**
 * Agents: each member's availability (available, busy, away, offline), which
 * telephony's call routing and support's ticket handout both read. Mounted
 * under /api by worker/app.ts.
 */
import { createRouter } from "../platform/http";
import { agentRoutes } from "./agent-routes";

export { announceAgentStatus, getAgentState, listAgentStates, markAssigned, setAgentStatus, type AgentState } from "./agent-status";

export const agentsRoutes = createRouter().route("/agents", agentRoutes);
