// Administration: users, services, licensing, settings, audit log.
export { AdminPage } from "./admin";
