// The Connect dialog: client commands for a repository.
export { ConnectDialog } from "./connect-dialog";
