// Go module repository content (modules, versions, files).
export { GoContent } from "./go";
