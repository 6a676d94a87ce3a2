/**
 * The live task dashboard: a web page showing a server's sessions, tasks and
 * server events as they change, with a Stop button per task. Served alone on
 * the loopback (`serveDashboard`, what `mcpc serve --ui` runs), or mounted on
 * an HTTP server behind its `authenticate` hook (`routes: [new Dashboard(...)]`).
 * Node-only, at its own subpath; nothing of it loads unless imported. See docs/dashboard.md.
 *
 * @module mcpc/dashboard
 */
export { Dashboard, TOKEN_HEADER } from "./dashboard.js";
export type { DashboardStats } from "./dashboard.js";
export type { DashboardOptions } from "./dashboardOptions.js";
export { serveDashboard } from "./serveDashboard.js";
export type { DashboardServeOptions, DashboardServing } from "./serveDashboard.js";
export { DASHBOARD_STOP_REASON } from "./taskBoard.js";
