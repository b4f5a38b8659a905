// Files repository content (folder tree, details, upload).
export { FilesBrowser } from "./files";
