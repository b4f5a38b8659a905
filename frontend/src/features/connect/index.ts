// The Connect feature's public surface: the dialog a repository page opens,
// and the pure snippet functions (for a CLI help text or another screen).
export { ConnectDialog, type ConnectDialogProps } from "./ConnectDialog";
export { RepositoryConnect } from "./repository-connect";
export { snippetsFor, type ClientSnippets, type ConnectInput } from "./snippets";
